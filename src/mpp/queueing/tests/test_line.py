"""The line: gapless numbers per agency and day, the order of calls, and what a counter does with a ticket."""

import datetime as dt

import pytest

from mpp.core.errors import Conflict, NotFound
from mpp.queueing import services
from mpp.queueing.models import EventKind, Priority, TicketStatus

from .conftest import MONDAY, counter

pytestmark = pytest.mark.django_db


def test_numbers_run_per_agency_and_day_with_their_letter(mpp, dukcapil, dinkes):
    services.assign_letters(mpp)
    first = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    second = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    health = services.issue_ticket(mpp=mpp, agency=dinkes, now=MONDAY)
    tomorrow = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY + dt.timedelta(days=1))
    assert (first.label, second.label) == ("A-001", "A-002")
    assert health.label == "B-001"  # Dinkes' first counter (4) comes after Disdukcapil's (1–3)
    assert tomorrow.label == "A-001" and tomorrow.day == dt.date(2026, 11, 24)
    assert first.events.get().kind == EventKind.ISSUED


def test_the_day_is_the_mpps_own(mpp, dukcapil):
    # 23:30 WIB on Sunday is already Monday 00:30 in Samarinda (WITA).
    late = dt.datetime(2026, 11, 22, 16, 30, tzinfo=dt.UTC)
    assert services.issue_ticket(mpp=mpp, agency=dukcapil, now=late).day == dt.date(2026, 11, 23)


def test_a_service_of_another_agency_is_refused(mpp, dinkes, birth_service):
    with pytest.raises(NotFound):
        services.issue_ticket(mpp=mpp, agency=dinkes, service=birth_service, now=MONDAY)


def test_an_agency_without_a_counter_at_the_mpp_is_refused(mpp):
    from mpp.catalog.models import Agency, Counter

    without = Agency.objects.filter(region_id="64.72").exclude(
        pk__in=Counter.objects.filter(mpp=mpp).values("agency_id")
    )
    with pytest.raises(NotFound):
        services.issue_ticket(mpp=mpp, agency=without.first(), now=MONDAY)


def test_calls_take_due_bookings_then_priority_then_arrival(mpp, dukcapil, counter_1, counter_officer):
    walk_in = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    elderly = services.issue_ticket(mpp=mpp, agency=dukcapil, priority=Priority.ELDERLY, now=MONDAY)
    later = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY + dt.timedelta(minutes=1))
    booked = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY + dt.timedelta(minutes=2))
    booked.due_at = MONDAY  # a booking's ticket whose slot has begun
    booked.save(update_fields=["due_at"])

    called = []
    at = MONDAY + dt.timedelta(minutes=5)
    for _ in range(4):
        ticket = services.call_next(counter=counter_1, officer=counter_officer, now=at)
        called.append(ticket.label)
        services.finish(ticket_id=ticket.pk, counter=counter_1, officer=counter_officer, now=at)
    assert called == [booked.label, elderly.label, walk_in.label, later.label]
    assert services.call_next(counter=counter_1, officer=counter_officer, now=at) is None


def test_a_booking_checked_in_early_waits_for_its_slot(mpp, dukcapil, counter_1, counter_officer):
    early = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    early.due_at = MONDAY + dt.timedelta(minutes=30)
    early.save(update_fields=["due_at"])
    walk_in = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY + dt.timedelta(minutes=1))
    # Before its slot the booking is an ordinary ticket in arrival order (it came first here).
    assert services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY + dt.timedelta(minutes=2)) == early
    assert walk_in.status == TicketStatus.WAITING


def test_a_counter_with_an_open_ticket_must_close_it_first(mpp, dukcapil, counter_1, counter_officer):
    services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY)
    with pytest.raises(Conflict, match="masih di loket ini"):
        services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY)


def test_recall_no_show_start_and_finish(mpp, dukcapil, counter_1, counter_officer):
    services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    first = services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY)
    recalled = services.recall(
        ticket_id=first.pk, counter=counter_1, officer=counter_officer, now=MONDAY + dt.timedelta(minutes=1)
    )
    assert recalled.recalls == 1 and recalled.called_at == MONDAY
    gone = services.mark_no_show(ticket_id=first.pk, counter=counter_1, officer=counter_officer, now=MONDAY)
    assert gone.status == TicketStatus.NO_SHOW
    with pytest.raises(Conflict):
        services.start_serving(ticket_id=first.pk, counter=counter_1, officer=counter_officer, now=MONDAY)

    second = services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY)
    started = services.start_serving(
        ticket_id=second.pk, counter=counter_1, officer=counter_officer, now=MONDAY + dt.timedelta(minutes=2)
    )
    done = services.finish(
        ticket_id=started.pk, counter=counter_1, officer=counter_officer, now=MONDAY + dt.timedelta(minutes=9)
    )
    assert done.status == TicketStatus.DONE and done.finished_at - done.started_at == dt.timedelta(minutes=7)
    kinds = list(done.events.values_list("kind", flat=True))
    assert kinds == [EventKind.ISSUED, EventKind.CALLED, EventKind.STARTED, EventKind.FINISHED]


def test_another_counters_ticket_is_not_found(mpp, dukcapil, counter_1, counter_2, counter_officer):
    services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    ticket = services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY)
    with pytest.raises(NotFound):
        services.finish(ticket_id=ticket.pk, counter=counter_2, officer=counter_officer, now=MONDAY)


def test_a_transfer_keeps_the_number_and_the_place_in_line(mpp, dukcapil, dinkes, counter_1, counter_officer):
    services.assign_letters(mpp)
    moved = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    health_first = services.issue_ticket(mpp=mpp, agency=dinkes, now=MONDAY + dt.timedelta(minutes=1))
    services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY + dt.timedelta(minutes=3))
    health_counter = counter(mpp, 4)
    services.transfer(
        ticket_id=moved.pk, counter=counter_1, officer=counter_officer, to_counter=health_counter, now=MONDAY
    )
    moved.refresh_from_db()
    assert moved.label == "A-001" and moved.agency == dinkes and moved.status == TicketStatus.WAITING
    # It joined the line at 09:00, before Dinkes' own B-001 (09:01): it is called first, at that counter.
    assert services.call_next(counter=health_counter, officer=counter_officer, now=MONDAY) == moved
    services.finish(ticket_id=moved.pk, counter=health_counter, officer=counter_officer, now=MONDAY)
    assert services.call_next(counter=health_counter, officer=counter_officer, now=MONDAY) == health_first


def test_a_ticket_transferred_to_a_counter_is_called_only_there(mpp, dukcapil, counter_1, counter_2, counter_officer):
    ticket = services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY)
    services.transfer(ticket_id=ticket.pk, counter=counter_1, officer=counter_officer, to_counter=counter_2, now=MONDAY)
    assert services.call_next(counter=counter(mpp, 3), officer=counter_officer, now=MONDAY) is None
    assert services.call_next(counter=counter_2, officer=counter_officer, now=MONDAY) == ticket


def test_a_transfer_to_another_mpps_counter_is_refused(mpp, dukcapil, counter_1, counter_officer):
    from mpp.catalog.models import Counter

    services.issue_ticket(mpp=mpp, agency=dukcapil, now=MONDAY)
    ticket = services.call_next(counter=counter_1, officer=counter_officer, now=MONDAY)
    elsewhere = Counter.objects.exclude(mpp=mpp).first()
    with pytest.raises(NotFound, match="tidak ada di MPP ini"):
        services.transfer(
            ticket_id=ticket.pk, counter=counter_1, officer=counter_officer, to_counter=elsewhere, now=MONDAY
        )
