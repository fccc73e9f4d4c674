"""The entrance kiosk: a walk-in takes a number (agency → service and priority → ticket), a booking checks in by
its code, and the ticket goes to a phone by SMS; every bad input and every limit answers plainly."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from mpp.catalog.models import Mpp, Service
from mpp.notifications.models import OutboxMessage
from mpp.queueing import bookings
from mpp.queueing.models import Booking, BookingStatus, Capacity, Priority, Ticket
from mpp.queueing.views import kiosk as kiosk_views

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def kiosk_url(mpp) -> str:
    return f"/antrean/{mpp.pk}/kios/"


def take(client, mpp, agency, **data):
    return client.post(kiosk_url(mpp), {"agency": str(agency.pk), **data})


def test_the_start_lists_the_mpps_lines_with_their_letters_and_the_check_in_box(client, mpp):
    page = client.get(kiosk_url(mpp))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Disdukcapil" in text and ">A</span>" in text and 'name="code"' in text and "autofocus" in text
    assert "0 menunggu" in text


def test_an_agencys_page_offers_its_services_here_and_the_priorities(client, mpp, dukcapil, birth_service):
    page = client.get(kiosk_url(mpp), {"instansi": str(dukcapil.pk)})
    text = page.content.decode()
    assert page.status_code == 200 and "Akta Kelahiran" in text and "Belum tahu / layanan lain" in text
    for label in ("Lansia", "Penyandang disabilitas", "Ibu hamil", "Membawa bayi atau balita"):
        assert label in text
    assert 'data-kiosk-reset="60"' in text


def test_a_walk_in_takes_gapless_numbers_and_the_priority_is_kept(client, mpp, dukcapil, birth_service):
    first = take(client, mpp, dukcapil, service=str(birth_service.pk), priority="")
    second = take(client, mpp, dukcapil, priority=Priority.ELDERLY)
    one, two = Ticket.objects.order_by("number")
    assert (one.label, two.label) == ("A-001", "A-002")
    assert one.service == birth_service and one.priority == "" and two.service is None
    assert two.priority == Priority.ELDERLY
    # Post/redirect/get: a reload of the ticket never takes another number.
    assert first.status_code == 303 and first["Location"] == f"/antrean/tiket/{one.pk}/?kios=1"
    assert second["Location"] == f"/antrean/tiket/{two.pk}/?kios=1"
    page = client.get(first["Location"]).content.decode()
    assert "A-001" in page and "Cetak tiket" in page and f"/antrean/tiket/{one.pk}/" in page


def test_the_start_counts_who_waits(client, mpp, dukcapil):
    take(client, mpp, dukcapil)
    take(client, mpp, dukcapil)
    assert "2 menunggu" in client.get(kiosk_url(mpp)).content.decode()


def test_an_unknown_mpp_is_a_404(client):
    assert client.get(f"/antrean/{uuid.uuid4()}/kios/").status_code == 404
    assert client.post(f"/antrean/{uuid.uuid4()}/kios/check-in/", {"code": "ABCDEFGH"}).status_code == 404


def test_another_mpps_agency_is_refused(client, mpp):
    other = Mpp.objects.exclude(region_id=mpp.region_id).filter(counters__isnull=False).first()
    stranger = other.counters.first().agency
    assert take(client, mpp, stranger).status_code == 404
    assert client.get(kiosk_url(mpp), {"instansi": str(stranger.pk)}).status_code == 404
    assert client.post(kiosk_url(mpp), {"agency": "not-a-uuid"}).status_code == 404
    assert not Ticket.objects.exists()


def test_a_service_of_another_agency_or_region_is_a_form_error(client, mpp, dukcapil, dinkes):
    theirs = Service.objects.filter(agency=dinkes).first()
    elsewhere = Service.objects.exclude(region_id=mpp.region_id).first()
    for service in (theirs, elsewhere):
        answer = take(client, mpp, dukcapil, service=str(service.pk))
        assert answer.status_code == 400 and "Pilih layanan dari daftar." in answer.content.decode()
    assert not Ticket.objects.exists()


def test_a_made_up_priority_is_a_form_error(client, mpp, dukcapil):
    answer = take(client, mpp, dukcapil, priority="vip")
    assert answer.status_code == 400 and "Pilih jenis prioritas dari daftar." in answer.content.decode()
    assert not Ticket.objects.exists()


def test_too_many_tickets_from_one_address_are_refused(client, mpp, dukcapil, monkeypatch):
    monkeypatch.setattr(kiosk_views, "TICKETS_PER_ADDRESS", "2/h")
    assert take(client, mpp, dukcapil).status_code == 303
    assert take(client, mpp, dukcapil).status_code == 303
    refused = take(client, mpp, dukcapil)
    assert refused.status_code == 429 and "Terlalu banyak permintaan" in refused.content.decode()
    assert Ticket.objects.count() == 2


# --- Check-in with a booking's code ---


def booking_at(siti, mpp, birth_service, starts_at) -> Booking:
    """A booking made directly (the kiosk's views run at the real time; booking rules are tested elsewhere)."""
    return Booking.objects.create(
        mpp=mpp,
        service=birth_service,
        agency_id=birth_service.agency_id,
        citizen=siti,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=30),
        day=timezone.localdate(starts_at),
    )


def test_a_booking_checks_in_by_its_code_and_gets_a_ticket(client, mpp, birth_service, siti):
    booking = booking_at(siti, mpp, birth_service, timezone.now() + dt.timedelta(minutes=10))
    typed = f"{booking.code[:4].lower()} {booking.code[4:]}"
    answer = client.post(f"/antrean/{mpp.pk}/kios/check-in/", {"code": typed})
    ticket = Ticket.objects.get()
    assert answer.status_code == 303 and answer["Location"] == f"/antrean/tiket/{ticket.pk}/?kios=1"
    assert ticket.booking == booking and ticket.label == "A-001" and ticket.due_at == booking.starts_at
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN


def test_a_booking_made_with_the_booking_service_checks_in_within_its_window(mpp, birth_service, siti):
    Capacity.objects.create(mpp=mpp, service=birth_service, per_slot=2)
    booking = bookings.book(
        citizen=siti, mpp=mpp, service=birth_service, starts_at=MONDAY, now=MONDAY - dt.timedelta(days=1)
    )
    with pytest.raises(bookings.BookingRefused):
        bookings.check_in(mpp=mpp, code=booking.code, now=MONDAY - dt.timedelta(hours=1))
    ticket = bookings.check_in(mpp=mpp, code=booking.code, now=MONDAY - dt.timedelta(minutes=10))
    assert ticket.booking == booking


def test_an_unknown_code_is_a_404_on_the_kiosk(client, mpp):
    answer = client.post(f"/antrean/{mpp.pk}/kios/check-in/", {"code": "ZZZZ2222"})
    text = answer.content.decode()
    assert answer.status_code == 404 and "Kode pesanan tidak dikenal" in text


def test_a_code_too_short_is_a_form_error(client, mpp):
    answer = client.post(f"/antrean/{mpp.pk}/kios/check-in/", {"code": "ABC"})
    assert answer.status_code == 400 and "8 huruf dan angka" in answer.content.decode()


def test_a_used_code_is_a_409(client, mpp, birth_service, siti):
    booking = booking_at(siti, mpp, birth_service, timezone.now() + dt.timedelta(minutes=5))
    client.post(f"/antrean/{mpp.pk}/kios/check-in/", {"code": booking.code})
    again = client.post(f"/antrean/{mpp.pk}/kios/check-in/", {"code": booking.code})
    assert again.status_code == 409 and "sudah check-in" in again.content.decode().lower()
    assert Ticket.objects.count() == 1


def test_a_code_outside_its_window_says_when_it_opens(client, mpp, birth_service, siti):
    booking = booking_at(siti, mpp, birth_service, timezone.now() + dt.timedelta(hours=3))
    answer = client.post(f"/antrean/{mpp.pk}/kios/check-in/", {"code": booking.code})
    assert answer.status_code == 400 and "Check-in untuk pesanan ini dibuka" in answer.content.decode()
    assert not Ticket.objects.exists()


def test_another_mpps_code_is_unknown_here(client, mpp, birth_service, siti):
    booking = booking_at(siti, mpp, birth_service, timezone.now() + dt.timedelta(minutes=5))
    other = Mpp.objects.exclude(pk=mpp.pk).first()
    assert client.post(f"/antrean/{other.pk}/kios/check-in/", {"code": booking.code}).status_code == 404


def test_too_many_check_in_tries_are_refused(client, mpp, monkeypatch):
    monkeypatch.setattr(kiosk_views, "CHECK_INS_PER_ADDRESS", "2/h")
    for _ in range(2):
        assert client.post(f"/antrean/{mpp.pk}/kios/check-in/", {"code": "ZZZZ2222"}).status_code == 404
    refused = client.post(f"/antrean/{mpp.pk}/kios/check-in/", {"code": "ZZZZ2222"})
    assert refused.status_code == 429 and "Terlalu banyak permintaan" in refused.content.decode()


# --- Sending the ticket to a phone ---


@pytest.fixture
def gateway(settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    settings.SITE_URL = "https://mpp.example"


def issued(client, mpp, agency) -> Ticket:
    take(client, mpp, agency)
    return Ticket.objects.latest("number")


def test_the_ticket_goes_to_a_phone_and_the_number_is_kept_but_never_shown(client, mpp, dukcapil, gateway):
    ticket = issued(client, mpp, dukcapil)
    assert "Kirim SMS" in client.get(f"/antrean/tiket/{ticket.pk}/?kios=1").content.decode()
    answer = client.post(f"/antrean/tiket/{ticket.pk}/sms/", {"phone": "0813-9876-5432", "kios": "1"})
    assert answer.status_code == 303 and answer["Location"] == f"/antrean/tiket/{ticket.pk}/?kios=1&terkirim=1"
    ticket.refresh_from_db()
    assert ticket.phone == "+6281398765432"
    message = OutboxMessage.objects.get()
    assert message.recipient == "+6281398765432" and message.kind == "queue_ticket"
    assert message.context == {
        "ticket": "A-001",
        "mpp": mpp.name,
        "agency": "Disdukcapil",
        "url": f"https://mpp.example/antrean/tiket/{ticket.pk}/",
    }
    page = client.get(answer["Location"]).content.decode()
    assert "sudah dikirim" in page and "98765432" not in page
    # The same number again sends nothing more; the visitor's own page never shows it either.
    client.post(f"/antrean/tiket/{ticket.pk}/sms/", {"phone": "+6281398765432"})
    assert OutboxMessage.objects.count() == 1
    assert "98765432" not in client.get(f"/antrean/tiket/{ticket.pk}/").content.decode()


@pytest.mark.parametrize("phone", ["", "12345", "0212345678", "+1 415 555 0100", "08123"])
def test_a_number_that_is_no_indonesian_mobile_is_a_form_error(client, mpp, dukcapil, gateway, phone):
    ticket = issued(client, mpp, dukcapil)
    answer = client.post(f"/antrean/tiket/{ticket.pk}/sms/", {"phone": phone, "kios": "1"})
    text = answer.content.decode()
    assert answer.status_code == 400 and "Tulis nomor ponsel" in text and 'aria-invalid="true"' in text
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("typed", ["081234567890", "6281234567890", "+62 812 3456 7890"])
def test_the_number_is_kept_in_one_form(client, mpp, dukcapil, gateway, typed):
    ticket = issued(client, mpp, dukcapil)
    client.post(f"/antrean/tiket/{ticket.pk}/sms/", {"phone": typed})
    ticket.refresh_from_db()
    assert ticket.phone == "+6281234567890"


def test_one_ticket_is_sent_at_most_three_times(client, mpp, dukcapil, gateway):
    ticket = issued(client, mpp, dukcapil)
    for last in range(3):
        assert client.post(f"/antrean/tiket/{ticket.pk}/sms/", {"phone": f"08123456789{last}"}).status_code == 303
    refused = client.post(f"/antrean/tiket/{ticket.pk}/sms/", {"phone": "081234567899"})
    assert refused.status_code == 429 and OutboxMessage.objects.count() == 3


def test_sms_from_one_address_are_limited(client, mpp, dukcapil, gateway, monkeypatch):
    monkeypatch.setattr(kiosk_views, "SMS_PER_ADDRESS", "1/h")
    ticket = issued(client, mpp, dukcapil)
    assert client.post(f"/antrean/tiket/{ticket.pk}/sms/", {"phone": "081234567890"}).status_code == 303
    assert client.post(f"/antrean/tiket/{ticket.pk}/sms/", {"phone": "081234567891"}).status_code == 429


def test_without_an_sms_gateway_there_is_no_form_and_no_sending(client, mpp, dukcapil, settings):
    settings.SMS_GATEWAY_URL = ""
    ticket = issued(client, mpp, dukcapil)
    assert "Kirim SMS" not in client.get(f"/antrean/tiket/{ticket.pk}/?kios=1").content.decode()
    assert client.post(f"/antrean/tiket/{ticket.pk}/sms/", {"phone": "081234567890"}).status_code == 404


def test_an_unknown_ticket_cannot_be_sent(client, gateway):
    assert client.post(f"/antrean/tiket/{uuid.uuid4()}/sms/", {"phone": "081234567890"}).status_code == 404
