"""The queue's figures (``Figure``): tickets, served, no-shows, waiting and service times per MPP, agency,
counter, service, day and hour, kept current by the worker from the tickets.

Everything about a ticket counts at the local hour it joined the line, so an hour's row answers "if I come
at ten, how long do I wait". A refresh recounts each MPP day whose tickets changed since the last refresh
(a day's tickets of one MPP are a few thousand rows at most); it reads changes from a little before its
cursor (``SETTLE``), so a change committed late by a slow transaction is never skipped. ``rebuild`` recounts
every day from scratch; the test checks that both agree.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from mpp.catalog.models import Mpp
from mpp.core import clock

from .models import Figure, FigureCursor, Ticket, TicketStatus

#: How far before its cursor a refresh reads again: longer than any transaction that writes tickets.
SETTLE = dt.timedelta(minutes=2)


def refresh(*, now=None) -> int:
    """Recount the MPP days whose tickets changed since the last refresh; returns how many."""
    now = now or timezone.now()
    cursor = FigureCursor.objects.first()
    changed = Ticket.objects.all()
    if cursor is not None:
        changed = changed.filter(updated_at__gte=cursor.read_until - SETTLE)
    days = set(changed.values_list("mpp_id", "day").distinct())
    for mpp_id, day in days:
        recount(mpp_id, day)
    FigureCursor.objects.update_or_create(pk=1, defaults={"read_until": now})
    return len(days)


def rebuild() -> int:
    """Recount every MPP day there are tickets for; returns how many."""
    days = set(Ticket.objects.values_list("mpp_id", "day").distinct())
    with transaction.atomic():
        Figure.objects.all().delete()
        for mpp_id, day in days:
            recount(mpp_id, day)
        FigureCursor.objects.update_or_create(pk=1, defaults={"read_until": timezone.now()})
    return len(days)


def counted(mpp_id, day: dt.date) -> list[Figure]:
    """The figures of one MPP day, computed from its tickets (unsaved)."""
    zone = Mpp.objects.select_related("region").get(pk=mpp_id).region.time_zone
    rows: dict[tuple, Figure] = defaultdict(lambda: None)
    for ticket in Ticket.objects.filter(mpp_id=mpp_id, day=day).only(
        "agency_id", "counter_id", "service_id", "status", "in_line_since", "called_at", "started_at", "finished_at"
    ):
        hour = clock.in_zone(ticket.in_line_since, zone).hour
        key = (ticket.agency_id, ticket.counter_id, ticket.service_id, hour)
        row = rows[key] or Figure(
            mpp_id=mpp_id, agency_id=key[0], counter_id=key[1], service_id=key[2], day=day, hour=hour
        )
        rows[key] = row
        row.tickets += 1
        if ticket.called_at is not None:
            row.waits += 1
            row.wait_seconds += max(int((ticket.called_at - ticket.in_line_since).total_seconds()), 0)
        if ticket.status == TicketStatus.DONE:
            row.served += 1
            if ticket.started_at is not None and ticket.finished_at is not None:
                row.services += 1
                row.service_seconds += max(int((ticket.finished_at - ticket.started_at).total_seconds()), 0)
        elif ticket.status == TicketStatus.NO_SHOW:
            row.no_shows += 1
    return list(rows.values())


@transaction.atomic
def recount(mpp_id, day: dt.date) -> None:
    """Replace one MPP day's figures with a fresh count."""
    Figure.objects.filter(mpp_id=mpp_id, day=day).delete()
    Figure.objects.bulk_create(counted(mpp_id, day))
