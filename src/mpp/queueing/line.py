"""The MPP's day and the order its lines are called in: the rules the services, the board and the pages share.

A line is called in three steps, each in the order its tickets joined the line: bookings whose slot has
begun, then priority tickets, then everyone else. The steps are disjoint, and each is one index range
(``Ticket.Meta.indexes``), so finding the next ticket or someone's place reads only the tickets ahead of
it, never the whole line (a sort of every waiting ticket took a quarter of a second at 200,000).
"""

import datetime as dt

from django.db.models import Q, QuerySet

from mpp.catalog.models import Counter, Mpp
from mpp.core import clock

from .models import Priority, Ticket, TicketStatus

#: Within a step: who joined the line first (the number breaks a tie).
ORDER = ("in_line_since", "number")


def today_at(mpp: Mpp, now: dt.datetime) -> dt.date:
    """The MPP's day at ``now``, in its region's time zone."""
    return clock.in_zone(now, mpp.region.time_zone).date()


def steps(now: dt.datetime) -> tuple[Q, Q, Q]:
    """The three steps of a line at ``now``, as disjoint conditions, in call order."""
    not_due = Q(due_at__isnull=True) | Q(due_at__gt=now)
    return (
        Q(due_at__lte=now),
        ~Q(priority=Priority.NONE) & not_due,
        Q(priority=Priority.NONE) & not_due,
    )


def step_of(ticket: Ticket, now: dt.datetime) -> int:
    """Which step (0, 1, 2) a waiting ticket is called in at ``now``."""
    if ticket.due_at is not None and ticket.due_at <= now:
        return 0
    return 1 if ticket.priority else 2


def waiting_in(counter: Counter, now: dt.datetime) -> QuerySet[Ticket]:
    """The tickets waiting today in the counter's line that it may call (a ticket sent to another counter
    waits for that one)."""
    return Ticket.objects.filter(
        mpp_id=counter.mpp_id,
        day=today_at(counter.mpp, now),
        agency_id=counter.agency_id,
        status=TicketStatus.WAITING,
    ).filter(Q(for_counter__isnull=True) | Q(for_counter=counter))


def ahead_of(ticket: Ticket, now: dt.datetime) -> int:
    """How many waiting tickets of its line are called before ``ticket`` (one count per step up to its own)."""
    line = Ticket.objects.filter(
        mpp_id=ticket.mpp_id, day=ticket.day, agency_id=ticket.agency_id, status=TicketStatus.WAITING
    )
    own = step_of(ticket, now)
    conditions = steps(now)
    since, number = ticket.in_line_since, ticket.number
    earlier = Q(in_line_since__lt=since) | Q(in_line_since=since, number__lt=number)
    return (
        sum(line.filter(conditions[step]).count() for step in range(own))
        + line.filter(conditions[own] & earlier).count()
    )
