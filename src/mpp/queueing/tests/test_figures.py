"""The queue's figures: the worker's refresh agrees with a full recount, and the pages read them in constant
queries."""

import datetime as dt

import pytest

from mpp.queueing import figures, selectors, services
from mpp.queueing.models import Figure

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def _rows():
    return sorted(
        tuple(str(value) for value in row) for row in Figure.objects.values_list(
            "mpp_id", "agency_id", "counter_id", "service_id", "day", "hour", "tickets", "served", "no_shows",
            "waits", "wait_seconds", "services", "service_seconds",
        )
    )  # fmt: skip


def _serve(counter, officer, at, minutes):
    ticket = services.call_next(counter=counter, officer=officer, now=at)
    services.start_serving(ticket_id=ticket.pk, counter=counter, officer=officer, now=at)
    services.finish(ticket_id=ticket.pk, counter=counter, officer=officer, now=at + dt.timedelta(minutes=minutes))


def test_refresh_agrees_with_a_full_recount(mpp, dukcapil, dinkes, counter_1, counter_officer, birth_service):
    for n in range(4):
        services.issue_ticket(mpp=mpp, agency=dukcapil, service=birth_service if n % 2 else None, now=MONDAY)
    figures.refresh(now=MONDAY)
    _serve(counter_1, counter_officer, MONDAY + dt.timedelta(minutes=10), 6)
    _serve(counter_1, counter_officer, MONDAY + dt.timedelta(minutes=20), 4)
    late = services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY + dt.timedelta(hours=1))
    services.mark_no_show(ticket_id=late.pk, counter=counter_1, officer=counter_officer, now=MONDAY)
    services.issue_ticket(mpp=mpp, agency=dinkes, now=MONDAY + dt.timedelta(hours=2))
    figures.refresh()
    refreshed = _rows()
    figures.rebuild()
    assert refreshed == _rows()

    day = selectors.day_figures(mpp, MONDAY.date())
    assert (day.tickets, day.served, day.no_shows) == (5, 2, 1)
    assert day.average_service_minutes == 5.0
    # Waits: 10 and 20 minutes to the two served, 60 to the no-show.
    assert day.average_wait_minutes == 30.0
    assert [(hour, tickets) for hour, tickets, _wait in day.by_hour] == [(9, 4), (11, 1)]


def test_a_days_figures_take_the_same_queries_however_many_tickets(mpp, dukcapil, django_assert_max_num_queries):
    for _ in range(30):
        services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    figures.rebuild()
    with django_assert_max_num_queries(2):
        selectors.day_figures(mpp, MONDAY.date())
