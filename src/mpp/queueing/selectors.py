"""Reads of the MPP's line: what a counter sees, a ticket for its phone page, the day's figures.

Callers scope first (``access``): a console reads only its own counter's line; public pages read a ticket
by its unguessable id and show numbers only.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from mpp.applications.models import Application
from mpp.catalog.models import Counter, Mpp, Service

from .line import ORDER, steps, today_at, waiting_in
from .models import Capacity, Figure, Line, Ticket, TicketStatus


def waiting_for(counter: Counter, now=None, *, limit: int = 30) -> list[Ticket]:
    """The next ``limit`` tickets the counter's calls will take, in the order it takes them; each knows its
    ``step`` (0: a booking whose slot began, 1: priority, 2: the rest)."""
    now = now or timezone.now()
    found: list[Ticket] = []
    waiting = waiting_in(counter, now).select_related("service__template", "booking")
    for number, step in enumerate(steps(now)):
        for ticket in waiting.filter(step).order_by(*ORDER)[: limit - len(found)]:
            ticket.step = number
            found.append(ticket)
        if len(found) >= limit:
            break
    return found


def open_at(counter: Counter) -> Ticket | None:
    """The ticket called to the counter and not finished yet, if any."""
    return (
        Ticket.objects.filter(counter=counter, status__in=(TicketStatus.CALLED, TicketStatus.SERVING))
        .select_related("service__template", "booking__service__template", "booking__citizen")
        .order_by("-last_called_at")
        .first()
    )


def last_served(counter: Counter, now=None) -> Ticket | None:
    """The counter's last finished ticket today: its visitor may still be at the desk for a survey code."""
    now = now or timezone.now()
    return (
        Ticket.objects.filter(counter=counter, day=today_at(counter.mpp, now), status=TicketStatus.DONE)
        .order_by("-finished_at")
        .first()
    )


def applications_of(ticket: Ticket) -> list[Application]:
    """The applications made at the counter for the ticket's visit (``Application.visit``)."""
    return list(Application.objects.filter(visit=ticket.pk).order_by("created_at"))


def served_today(counter: Counter, now=None) -> int:
    now = now or timezone.now()
    return Ticket.objects.filter(counter=counter, day=today_at(counter.mpp, now), status=TicketStatus.DONE).count()


def other_counters(counter: Counter) -> QuerySet[Counter]:
    """Where the counter may transfer a ticket: the MPP's other counters."""
    return Counter.objects.filter(mpp_id=counter.mpp_id).exclude(pk=counter.pk).select_related("agency__kind")


def line_of(mpp: Mpp, agency_id) -> Line | None:
    """The agency's line at the MPP (a kiosk's busiest read: one indexed query)."""
    return Line.objects.filter(mpp=mpp, agency_id=agency_id).select_related("agency__kind").first()


def lines_of(mpp: Mpp) -> QuerySet[Line]:
    return Line.objects.filter(mpp=mpp).select_related("agency__kind").order_by("letter")


def public_ticket(ticket_id) -> Ticket | None:
    """A ticket by its id (the phone page's capability), with what its page shows."""
    return (
        Ticket.objects.filter(pk=ticket_id)
        .select_related("mpp__region", "agency__kind", "service__template", "counter")
        .first()
    )


@dataclass(frozen=True)
class DayFigures:
    tickets: int
    served: int
    no_shows: int
    average_wait_minutes: float | None
    average_service_minutes: float | None
    #: (hour, tickets, average wait minutes or None), for the chart and its table.
    by_hour: list[tuple[int, int, float | None]]


def _minutes(seconds, count) -> float | None:
    return round(seconds / count / 60, 1) if count else None


def day_figures(mpp: Mpp, day: dt.date) -> DayFigures:
    """The MPP's figures of ``day`` from the aggregate table (two queries, whatever the day's tickets)."""
    rows = Figure.objects.filter(mpp=mpp, day=day)
    totals = rows.aggregate(
        tickets=Sum("tickets"),
        served=Sum("served"),
        no_shows=Sum("no_shows"),
        waits=Sum("waits"),
        wait_seconds=Sum("wait_seconds"),
        services=Sum("services"),
        service_seconds=Sum("service_seconds"),
    )
    by_hour = [
        (row["hour"], row["tickets"], _minutes(row["wait_seconds"], row["waits"]))
        for row in rows.values("hour")
        .annotate(tickets=Sum("tickets"), waits=Sum("waits"), wait_seconds=Sum("wait_seconds"))
        .order_by("hour")
    ]
    return DayFigures(
        tickets=totals["tickets"] or 0,
        served=totals["served"] or 0,
        no_shows=totals["no_shows"] or 0,
        average_wait_minutes=_minutes(totals["wait_seconds"] or 0, totals["waits"] or 0),
        average_service_minutes=_minutes(totals["service_seconds"] or 0, totals["services"] or 0),
        by_hour=by_hour,
    )


def live_line(mpp: Mpp, now=None) -> list[dict]:
    """Per line today: its letter, agency, waiting and being served (one query)."""
    now = now or timezone.now()
    counts = {
        row["agency_id"]: row
        for row in Ticket.objects.filter(mpp=mpp, day=today_at(mpp, now))
        .values("agency_id")
        .annotate(
            waiting=Count("pk", filter=Q(status=TicketStatus.WAITING)),
            serving=Count("pk", filter=Q(status__in=(TicketStatus.CALLED, TicketStatus.SERVING))),
            done=Count("pk", filter=Q(status=TicketStatus.DONE)),
        )
    }
    return [
        {
            "letter": line.letter,
            "agency": line.agency,
            "waiting": counts.get(line.agency_id, {}).get("waiting", 0),
            "serving": counts.get(line.agency_id, {}).get("serving", 0),
            "done": counts.get(line.agency_id, {}).get("done", 0),
        }
        for line in lines_of(mpp)
    ]


def offered_services(mpp: Mpp) -> QuerySet[Service]:
    """The services ``mpp`` serves (``bookings.offers``: active, of its region, their agency has a counter
    there), by agency and name; one query."""
    return (
        Service.objects.filter(
            region_id=mpp.region_id,
            is_active=True,
            agency_id__in=Counter.objects.filter(mpp=mpp).values("agency_id"),
        )
        .select_related("template", "agency__kind")
        .order_by("agency__kind__name", "template__name")
    )


def bookable_services(mpp: Mpp) -> QuerySet[Service]:
    """The services of ``mpp`` that take bookings (a capacity above 0)."""
    return offered_services(mpp).filter(pk__in=Capacity.objects.filter(mpp=mpp, per_slot__gt=0).values("service_id"))
