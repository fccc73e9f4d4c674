"""`make run` opens Samarinda's MPP with a living line, whatever the hour it is seeded at."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mpp.demo.accounts import seed_demo_accounts
from mpp.demo.queue import seed_demo_queue
from mpp.identity.models import User
from mpp.queueing import figures
from mpp.queueing.models import Booking, Figure, Ticket, TicketStatus

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize("hour", [dt.time(10, 0), dt.time(0, 20), dt.time(23, 58)])
def test_the_demo_line_has_people_waiting_one_called_and_a_morning_served(settings, hour):
    settings.DEMO_MODE = True
    seed_demo_accounts()
    people = {
        "manager": User.objects.get(username="pengelola.samarinda"),
        "officer": User.objects.get(username="loket.samarinda"),
        "citizen": User.objects.get(username="6472035204900001"),
    }
    now = dt.datetime.combine(dt.date(2026, 11, 24), hour, WITA)
    assert seed_demo_queue(**people, now=now) == 15
    assert seed_demo_queue(**people, now=now) == 0
    statuses = list(Ticket.objects.values_list("status", flat=True))
    assert statuses.count(TicketStatus.DONE) == 9 and statuses.count(TicketStatus.WAITING) == 5
    assert statuses.count(TicketStatus.CALLED) == 1
    assert Booking.objects.filter(citizen=people["citizen"]).exists()
    assert set(Ticket.objects.values_list("day", flat=True)) == {now.date()}
    refreshed = sorted(map(str, Figure.objects.values_list("agency_id", "hour", "tickets", "served")))
    figures.rebuild()
    assert sorted(map(str, Figure.objects.values_list("agency_id", "hour", "tickets", "served"))) == refreshed
