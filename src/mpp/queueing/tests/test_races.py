"""What only a server database shows: counters calling at once, and the kiosk numbering under load."""

import pytest

from mpp.catalog.models import Counter
from mpp.core.testing import at_once
from mpp.queueing import services
from mpp.queueing.models import Ticket, TicketEvent, TicketStatus

from .conftest import MONDAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_counters_calling_at_once_share_thirty_tickets(mpp, dukcapil, counter_officer):
    for _ in range(30):
        services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    counters = [Counter.objects.create(mpp=mpp, agency=dukcapil, number=100 + n) for n in range(50)]

    outcomes = at_once(50, lambda n: services.call_next(counter=counters[n], officer=counter_officer, now=MONDAY))

    called = [outcome for outcome in outcomes if isinstance(outcome, Ticket)]
    assert [outcome for outcome in outcomes if outcome is not None and not isinstance(outcome, Ticket)] == []
    assert len(called) == 30 and len({ticket.pk for ticket in called}) == 30
    assert Ticket.objects.filter(status=TicketStatus.CALLED).values("counter").distinct().count() == 30
    assert TicketEvent.objects.filter(kind="called").count() == 30


def test_fifty_kiosk_requests_at_once_get_gapless_numbers(mpp, dukcapil):
    outcomes = at_once(50, lambda _n: services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY))

    assert all(isinstance(outcome, Ticket) for outcome in outcomes), outcomes
    assert sorted(ticket.number for ticket in outcomes) == list(range(1, 51))


def test_ten_citizens_booking_two_places_at_once_get_two(mpp, birth_service):
    from mpp.identity.tests.factories import make_citizen
    from mpp.queueing import bookings
    from mpp.queueing.models import Booking, Capacity, SlotCount

    from .test_bookings import TUESDAY_10

    Capacity.objects.create(mpp=mpp, service=birth_service, per_slot=2)
    citizens = [make_citizen(f"64720311119000{n:02d}", level=2) for n in range(10)]

    outcomes = at_once(
        10,
        lambda n: bookings.book(citizen=citizens[n], mpp=mpp, service=birth_service, starts_at=TUESDAY_10, now=MONDAY),
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Booking"] * 2 + ["BookingRefused"] * 8
    assert Booking.objects.count() == 2 and SlotCount.objects.get().booked == 2
