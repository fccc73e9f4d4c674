"""Keeping the figures current: the worker's incremental refresh, and a rebuild of any period from scratch.

Both recount from the source (applications and their timeline) and never add deltas, so running
either twice, or both at once, leaves the same figures. They take the one ``RefreshCursor`` row
first: the refresh skips a run another worker holds (SKIP LOCKED), a rebuild waits for it.
"""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from mpp.applications.models import Application, Event

from .facts import COLUMNS, FACT_FIELDS, Fact, facts_from, facts_of
from .models import ApplicationFact, DecidedFigure, OpenFigure, ReceivedFigure, RefreshCursor
from .recount import Slices, recount_range, recount_running, recount_slices
from .selectors import GENERATION_KEY

logger = logging.getLogger(__name__)

CURSOR = "applications"
#: Events read per transaction.
BATCH = 5000
#: Longer than any transaction that writes an event lasts (the services' take milliseconds; the
#: database's statement timeout bounds them): an id read this long ago has no smaller one still to come.
SETTLE = dt.timedelta(minutes=2)


def _new_generation() -> None:
    """Once committed, the cached figures of every page are stale (``selectors.generation``)."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, None))


@dataclass(frozen=True)
class Refreshed:
    events: int
    applications: int
    changed: int


def refresh(*, settle: dt.timedelta | None = None, batch: int = BATCH) -> Refreshed | None:
    """Count the events written since the last run: recompute the facts of the applications they touch
    and recount only the figures those facts leave or enter. None when another worker is running it.

    Events after the settled id are read again on every run (see ``RefreshCursor``): an event whose
    transaction committed after a larger id was read is counted late, never lost.
    """
    events = applications = changed = 0
    position, checkpointing = None, False
    while True:
        with transaction.atomic():
            cursor = _claim(skip_locked=True)
            if cursor is None:
                logger.info("statistics refresh skipped: another worker holds the cursor")
                return None if position is None else Refreshed(events, applications, changed)
            if position is None:
                checkpointing = _settle(cursor, timezone.now(), SETTLE if settle is None else settle)
                position = cursor.settled_id
            rows = list(
                Event.objects.filter(id__gt=position).order_by("id").values_list("id", "application_id")[:batch]
            )
            if rows:
                position = rows[-1][0]
                touched = {application_id for _id, application_id in rows}
                changed += _refresh_applications(touched)
                events, applications = events + len(rows), applications + len(touched)
            if checkpointing:
                # Stamped after the read: every id below ``position`` that can still appear does so within SETTLE.
                cursor.checkpoint_id, cursor.checkpoint_at = max(cursor.checkpoint_id, position), timezone.now()
            cursor.save(update_fields=["settled_id", "checkpoint_id", "checkpoint_at", "updated_at"])
        if len(rows) < batch:
            return Refreshed(events, applications, changed)


def _settle(cursor: RefreshCursor, now: dt.datetime, settle: dt.timedelta) -> bool:
    """Settle the checkpoint once it is old enough, and say whether this run starts the next one."""
    if cursor.checkpoint_at is not None and cursor.checkpoint_at > now - settle:
        return False  # the checkpoint is recent: read again from the settled id, and leave it be
    cursor.settled_id = cursor.checkpoint_id = max(cursor.settled_id, cursor.checkpoint_id)
    return True


def _refresh_applications(application_ids: set) -> int:
    """Recompute the facts of these applications and recount the slices of those that changed; how many did."""
    old = {
        row.application_id: Fact.of(row) for row in ApplicationFact.objects.filter(application_id__in=application_ids)
    }
    new = {fact.application_id: fact for fact in facts_of(Application.objects.filter(pk__in=application_ids))}
    slices = Slices()
    changed = [fact for pk, fact in new.items() if old.get(pk) != fact]
    gone = [pk for pk in old if pk not in new]  # an application deleted (or back to a draft): no longer counted
    for fact in changed:
        slices.add(fact)
        if fact.application_id in old:
            slices.add(old[fact.application_id])
    for pk in gone:
        slices.add(old[pk])
    if gone:
        ApplicationFact.objects.filter(application_id__in=gone).delete()
    if changed:
        ApplicationFact.objects.bulk_create(
            [fact.row() for fact in changed],
            update_conflicts=True,
            unique_fields=["application"],
            update_fields=FACT_FIELDS,
        )
    if slices:
        recount_slices(slices)
        _new_generation()
    return len(changed) + len(gone)


def rebuild(*, first: dt.date | None = None, last: dt.date | None = None) -> int:
    """Recompute from scratch the facts and figures of the days ``first``..``last`` (every day when both
    are None); returns how many applications were counted. Waits for a running refresh, then holds it off."""
    if (first is None) != (last is None):
        raise ValueError("give both days of the period, or neither")
    if first is not None and last < first:
        raise ValueError("the period ends before it starts")
    with transaction.atomic():
        cursor = _claim(skip_locked=False)
        started = timezone.now()
        if first is None:
            ApplicationFact.objects.all().delete()
            ReceivedFigure.objects.all().delete()
            DecidedFigure.objects.all().delete()
            OpenFigure.objects.all().delete()
            candidates = Application.objects.all()
            # An event stamped (``at``) before started - 2 SETTLE was inserted before started - SETTLE, so
            # every smaller id was inserted before that too and committed before we started reading: the
            # rebuild sees them all. Any later id is read again by the next refresh.
            cursor.settled_id = cursor.checkpoint_id = _settled_before(started - 2 * SETTLE)
            cursor.checkpoint_at = None
            cursor.save()
        else:
            candidates = _touching(first, last)
        counted = _recompute_facts(candidates, first, last)
        if first is None:
            span = ApplicationFact.objects.aggregate(
                first=Min("received_on"), last_received=Max("received_on"), last_decided=Max("decided_on")
            )
            first, last = span["first"], max(filter(None, [span["last_received"], span["last_decided"]]), default=None)
        if first is not None:
            recount_range(first, last)
        recount_running()  # every running application's fact was just recomputed: recount them all
        _new_generation()
    return counted


def _touching(first: dt.date, last: dt.date):
    """Applications that may have been received or decided in ``first``..``last`` in any zone (a superset),
    and every undecided one (its deadline counts now, whatever the period)."""
    since = dt.datetime.combine(first - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.max, tzinfo=dt.UTC)
    # A decision is never later than decided_at; one still waiting for the registry has no decided_at yet.
    in_period = Q(submitted_at__lte=until) & (Q(submitted_at__gte=since) | Q(decided_at__gte=since))
    return Application.objects.filter(in_period | Q(decided_at__isnull=True))


def _recompute_facts(candidates, first: dt.date | None, last: dt.date | None) -> int:
    """Write the facts of ``candidates`` (keyset pages by id); returns how many are in the period."""
    counted, after = 0, None
    candidates = candidates.filter(submitted_at__isnull=False).order_by("pk")
    while True:
        page = candidates if after is None else candidates.filter(pk__gt=after)
        rows = list(page.values_list(*COLUMNS)[:BATCH])
        if not rows:
            return counted
        after = rows[-1][0]
        facts = facts_from(rows)
        ApplicationFact.objects.bulk_create(
            [fact.row() for fact in facts],
            update_conflicts=True,
            unique_fields=["application"],
            update_fields=FACT_FIELDS,
        )
        counted += sum(1 for fact in facts if _in_period(fact, first, last))


def _in_period(fact: Fact, first: dt.date | None, last: dt.date | None) -> bool:
    if first is None:
        return True
    return first <= fact.received_on <= last or (fact.decided_on is not None and first <= fact.decided_on <= last)


def _settled_before(moment: dt.datetime) -> int:
    """The largest id of an event stamped before ``moment`` (0 when none)."""
    found = Event.objects.filter(at__lt=moment).order_by("-id").values_list("id", flat=True).first()
    return found or 0


def _claim(*, skip_locked: bool) -> RefreshCursor | None:
    """The cursor row, locked for this transaction; None when another transaction holds it and ``skip_locked``."""
    locked = RefreshCursor.objects.select_for_update(skip_locked=skip_locked).filter(name=CURSOR).first()
    if locked is not None:
        return locked
    if RefreshCursor.objects.filter(name=CURSOR).exists():
        return None  # held by another worker
    try:
        with transaction.atomic():
            RefreshCursor.objects.create(name=CURSOR)
    except IntegrityError:
        pass  # a concurrent first run created it
    return RefreshCursor.objects.select_for_update(skip_locked=skip_locked).filter(name=CURSOR).first()
