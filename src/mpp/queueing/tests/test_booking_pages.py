"""The citizen's booking pages: choosing a service, a day and a slot, the booking's page (code, QR, what to
bring), cancelling and moving it, the list of one's bookings; every refusal comes back with its reason and
the choices kept. The views read ``timezone.now()``: slots are picked relative to now, not frozen."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mpp.applications.calendar import days_off
from mpp.catalog.models import Service
from mpp.core import clock
from mpp.queueing import bookings, services
from mpp.queueing.line import today_at
from mpp.queueing.models import Booking, BookingStatus, Capacity, DayChange, SlotCount
from mpp.queueing.slots import bookable_days, slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def capacity(mpp, birth_service):
    return Capacity.objects.create(mpp=mpp, service=birth_service, per_slot=2)


def open_days(mpp, service):
    """The bookable open days from now that still have three slots or more (whatever the hour the tests run
    at), each with its slots."""
    now = timezone.now()
    policy = services.policy_of(mpp)
    found = []
    for day, hours in bookable_days(mpp, today_at(mpp, now), policy):
        if hours.is_open:
            day_slots = slots(mpp, service, day, now=now, policy=policy)
            if len(day_slots) >= 3:
                found.append((day, day_slots))
    return found


def first_slot(mpp, service):
    day, day_slots = open_days(mpp, service)[0]
    return day, day_slots[0]


def slot_post(service, day, starts_at, zone="Asia/Makassar"):
    return {
        "layanan": str(service.pk),
        "hari": day.isoformat(),
        "mulai": clock.in_zone(starts_at, zone).strftime("%H:%M"),
    }


def book_url(mpp):
    return reverse("queueing:book", args=[mpp.pk])


def next_holiday(today):
    upcoming = sorted(day for year in (today.year, today.year + 1) for day in days_off(year) if day > today)
    return upcoming[0], days_off(upcoming[0].year)[upcoming[0]]


# --- who may book ---------------------------------------------------------------------------------------------


def test_anonymous_visitor_is_asked_to_sign_in(client, mpp):
    answer = client.get(book_url(mpp))
    assert answer.status_code == 302 and reverse("identity:login") in answer["Location"]


def test_staff_account_gets_404(client, mpp, counter_officer, capacity):
    client.force_login(counter_officer)
    assert client.get(book_url(mpp)).status_code == 404


def test_unknown_mpp_is_404(client, siti):
    client.force_login(siti)
    assert client.get(reverse("queueing:book", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


# --- choosing -------------------------------------------------------------------------------------------------


def test_page_lists_only_services_that_take_bookings(client, mpp, siti, capacity, birth_service):
    client.force_login(siti)
    page = client.get(book_url(mpp)).content.decode()
    assert f'value="{birth_service.pk}"' in page
    assert page.count('name="layanan"') == 1  # no other service has a capacity


def test_without_capacities_the_page_says_to_take_a_ticket(client, mpp, siti):
    client.force_login(siti)
    answer = client.get(book_url(mpp))
    assert answer.status_code == 200 and "belum menerima pemesanan" in answer.content.decode()


def test_service_from_its_page_is_chosen_and_days_shown(client, mpp, siti, capacity, birth_service):
    client.force_login(siti)
    page = client.get(book_url(mpp), {"layanan": birth_service.pk}).content.decode()
    assert birth_service.template.name in page and 'name="hari"' in page
    assert "Ganti layanan" in page


def test_service_the_mpp_does_not_offer_is_404(client, mpp, siti, capacity):
    client.force_login(siti)
    other = Service.objects.filter(region_id="33.72").first()
    assert client.get(book_url(mpp), {"layanan": other.pk}).status_code == 404
    assert client.get(book_url(mpp), {"layanan": "not-a-uuid"}).status_code == 404


def test_offered_service_without_capacity_is_explained(client, mpp, siti, capacity, dukcapil, birth_service):
    client.force_login(siti)
    other = Service.objects.filter(agency=dukcapil, is_active=True).exclude(pk=birth_service.pk).first()
    page = client.get(book_url(mpp), {"layanan": other.pk}).content.decode()
    assert "belum menerima pemesanan" in page and 'name="hari"' not in page


def test_day_shows_slots_with_free_places_and_full_ones_disabled(client, mpp, siti, budi, capacity, birth_service):
    day, day_slots = open_days(mpp, birth_service)[0]
    capacity.per_slot = 1
    capacity.save()
    bookings.book(citizen=budi, mpp=mpp, service=birth_service, starts_at=day_slots[0].starts_at)
    client.force_login(siti)
    page = client.get(book_url(mpp), {"layanan": birth_service.pk, "hari": day.isoformat()}).content.decode()
    first = clock.in_zone(day_slots[0].starts_at, "Asia/Makassar").strftime("%H:%M")
    assert f'value="{first}" id="slot-{first.replace(":", "")}" disabled' in page
    assert "Penuh" in page and "1 tempat tersisa" in page


def test_closed_days_are_disabled_with_their_reason(client, mpp, siti, capacity, birth_service):
    day, _slots = open_days(mpp, birth_service)[0]
    DayChange.objects.create(mpp=mpp, day=day, reason="Pemadaman listrik", changed_by=siti)
    client.force_login(siti)
    page = client.get(book_url(mpp), {"layanan": birth_service.pk}).content.decode()
    assert f'value="{day.isoformat()}" id="day-{day:%Y%m%d}" disabled' in page
    assert "Pemadaman listrik" in page


def test_holiday_is_shown_closed_with_its_name(client, mpp, siti, capacity, birth_service):
    today = today_at(mpp, timezone.now())
    holiday, name = next_holiday(today)
    policy = services.policy_of(mpp)
    policy.booking_days = (holiday - today).days
    policy.save()
    client.force_login(siti)
    page = client.get(book_url(mpp), {"layanan": birth_service.pk}).content.decode()
    assert f'value="{holiday.isoformat()}" id="day-{holiday:%Y%m%d}" disabled' in page and escape(name) in page


def test_asking_for_a_closed_day_says_why(client, mpp, siti, capacity, birth_service):
    day, _slots = open_days(mpp, birth_service)[0]
    DayChange.objects.create(mpp=mpp, day=day, reason="Pemadaman listrik", changed_by=siti)
    client.force_login(siti)
    answer = client.get(book_url(mpp), {"layanan": birth_service.pk, "hari": day.isoformat()})
    assert answer.status_code == 400 and "MPP tutup pada hari itu (Pemadaman listrik)" in answer.content.decode()


# --- booking --------------------------------------------------------------------------------------------------


def test_citizen_books_a_slot_and_lands_on_the_booking(client, mpp, siti, capacity, birth_service):
    day, slot = first_slot(mpp, birth_service)
    client.force_login(siti)
    answer = client.post(book_url(mpp), slot_post(birth_service, day, slot.starts_at))
    booking = Booking.objects.get(citizen=siti)
    assert answer.status_code == 302 and answer["Location"] == reverse("queueing:booking", args=[booking.pk])
    assert booking.starts_at == slot.starts_at and booking.status == BookingStatus.BOOKED
    page = client.get(answer["Location"]).content.decode()
    assert "Pesanan Anda tercatat" in page


def refused(client, mpp, data):
    answer = client.post(book_url(mpp), data)
    return answer.status_code, answer.content.decode()


def test_full_slot_is_refused_with_choices_kept(client, mpp, siti, budi, capacity, birth_service):
    day, slot = first_slot(mpp, birth_service)
    capacity.per_slot = 1
    capacity.save()
    bookings.book(citizen=budi, mpp=mpp, service=birth_service, starts_at=slot.starts_at)
    client.force_login(siti)
    status, page = refused(client, mpp, slot_post(birth_service, day, slot.starts_at))
    assert status == 400 and "Slot itu sudah penuh" in page
    assert f'name="layanan" value="{birth_service.pk}"' in page  # the service stays chosen
    assert f'value="{day.isoformat()}" id="day-{day:%Y%m%d}" checked' in page  # and the day
    assert not Booking.objects.filter(citizen=siti).exists()


def test_past_slot_is_refused(client, mpp, siti, capacity, birth_service):
    yesterday = today_at(mpp, timezone.now()) - dt.timedelta(days=1)
    client.force_login(siti)
    status, page = refused(
        client, mpp, {"layanan": str(birth_service.pk), "hari": yesterday.isoformat(), "mulai": "09:00"}
    )
    assert status == 400 and "sudah lewat" in page


def test_closed_day_is_refused(client, mpp, siti, capacity, birth_service):
    day, slot = first_slot(mpp, birth_service)
    DayChange.objects.create(mpp=mpp, day=day, reason="Pemadaman listrik", changed_by=siti)
    client.force_login(siti)
    status, page = refused(client, mpp, slot_post(birth_service, day, slot.starts_at))
    assert status == 400 and "Pemadaman listrik" in page
    assert not Booking.objects.exists()


def test_holiday_is_refused_with_its_name(client, mpp, siti, capacity, birth_service):
    today = today_at(mpp, timezone.now())
    holiday, name = next_holiday(today)
    policy = services.policy_of(mpp)
    policy.booking_days = (holiday - today).days
    policy.save()
    client.force_login(siti)
    status, page = refused(
        client, mpp, {"layanan": str(birth_service.pk), "hari": holiday.isoformat(), "mulai": "09:00"}
    )
    assert status == 400 and escape(name) in page


def test_service_not_offered_is_404_on_post(client, mpp, siti, capacity, birth_service):
    day, slot = first_slot(mpp, birth_service)
    other = Service.objects.filter(region_id="33.72").first()
    client.force_login(siti)
    assert client.post(book_url(mpp), slot_post(other, day, slot.starts_at)).status_code == 404


def test_service_without_capacity_is_refused_on_post(client, mpp, siti, capacity, dukcapil, birth_service):
    day, slot = first_slot(mpp, birth_service)
    other = Service.objects.filter(agency=dukcapil, is_active=True).exclude(pk=birth_service.pk).first()
    client.force_login(siti)
    status, page = refused(client, mpp, slot_post(other, day, slot.starts_at))
    assert status == 400 and "belum menerima pemesanan" in page


def test_missing_slot_is_asked_for(client, mpp, siti, capacity, birth_service):
    day, _slot = first_slot(mpp, birth_service)
    client.force_login(siti)
    status, page = refused(client, mpp, {"layanan": str(birth_service.pk), "hari": day.isoformat()})
    assert status == 400 and "Pilih salah satu slot" in page


def test_too_many_bookings_are_refused(client, mpp, siti, capacity, birth_service):
    policy = services.policy_of(mpp)
    policy.max_future_bookings = 1
    policy.save()
    day, day_slots = open_days(mpp, birth_service)[0]
    bookings.book(citizen=siti, mpp=mpp, service=birth_service, starts_at=day_slots[0].starts_at)
    client.force_login(siti)
    status, page = refused(client, mpp, slot_post(birth_service, day, day_slots[1].starts_at))
    assert status == 400 and "sudah memegang 1 pesanan aktif" in page


def test_citizen_who_missed_bookings_is_blocked(client, mpp, siti, capacity, birth_service, dukcapil):
    now = timezone.now()
    for days in (3, 10):
        starts = now - dt.timedelta(days=days)
        Booking.objects.create(
            mpp=mpp,
            service=birth_service,
            agency=dukcapil,
            citizen=siti,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=30),
            day=starts.date(),
            status=BookingStatus.NO_SHOW,
        )
    day, slot = first_slot(mpp, birth_service)
    client.force_login(siti)
    status, page = refused(client, mpp, slot_post(birth_service, day, slot.starts_at))
    assert status == 400 and "2 kali tidak hadir" in page


def test_booking_posts_are_rate_limited(client, mpp, siti, capacity, birth_service):
    client.force_login(siti)
    for _ in range(20):
        assert client.post(book_url(mpp), {"layanan": str(birth_service.pk)}).status_code == 400
    assert client.post(book_url(mpp), {"layanan": str(birth_service.pk)}).status_code == 429


# --- the booking's page ---------------------------------------------------------------------------------------


@pytest.fixture
def booking(mpp, siti, capacity, birth_service):
    _day, slot = first_slot(mpp, birth_service)
    return bookings.book(citizen=siti, mpp=mpp, service=birth_service, starts_at=slot.starts_at)


def test_holder_sees_code_qr_place_and_what_to_bring(client, siti, booking, mpp):
    client.force_login(siti)
    answer = client.get(reverse("queueing:booking", args=[booking.pk]))
    page = answer.content.decode()
    assert answer.status_code == 200
    assert f"{booking.code[:4]} {booking.code[4:]}" in page
    assert reverse("queueing:booking_qr", args=[booking.pk]) in page
    assert mpp.name in page and mpp.address in page
    bring, held = page.split("Tidak perlu dibawa: sudah ada pada negara")
    assert "Surat keterangan kelahiran" in bring and "Kartu Keluarga tempat anak didaftarkan" not in bring
    assert "Kartu Keluarga tempat anak didaftarkan" in held
    assert "Batalkan pesanan" in page and reverse("queueing:reschedule", args=[booking.pk]) in page


def test_checked_in_holder_is_led_to_their_ticket(client, siti, booking, mpp):
    ticket = bookings.check_in(mpp=mpp, code=booking.code, now=booking.starts_at)
    client.force_login(siti)
    page = client.get(reverse("queueing:booking", args=[booking.pk])).content.decode()
    assert reverse("queueing:ticket", args=[ticket.pk]) in page
    assert "Batalkan pesanan" not in page and "qr.svg" not in page


def test_qr_is_an_svg_for_the_holder(client, siti, booking):
    client.force_login(siti)
    answer = client.get(reverse("queueing:booking_qr", args=[booking.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "image/svg+xml"
    assert answer.content.startswith(b"<svg") or b"<svg" in answer.content[:200]


@pytest.mark.parametrize("name", ["queueing:booking", "queueing:booking_qr", "queueing:reschedule"])
def test_another_citizen_gets_404(client, budi, booking, name):
    client.force_login(budi)
    assert client.get(reverse(name, args=[booking.pk])).status_code == 404


def test_another_citizen_cannot_cancel_or_move(client, budi, booking, mpp, birth_service):
    client.force_login(budi)
    assert client.post(reverse("queueing:cancel", args=[booking.pk])).status_code == 404
    day, day_slots = open_days(mpp, birth_service)[0]
    move = slot_post(birth_service, day, day_slots[-1].starts_at)
    assert client.post(reverse("queueing:reschedule", args=[booking.pk]), move).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_staff_gets_404_on_a_booking(client, counter_officer, booking):
    client.force_login(counter_officer)
    assert client.get(reverse("queueing:booking", args=[booking.pk])).status_code == 404


def test_holder_cancels_and_the_place_is_free_again(client, siti, booking):
    client.force_login(siti)
    answer = client.post(reverse("queueing:cancel", args=[booking.pk]))
    assert answer.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert SlotCount.objects.get(starts_at=booking.starts_at).booked == 0
    page = client.get(answer["Location"]).content.decode()
    assert "dibatalkan" in page and "Batalkan pesanan" not in page


def test_cancelling_twice_is_a_conflict(client, siti, booking):
    client.force_login(siti)
    client.post(reverse("queueing:cancel", args=[booking.pk]))
    answer = client.post(reverse("queueing:cancel", args=[booking.pk]))
    assert answer.status_code == 409 and "tidak dapat dibatalkan lagi" in answer.content.decode()


def test_cancel_is_post_only(client, siti, booking):
    client.force_login(siti)
    assert client.get(reverse("queueing:cancel", args=[booking.pk])).status_code == 405


def test_reschedule_page_shows_the_days_then_slots(client, siti, booking, mpp, birth_service):
    client.force_login(siti)
    url = reverse("queueing:reschedule", args=[booking.pk])
    assert 'name="hari"' in client.get(url).content.decode()
    day, _slots = open_days(mpp, birth_service)[0]
    page = client.get(url, {"hari": day.isoformat()}).content.decode()
    assert 'name="mulai"' in page and "Pindah ke slot ini" in page


def test_holder_moves_the_booking_to_another_slot(client, siti, booking, mpp, birth_service):
    day, day_slots = open_days(mpp, birth_service)[0]
    target = day_slots[-1].starts_at
    client.force_login(siti)
    answer = client.post(reverse("queueing:reschedule", args=[booking.pk]), slot_post(birth_service, day, target))
    moved = Booking.objects.get(citizen=siti, status=BookingStatus.BOOKED)
    assert answer.status_code == 302 and answer["Location"] == reverse("queueing:booking", args=[moved.pk])
    assert moved.starts_at == target and moved.pk != booking.pk
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_moving_to_a_full_slot_keeps_the_booking(client, siti, budi, booking, capacity, mpp, birth_service):
    day, day_slots = open_days(mpp, birth_service)[0]
    target = day_slots[-1].starts_at
    capacity.per_slot = 1
    capacity.save()
    bookings.book(citizen=budi, mpp=mpp, service=birth_service, starts_at=target)
    client.force_login(siti)
    answer = client.post(reverse("queueing:reschedule", args=[booking.pk]), slot_post(birth_service, day, target))
    assert answer.status_code == 400 and "Slot itu sudah penuh" in answer.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_a_cancelled_booking_cannot_be_moved(client, siti, booking):
    bookings.cancel(booking_id=booking.pk, citizen=siti)
    client.force_login(siti)
    assert client.get(reverse("queueing:reschedule", args=[booking.pk])).status_code == 409


# --- my bookings ----------------------------------------------------------------------------------------------


def test_my_bookings_needs_a_citizen(client, counter_officer):
    assert client.get(reverse("queueing:my_bookings")).status_code == 302
    client.force_login(counter_officer)
    assert client.get(reverse("queueing:my_bookings")).status_code == 404


def test_my_bookings_lists_upcoming_first(client, siti, budi, mpp, capacity, birth_service, dukcapil):
    _day, day_slots = open_days(mpp, birth_service)[0]
    later = bookings.book(citizen=siti, mpp=mpp, service=birth_service, starts_at=day_slots[1].starts_at)
    sooner = bookings.book(citizen=siti, mpp=mpp, service=birth_service, starts_at=day_slots[0].starts_at)
    past = timezone.now() - dt.timedelta(days=5)
    missed = Booking.objects.create(
        mpp=mpp,
        service=birth_service,
        agency=dukcapil,
        citizen=siti,
        starts_at=past,
        ends_at=past + dt.timedelta(minutes=30),
        day=past.date(),
        status=BookingStatus.NO_SHOW,
    )
    others = bookings.book(citizen=budi, mpp=mpp, service=birth_service, starts_at=day_slots[2].starts_at)
    client.force_login(siti)
    page = client.get(reverse("queueing:my_bookings")).content.decode()
    positions = [page.index(reverse("queueing:booking", args=[b.pk])) for b in (sooner, later, missed)]
    assert positions == sorted(positions)
    assert reverse("queueing:booking", args=[others.pk]) not in page


def test_region_page_links_to_booking(client, mpp):
    page = client.get(reverse("portal:region", args=["64.72"])).content.decode()
    assert book_url(mpp) in page
