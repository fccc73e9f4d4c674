"""Booking a slot, its reminder over real SMTP, checking in within the window, and what no-shows cost."""

import datetime as dt

import pytest

from mpp.core.errors import Conflict, NotFound
from mpp.notifications.models import Notification
from mpp.notifications.services import deliver_due
from mpp.queueing import bookings, services
from mpp.queueing.models import Booking, BookingStatus, Capacity, DayChange, Priority, SlotCount

from .conftest import MONDAY, WITA

pytestmark = pytest.mark.django_db

#: Tuesday 24 November 2026, 10:00 in Samarinda: a slot the day after MONDAY.
TUESDAY_10 = dt.datetime(2026, 11, 24, 10, 0, tzinfo=WITA)


@pytest.fixture
def bookable(mpp, birth_service):
    Capacity.objects.create(mpp=mpp, service=birth_service, per_slot=2)
    return birth_service


def book(citizen, mpp, service, starts_at=TUESDAY_10, now=MONDAY):
    return bookings.book(citizen=citizen, mpp=mpp, service=service, starts_at=starts_at, now=now)


def test_a_booking_takes_a_place_and_tells_the_citizen(siti, mpp, bookable):
    booking = book(siti, mpp, bookable)
    assert booking.status == BookingStatus.BOOKED and len(booking.code) == 8
    assert booking.day == dt.date(2026, 11, 24) and booking.ends_at == TUESDAY_10 + dt.timedelta(minutes=30)
    assert SlotCount.objects.get().booked == 1
    assert Notification.objects.get(user=siti).kind == "queue_booked"


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (MONDAY - dt.timedelta(hours=1), "sudah lewat"),
        (dt.datetime(2026, 11, 24, 10, 10, tzinfo=WITA), "bukan salah satu slot"),
        (dt.datetime(2026, 11, 24, 16, 0, tzinfo=WITA), "bukan salah satu slot"),  # after closing
        (dt.datetime(2026, 11, 29, 10, 0, tzinfo=WITA), "tutup"),  # a Sunday
        (dt.datetime(2026, 12, 25, 10, 0, tzinfo=WITA), "paling jauh"),  # beyond 14 days
    ],
)
def test_slots_that_are_not_bookable_say_why(siti, mpp, bookable, starts_at, message):
    with pytest.raises(bookings.BookingRefused, match=message):
        book(siti, mpp, bookable, starts_at)
    assert not Booking.objects.exists()


def test_a_holiday_and_a_closed_day_are_closed(siti, samarinda_manager, mpp, bookable):
    # 25 December is Christmas: beyond the window from MONDAY, so book from a week before it.
    christmas = dt.datetime(2026, 12, 25, 10, 0, tzinfo=WITA)
    with pytest.raises(bookings.BookingRefused, match="Natal"):
        book(siti, mpp, bookable, christmas, now=christmas - dt.timedelta(days=7))
    DayChange.objects.create(
        mpp=mpp, day=dt.date(2026, 11, 24), reason="Pemadaman listrik", changed_by=samarinda_manager
    )
    with pytest.raises(bookings.BookingRefused, match="Pemadaman listrik"):
        book(siti, mpp, bookable)


def test_a_full_slot_is_refused(siti, budi, mpp, bookable):
    from mpp.identity.tests.factories import make_citizen

    book(siti, mpp, bookable)
    book(budi, mpp, bookable)
    with pytest.raises(bookings.BookingRefused, match="penuh"):
        book(make_citizen("6472031111900003", level=2), mpp, bookable)


def test_a_service_the_mpp_does_not_offer_is_not_found(siti, mpp, bookable):
    from mpp.catalog.models import Service

    elsewhere = Service.objects.exclude(region_id="64.72").first()
    with pytest.raises(NotFound):
        book(siti, mpp, elsewhere)


def test_a_service_without_capacity_takes_no_bookings(siti, mpp, birth_service):
    with pytest.raises(bookings.BookingRefused, match="belum menerima pemesanan"):
        book(siti, mpp, birth_service)


def test_a_citizen_holds_a_limited_number_of_bookings(siti, mpp, bookable):
    book(siti, mpp, bookable)
    book(siti, mpp, bookable, TUESDAY_10 + dt.timedelta(hours=1))
    with pytest.raises(bookings.BookingRefused, match="pesanan aktif"):
        book(siti, mpp, bookable, TUESDAY_10 + dt.timedelta(hours=2))


def test_no_shows_block_booking_for_a_while(siti, mpp, bookable):
    for days in (1, 2):
        booking = book(siti, mpp, bookable, TUESDAY_10 + dt.timedelta(days=days))
        assert bookings.mark_missed(now=booking.starts_at + dt.timedelta(minutes=16)) == 1
    later = TUESDAY_10 + dt.timedelta(days=7)
    with pytest.raises(bookings.BookingRefused, match="2 kali tidak hadir"):
        book(siti, mpp, bookable, later, now=later - dt.timedelta(days=1))
    # Thirty days after the last no-show (Thursday 26 November) she may book again.
    free_again = dt.datetime(2026, 12, 28, 10, 0, tzinfo=WITA)
    assert book(siti, mpp, bookable, free_again, now=free_again - dt.timedelta(days=1))


def test_cancel_frees_the_place_and_reschedule_moves_it(siti, budi, mpp, bookable):
    booking = book(siti, mpp, bookable)
    bookings.cancel(booking_id=booking.pk, citizen=siti, now=MONDAY)
    assert SlotCount.objects.get().booked == 0
    with pytest.raises(Conflict):
        bookings.cancel(booking_id=booking.pk, citizen=siti, now=MONDAY)
    with pytest.raises(NotFound):
        bookings.cancel(booking_id=book(budi, mpp, bookable).pk, citizen=siti, now=MONDAY)

    first = book(siti, mpp, bookable)
    moved = bookings.reschedule(
        booking_id=first.pk, citizen=siti, starts_at=TUESDAY_10 + dt.timedelta(hours=2), now=MONDAY
    )
    first.refresh_from_db()
    assert first.status == BookingStatus.CANCELLED and moved.starts_at == TUESDAY_10 + dt.timedelta(hours=2)


def test_check_in_within_its_window_gives_a_due_ticket(siti, mpp, bookable):
    booking = book(siti, mpp, bookable)
    with pytest.raises(bookings.BookingRefused, match=r"dibuka 09\.30"):
        bookings.check_in(mpp=mpp, code=booking.code, now=TUESDAY_10 - dt.timedelta(minutes=31))
    ticket = bookings.check_in(mpp=mpp, code=booking.code.lower(), now=TUESDAY_10 - dt.timedelta(minutes=10))
    assert ticket.booking == booking and ticket.due_at == TUESDAY_10 and ticket.label == "A-001"
    with pytest.raises(Conflict):
        bookings.check_in(mpp=mpp, code=booking.code, now=TUESDAY_10)
    with pytest.raises(NotFound):
        bookings.check_in(mpp=mpp, code="ZZZZZZZZ", now=TUESDAY_10)


def test_a_checked_in_booking_is_called_before_priority_once_its_slot_began(
    siti, mpp, bookable, dukcapil, counter_1, counter_officer
):
    booking = book(siti, mpp, bookable)
    services.issue_ticket(mpp=mpp, agency=dukcapil, priority=Priority.PREGNANT, now=TUESDAY_10 - dt.timedelta(hours=1))
    ticket = bookings.check_in(mpp=mpp, code=booking.code, now=TUESDAY_10 - dt.timedelta(minutes=5))
    assert services.call_next(counter=counter_1, officer=counter_officer, now=TUESDAY_10) == ticket


def test_the_reminder_arrives_the_day_before_over_smtp(siti, mpp, bookable, smtp_server):
    siti.email, siti.email_verified_at = "siti@example.id", MONDAY
    siti.save(update_fields=["email", "email_verified_at"])
    booking = book(siti, mpp, bookable)
    assert bookings.remind_due(now=MONDAY - dt.timedelta(days=1)) == 0  # two days before: not yet
    assert bookings.remind_due(now=MONDAY) == 1
    assert bookings.remind_due(now=MONDAY) == 0  # once
    deliver_due(limit=50)
    bodies = [message.get_body(preferencelist=("plain",)).get_content() for message in smtp_server.messages]
    reminder = next(body for body in bodies if "Besok" in body)
    assert booking.code in reminder and "Mal Pelayanan Publik Kota Samarinda" in reminder


def test_closing_a_day_cancels_its_bookings_and_tells_why(siti, budi, samarinda_manager, mpp, bookable):
    from mpp.queueing import rules

    morning, afternoon = book(siti, mpp, bookable), book(budi, mpp, bookable, TUESDAY_10 + dt.timedelta(hours=4))
    rules.change_day(
        mpp=mpp,
        day=TUESDAY_10.date(),
        opens=dt.time(8, 0),
        closes=dt.time(12, 0),
        reason="Rapat koordinasi siang",
        by=samarinda_manager,
        now=MONDAY,
    )
    morning.refresh_from_db()
    afternoon.refresh_from_db()
    assert morning.status == BookingStatus.BOOKED and afternoon.status == BookingStatus.CANCELLED
    told = Notification.objects.get(user=budi, kind="queue_closed")
    assert told.context["note"] == "Rapat koordinasi siang"
    assert SlotCount.objects.get(starts_at=afternoon.starts_at).booked == 0
