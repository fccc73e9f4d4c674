"""What an MPP's display board and its visitors' phones show, kept as one snapshot per MPP in the cache.

Every change of the MPP's line (a ticket, a call, a transfer, the announcement) drops the snapshot once
committed (``changed``); the next request rebuilds it in a few queries and every other request reads it
from the cache. Boards and phones poll it every second with the snapshot's version as their ETag and get
304 Not Modified while nothing changed (docs/decisions/0013-queue-display-polling.md says why polling).

The board part holds numbers and counters only, never a name or a ticket's id. Its version is a digest
of what it shows, so boards built by different workers for the same line carry the same ETag. A phone's
place in line is counted on demand (``line.ahead_of``) and kept with the version it was counted for.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, F
from django.utils import timezone

from mpp.catalog.models import Counter, Mpp

from .line import ahead_of, today_at
from .models import Line, Policy, Ticket, TicketStatus

#: Seconds a snapshot may live without a change (a safety net: every change drops it at once).
SNAPSHOT_SECONDS = 300
#: ... and in a per-process memory cache, which another worker's change cannot reach: two seconds, so a
#: deployment that forgot ``REDIS_URL`` still shows a call within the issue's two seconds (decision 0013).
LOCAL_SNAPSHOT_SECONDS = 2
#: How many calls the board lists under the current ones.
RECENT_CALLS = 6
#: Minutes per visitor when the day has no finished service yet to learn from.
DEFAULT_SERVICE_MINUTES = 6


@dataclass
class Snapshot:
    #: A digest of what the board shows: equal boards have equal versions, whichever worker built them.
    version: str
    board: dict
    #: Per agency id: average minutes of a finished service today, and counters serving the line.
    minutes: dict[str, float] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)


def _lifetime() -> int:
    shared = "locmem" not in settings.CACHES["default"]["BACKEND"].lower()
    return SNAPSHOT_SECONDS if shared else LOCAL_SNAPSHOT_SECONDS


def _key(mpp_id) -> str:
    return f"queueing:board:{mpp_id}"


def changed(mpp_id) -> None:
    """The MPP's line changed: the next read rebuilds the snapshot."""
    cache.delete(_key(mpp_id))


def cached(mpp_id) -> Snapshot | None:
    """The MPP's snapshot if the cache holds it, without a query (what a poll every second reads)."""
    return cache.get(_key(mpp_id))


def snapshot(mpp: Mpp, now=None) -> Snapshot:
    """The MPP's current snapshot, from the cache or rebuilt."""
    found = cached(mpp.pk)
    if found is None:
        found = _build(mpp, now or timezone.now())
        cache.set(_key(mpp.pk), found, _lifetime())
    return found


def _build(mpp: Mpp, now: dt.datetime) -> Snapshot:
    day = today_at(mpp, now)
    tickets = Ticket.objects.filter(mpp=mpp, day=day)
    letters = {line.agency_id: line for line in Line.objects.filter(mpp=mpp).select_related("agency__kind")}
    counters = dict(Counter.objects.filter(mpp=mpp).order_by().values_list("pk", "number"))
    calls = [
        {"ticket": f"{letter}-{number:03d}", "counter": counters.get(counter_id), "at": at.isoformat()}
        for letter, number, counter_id, at in tickets.filter(last_called_at__isnull=False)
        .order_by("-last_called_at")
        .values_list("letter", "number", "counter_id", "last_called_at")[: RECENT_CALLS + 4]
    ]
    current = [
        {"ticket": f"{letter}-{number:03d}", "counter": counters.get(counter_id), "at": at.isoformat()}
        for letter, number, counter_id, at in tickets.filter(status=TicketStatus.CALLED, counter__isnull=False)
        .order_by("-last_called_at")
        .values_list("letter", "number", "counter_id", "last_called_at")[:4]
    ]
    waiting = dict(
        tickets.filter(status=TicketStatus.WAITING).values_list("agency_id").annotate(n=Count("pk")).order_by()
    )
    minutes = {
        str(row["agency_id"]): round(row["seconds"].total_seconds() / 60, 1)
        for row in tickets.filter(status=TicketStatus.DONE, started_at__isnull=False)
        .values("agency_id")
        .annotate(seconds=Avg(F("finished_at") - F("started_at")))
        if row["seconds"] is not None
    }
    serving = {
        str(row["agency_id"]): row["n"]
        for row in Counter.objects.filter(mpp=mpp).values("agency_id").annotate(n=Count("pk"))
    }
    announcement = Policy.objects.filter(mpp=mpp).values_list("announcement", flat=True).first() or ""
    lines = [
        {
            "letter": line.letter,
            "agency": line.agency.kind.short_name,
            "waiting": waiting.get(agency_id, 0),
        }
        for agency_id, line in sorted(letters.items(), key=lambda item: item[1].letter)
    ]
    board = {"current": current, "recent": calls[:RECENT_CALLS], "lines": lines, "announcement": announcement}
    version = hashlib.sha256(json.dumps(board, sort_keys=True).encode()).hexdigest()[:16]
    return Snapshot(version, board | {"at": now.isoformat()}, minutes, serving)


def position(snap: Snapshot, ticket: Ticket, now=None) -> tuple[int, int] | None:
    """(people ahead, estimated minutes) for a waiting ticket, or None when it is not waiting. The count is
    kept with the snapshot's version: a phone polling every few seconds counts again only after a change."""
    if ticket.status != TicketStatus.WAITING:
        return None
    key = f"queueing:ahead:{ticket.pk}:{snap.version}"
    ahead = cache.get(key)
    if ahead is None:
        ahead = ahead_of(ticket, now or timezone.now())
        cache.set(key, ahead, _lifetime())
    per_visitor = snap.minutes.get(str(ticket.agency_id), DEFAULT_SERVICE_MINUTES)
    counters = max(snap.counters.get(str(ticket.agency_id), 1), 1)
    return ahead, round(ahead * per_visitor / counters)
