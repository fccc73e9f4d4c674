"""Keeping the index figures current: the worker's incremental refresh, and a rebuild from scratch.

The refresh follows three sources by id, as the statistics follow the applications' events:

1. the applications' events (``applications.Event``): a decision, or a submission at the counter, serves
   a transaction, which is invited to the survey (``services.invite_applications``; pages may have
   invited it first, which changes nothing);
2. the invitations: each is one served user, the population of its region's month;
3. the answers: the respondents and their sums.

The region-months the new invitations and answers fall in are recounted from scratch (``recount``),
never adjusted by deltas, so running either twice, or both at once, leaves the same figures. Ids become
visible when their transaction commits, so a smaller id may appear after a larger one was read: every
source is read again after its settled id on each run (see ``RefreshCursor``), and nothing is lost.

Both take the three cursor rows first: the refresh skips a run another worker holds (SKIP LOCKED),
a rebuild waits for it.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mpp.applications.models import DONE_STATUSES, Application, Channel, Event

from . import services
from .models import Answer, Invitation, RefreshCursor
from .recount import recount_everything, recount_slices
from .selectors import new_generation

logger = logging.getLogger(__name__)

SOURCES = ("events", "invitations", "answers")
#: Rows read per source and transaction.
BATCH = 5000
#: Longer than any transaction that writes one of the sources lasts: an id read this long ago has no
#: smaller one still to come (the statistics' rule).
SETTLE = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Refreshed:
    events: int = 0
    invited: int = 0
    invitations: int = 0
    answers: int = 0
    slices: int = 0


def refresh(*, settle: dt.timedelta | None = None, batch: int = BATCH) -> Refreshed | None:
    """Count what was written since the last run; None when another worker is running it."""
    done = Refreshed()
    positions: dict[str, int] | None = None
    checkpointing: dict[str, bool] = {}
    while True:
        with transaction.atomic():
            cursors = _claim(skip_locked=True)
            if cursors is None:
                logger.info("survey refresh skipped: another worker holds the cursors")
                return None if positions is None else done
            if positions is None:
                now = timezone.now()
                checkpointing = {
                    name: _settle(cursor, now, SETTLE if settle is None else settle) for name, cursor in cursors.items()
                }
                positions = {name: cursor.settled_id for name, cursor in cursors.items()}
            events = list(
                Event.objects.filter(id__gt=positions["events"])
                .order_by("id")
                .values_list("id", "application_id", "action", "to_status")[:batch]
            )
            served = {pk for _id, pk, action, status in events if status in DONE_STATUSES or action == "submit"}
            invited = services.invite_applications(served) if served else 0
            invitations = list(
                Invitation.objects.filter(id__gt=positions["invitations"])
                .order_by("id")
                .values_list("id", "region_id", "month")[:batch]
            )
            answers = list(
                Answer.objects.filter(id__gt=positions["answers"])
                .order_by("id")
                .values_list("id", "region_id", "month")[:batch]
            )
            slices = {(region, month) for _id, region, month in invitations} | {
                (region, month) for _id, region, month in answers
            }
            if slices:
                recount_slices(slices)
                transaction.on_commit(new_generation)  # the pages' cached index is stale once this commits
            for name, rows in (("events", events), ("invitations", invitations), ("answers", answers)):
                if rows:
                    positions[name] = rows[-1][0]
            now = timezone.now()
            for name, cursor in cursors.items():
                if checkpointing[name]:
                    # Stamped after the read: every id below the position that can still appear does so within SETTLE.
                    cursor.checkpoint_id, cursor.checkpoint_at = max(cursor.checkpoint_id, positions[name]), now
                cursor.save(update_fields=["settled_id", "checkpoint_id", "checkpoint_at", "updated_at"])
            done = Refreshed(
                done.events + len(events),
                done.invited + invited,
                done.invitations + len(invitations),
                done.answers + len(answers),
                done.slices + len(slices),
            )
        if max(len(events), len(invitations), len(answers)) < batch:
            return done


def _settle(cursor: RefreshCursor, now: dt.datetime, settle: dt.timedelta) -> bool:
    """Settle the checkpoint once it is old enough, and say whether this run starts the next one."""
    if cursor.checkpoint_at is not None and cursor.checkpoint_at > now - settle:
        return False  # the checkpoint is recent: read again from the settled id, and leave it be
    cursor.settled_id = cursor.checkpoint_id = max(cursor.settled_id, cursor.checkpoint_id)
    return True


@dataclass(frozen=True)
class Rebuilt:
    invited: int
    invitations: int
    answers: int


def rebuild() -> Rebuilt:
    """Invite every served application that has no invitation yet, and recount every figure from scratch.
    Waits for a running refresh, then holds it off until done."""
    with transaction.atomic():
        cursors = _claim(skip_locked=False)
        started = timezone.now()
        invited = _invite_everyone()
        recount_everything()
        transaction.on_commit(new_generation)
        # A row stamped before started - 2 SETTLE was inserted before started - SETTLE, so every smaller id
        # was too, and committed before we started: the rebuild counted them all. Later ones are read again.
        moment = started - 2 * SETTLE
        settled = {
            "events": Event.objects.filter(at__lt=moment),
            "invitations": Invitation.objects.filter(created_at__lt=moment),
            "answers": Answer.objects.filter(created_at__lt=moment),
        }
        for name, cursor in cursors.items():
            cursor.settled_id = cursor.checkpoint_id = (
                settled[name].order_by("-id").values_list("id", flat=True).first() or 0
            )
            cursor.checkpoint_at = None
            cursor.save()
        return Rebuilt(invited, Invitation.objects.count(), Answer.objects.count())


def _invite_everyone() -> int:
    """Invitations for every served application (keyset pages by id); returns how many are served."""
    served = Application.objects.filter(
        Q(status__in=DONE_STATUSES, decided_at__isnull=False) | Q(channel=Channel.COUNTER), submitted_at__isnull=False
    ).order_by("pk")
    invited, after = 0, None
    while True:
        page = served if after is None else served.filter(pk__gt=after)
        ids = list(page.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return invited
        after = ids[-1]
        invited += services.invite_applications(ids)


def _claim(*, skip_locked: bool) -> dict[str, RefreshCursor] | None:
    """The cursor rows, locked for this transaction; None when another transaction holds them and ``skip_locked``."""
    for _attempt in range(2):
        locked = list(RefreshCursor.objects.select_for_update(skip_locked=skip_locked).filter(name__in=SOURCES))
        if len(locked) == len(SOURCES):
            return {cursor.name: cursor for cursor in sorted(locked, key=lambda cursor: SOURCES.index(cursor.name))}
        existing = set(RefreshCursor.objects.filter(name__in=SOURCES).values_list("name", flat=True))
        if len(existing) == len(SOURCES):
            return None  # held by another worker
        for name in SOURCES:
            if name not in existing:
                try:
                    with transaction.atomic():
                        RefreshCursor.objects.create(name=name)
                except IntegrityError:
                    pass  # a concurrent first run created it
    return None
