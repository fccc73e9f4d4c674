"""The display board and the visitor's ticket page: what they show (numbers only), how they follow the line
(ETag and 304 from the cached snapshot, no query while it lives), and each state of a ticket in words."""

import uuid

import pytest

from mpp.queueing import board, services
from mpp.queueing.models import Policy, Priority, Ticket

pytestmark = pytest.mark.django_db


def display_url(mpp) -> str:
    return f"/antrean/{mpp.pk}/layar/"


def status_url(mpp) -> str:
    return f"/antrean/{mpp.pk}/layar.json"


def ticket_url(ticket) -> str:
    return f"/antrean/tiket/{ticket.pk}/"


@pytest.fixture
def line(mpp, dukcapil):
    """Three walk-ins in Disdukcapil's line (A-001 … A-003), the first one sent to a phone."""
    services.assign_letters(mpp)
    tickets = [services.issue_ticket(mpp=mpp, agency=dukcapil) for _ in range(3)]
    Ticket.objects.filter(pk=tickets[0].pk).update(phone="+6281398765432")
    return tickets


def test_the_board_shows_the_calls_with_their_counters_and_never_a_phone_or_an_id(
    client, mpp, line, counter_1, counter_officer
):
    services.call_next(counter=counter_1, officer=counter_officer)
    Policy.objects.update_or_create(mpp=mpp, defaults={"announcement": "Loket Dinkes buka pukul 10.00"})
    page = client.get(display_url(mpp))
    text = page.content.decode()
    assert page.status_code == 200
    assert '<span class="call-ticket">A-001</span> <span class="call-counter">Loket 1</span>' in text
    assert '<span class="line-agency">Disdukcapil</span> <span class="line-waiting">2<' in text
    assert "Loket Dinkes buka pukul 10.00" in text
    assert "Aktifkan suara" in text and 'data-speech-number="Nomor antrean"' in text
    assert "98765432" not in text and all(str(ticket.pk) not in text for ticket in line)


def test_a_booking_holders_name_never_reaches_the_board(client, mpp, birth_service, siti, counter_1, counter_officer):
    import datetime as dt

    from django.utils import timezone

    from mpp.queueing import bookings
    from mpp.queueing.models import Booking

    starts = timezone.now() + dt.timedelta(minutes=5)
    booking = Booking.objects.create(
        mpp=mpp,
        service=birth_service,
        agency_id=birth_service.agency_id,
        citizen=siti,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
        day=starts.date(),
    )
    bookings.check_in(mpp=mpp, code=booking.code)
    services.call_next(counter=counter_1, officer=counter_officer)
    for answer in (client.get(display_url(mpp)), client.get(status_url(mpp))):
        text = answer.content.decode()
        assert "A-001" in text and "SITI" not in text.upper() and siti.nik not in text and booking.code not in text


def test_an_unknown_mpp_has_no_board(client):
    assert client.get(f"/antrean/{uuid.uuid4()}/layar/").status_code == 404
    assert client.get(f"/antrean/{uuid.uuid4()}/layar.json").status_code == 404


def test_the_boards_json_carries_the_snapshot_with_its_version_as_etag(client, mpp, line, counter_1, counter_officer):
    services.call_next(counter=counter_1, officer=counter_officer)
    answer = client.get(status_url(mpp))
    data = answer.json()
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-cache"
    assert answer["ETag"] == f'"{board.snapshot(mpp).version}"'
    assert [(call["ticket"], call["counter"]) for call in data["current"]] == [("A-001", 1)]
    assert {"letter": "A", "agency": "Disdukcapil", "waiting": 2} in data["lines"]
    assert set(data) == {"current", "recent", "lines", "announcement", "at"}


def test_an_unchanged_board_answers_304_from_the_cache_without_a_query(client, mpp, line, django_assert_num_queries):
    etag = client.get(status_url(mpp))["ETag"]  # the warm-up builds the snapshot
    with django_assert_num_queries(0):
        unchanged = client.get(status_url(mpp), HTTP_IF_NONE_MATCH=etag)
        fresh = client.get(status_url(mpp))
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged["ETag"] == etag
    assert fresh.status_code == 200 and fresh["ETag"] == etag


def test_a_change_gives_the_board_a_new_version(client, mpp, dukcapil, line, django_capture_on_commit_callbacks):
    etag = client.get(status_url(mpp))["ETag"]
    with django_capture_on_commit_callbacks(execute=True):  # the service drops the snapshot once committed
        services.issue_ticket(mpp=mpp, agency=dukcapil)
    changed = client.get(status_url(mpp), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["lines"][0]["waiting"] == 4


# --- The visitor's ticket page ---


def test_the_ticket_page_says_how_many_are_ahead_and_how_long(client, line):
    first, _second, third = line
    text = client.get(ticket_url(third)).content.decode()
    # Three Disdukcapil counters, six minutes a visitor until the day has served someone: 2 × 6 / 3.
    assert "A-003" in text and "Menunggu — 2 orang di depan Anda, perkiraan 4 menit." in text
    assert "Anda berikutnya" in client.get(ticket_url(first)).content.decode()
    assert "Cetak tiket" not in text and "queueing/ticket.js" in text


def test_the_ticket_page_never_shows_the_phone_it_was_sent_to(client, line):
    assert "98765432" not in client.get(ticket_url(line[0])).content.decode()
    assert "98765432" not in client.get(f"{ticket_url(line[0])}status.json").content.decode()


def test_a_called_ticket_says_where_to_go_in_an_alert(client, line, counter_1, counter_officer):
    services.call_next(counter=counter_1, officer=counter_officer)
    text = client.get(ticket_url(line[0])).content.decode()
    assert (
        '<div class="ticket-alert" role="alert" data-ticket-alert><p>Dipanggil! Silakan ke loket 1.</p></div>' in text
    )
    data = client.get(f"{ticket_url(line[0])}status.json").json()
    assert data["status"] == "called" and data["counter"] == 1 and data["called_at"]
    assert data["text"] == "Dipanggil! Silakan ke loket 1." and data["ticket"] == "A-001"


def test_the_ticket_status_follows_the_line_with_etag_and_304(
    client, line, counter_1, counter_officer, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    url = f"{ticket_url(line[1])}status.json"
    first = client.get(url)
    assert first.json() == {
        "status": "waiting",
        "text": "Menunggu — 1 orang di depan Anda, perkiraan 2 menit.",
        "ahead": 1,
        "minutes": 2,
        "counter": None,
        "called_at": None,
        "ticket": "A-002",
    }
    with django_assert_max_num_queries(1):  # the ticket by its key; the line from the cached snapshot
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and unchanged.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        services.call_next(counter=counter_1, officer=counter_officer)
    moved = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert moved.status_code == 200 and moved["ETag"] != first["ETag"] and moved.json()["ahead"] == 0


def test_served_and_missed_tickets_say_so(client, line, counter_1, counter_2, counter_officer):
    first = services.call_next(counter=counter_1, officer=counter_officer)
    services.start_serving(ticket_id=first.pk, counter=counter_1, officer=counter_officer)
    assert "Sedang dilayani di loket 1." in client.get(ticket_url(first)).content.decode()
    services.finish(ticket_id=first.pk, counter=counter_1, officer=counter_officer)
    second = services.call_next(counter=counter_2, officer=counter_officer)
    services.mark_no_show(ticket_id=second.pk, counter=counter_2, officer=counter_officer)
    done = client.get(ticket_url(first)).content.decode()
    missed = client.get(ticket_url(second)).content.decode()
    assert "Selesai dilayani." in done and "queueing/ticket.js" not in done  # nothing left to follow
    assert "tidak datang ke loket" in missed


def test_a_priority_ticket_says_it_is_served_first(client, mpp, dukcapil):
    ticket = services.issue_ticket(mpp=mpp, agency=dukcapil, priority=Priority.PREGNANT)
    assert "Didahulukan: Ibu hamil" in client.get(ticket_url(ticket)).content.decode()


def test_an_unknown_ticket_is_a_404(client):
    missing = uuid.uuid4()
    assert client.get(f"/antrean/tiket/{missing}/").status_code == 404
    assert client.get(f"/antrean/tiket/{missing}/status.json").status_code == 404
    assert client.get("/antrean/tiket/12/").status_code == 404
