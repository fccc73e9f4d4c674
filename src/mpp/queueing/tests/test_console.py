"""The counter console: the officer's own counters only; each action redirects back and says what happened."""

import pytest

from mpp.queueing import services
from mpp.queueing.models import TicketStatus

from .conftest import counter

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(mpp, dukcapil):
    return [services.issue_ticket(mpp=mpp, agency=dukcapil) for _ in range(3)]


def act(client, counter_id, action, **data):
    return client.post(f"/loket/antrean/{counter_id}/{action}/", data, follow=True)


def test_an_officer_with_one_agency_picks_among_its_counters(client, counter_officer, counter_1):
    client.force_login(counter_officer)
    page = client.get("/loket/antrean/")
    assert page.status_code == 200 and f"/loket/antrean/{counter_1.pk}/" in page.content.decode()


def test_calling_serving_and_finishing_at_the_console(client, counter_officer, counter_1, waiting):
    client.force_login(counter_officer)
    page = client.get(f"/loket/antrean/{counter_1.pk}/").content.decode()
    assert "A-001" in page and "Panggil berikutnya" in page

    called = act(client, counter_1.pk, "panggil").content.decode()
    assert "Nomor A-001 dipanggil." in called and "Mulai layani" in called
    first = waiting[0]
    act(client, counter_1.pk, "mulai", ticket=first.pk)
    done = act(client, counter_1.pk, "selesai", ticket=first.pk).content.decode()
    assert "Nomor A-001 selesai dilayani." in done
    first.refresh_from_db()
    assert first.status == TicketStatus.DONE and first.officer == counter_officer

    line = client.get(f"/loket/antrean/{counter_1.pk}/antrean/").content.decode()
    assert "A-002" in line and "A-001" not in line


def test_calling_twice_says_to_close_the_open_ticket_first(client, counter_officer, counter_1, waiting):
    client.force_login(counter_officer)
    act(client, counter_1.pk, "panggil")
    again = act(client, counter_1.pk, "panggil").content.decode()
    assert "masih di loket ini" in again


def test_an_empty_line_says_so(client, counter_officer, counter_1):
    client.force_login(counter_officer)
    assert "Tidak ada yang menunggu" in act(client, counter_1.pk, "panggil").content.decode()


def test_transfer_and_no_show_from_the_console(client, counter_officer, counter_1, counter_2, waiting, mpp):
    client.force_login(counter_officer)
    act(client, counter_1.pk, "panggil")
    moved = act(client, counter_1.pk, "alihkan", ticket=waiting[0].pk, to_counter=counter(mpp, 4).pk)
    assert "dialihkan ke loket 4" in moved.content.decode()
    act(client, counter_1.pk, "panggil")
    act(client, counter_1.pk, "tidak-hadir", ticket=waiting[1].pk)
    waiting[1].refresh_from_db()
    assert waiting[1].status == TicketStatus.NO_SHOW


def test_a_bad_ticket_id_or_action_is_an_error_not_a_crash(client, counter_officer, counter_1, waiting):
    client.force_login(counter_officer)
    assert "tidak ditemukan" in act(client, counter_1.pk, "selesai", ticket="bukan-uuid").content.decode()
    assert client.post(f"/loket/antrean/{counter_1.pk}/hapus/").status_code == 404
    assert client.get(f"/loket/antrean/{counter_1.pk}/panggil/").status_code == 405


def test_another_regions_officer_gets_404_everywhere(client, other_counter_officer, counter_1, waiting):
    client.force_login(other_counter_officer)
    assert client.get(f"/loket/antrean/{counter_1.pk}/").status_code == 404
    assert client.get(f"/loket/antrean/{counter_1.pk}/antrean/").status_code == 404
    assert client.post(f"/loket/antrean/{counter_1.pk}/panggil/").status_code == 404
    assert not waiting[0].events.filter(kind="called").exists()


def test_an_officer_of_another_agency_cannot_sit_at_this_counter(client, counter_1, mpp):
    from mpp.applications.tests.conftest import officer
    from mpp.identity.models import Role

    client.force_login(officer("loket.dinkes.samarinda", Role.COUNTER_OFFICER, kind="dinkes"))
    assert client.get(f"/loket/antrean/{counter_1.pk}/").status_code == 404
    assert client.get(f"/loket/antrean/{counter(mpp, 4).pk}/").status_code == 200


def test_citizens_and_managers_get_404(client, siti, samarinda_manager, counter_1):
    client.force_login(siti)
    assert client.get("/loket/antrean/").status_code == 404
    client.force_login(samarinda_manager)
    assert client.get(f"/loket/antrean/{counter_1.pk}/").status_code == 404


def test_finish_and_call_next_in_one_press(client, counter_officer, counter_1, waiting):
    client.force_login(counter_officer)
    first = act(client, counter_1.pk, "selesai-panggil").content.decode()
    assert "Nomor A-001 dipanggil." in first
    second = act(client, counter_1.pk, "selesai-panggil").content.decode()
    assert "Nomor A-001 selesai dilayani." in second and "Nomor A-002 dipanggil." in second
    waiting[0].refresh_from_db()
    assert waiting[0].status == TicketStatus.DONE


def test_the_console_opens_the_assisted_application_and_shows_what_it_made(
    client, counter_officer, counter_1, waiting, siti
):
    from mpp.applications.models import Channel, Status
    from mpp.surveys.tests.conftest import make_application

    client.force_login(counter_officer)
    page = act(client, counter_1.pk, "panggil").content.decode()
    first = waiting[0]
    assert f"/loket/?kunjungan={first.pk}" in page
    made = make_application(siti, status=Status.IN_PROGRESS, channel=Channel.COUNTER, entered_by=counter_officer)
    made.visit = first.pk
    made.save(update_fields=["visit"])
    page = client.get(f"/loket/antrean/{counter_1.pk}/").content.decode()
    assert made.tracking_number in page and f"/petugas/permohonan/{made.pk}/" in page


def test_the_officer_gives_a_waiting_visitor_priority(client, counter_officer, counter_1, waiting, mpp):
    client.force_login(counter_officer)
    last = waiting[2]
    answer = act(client, counter_1.pk, "prioritas", ticket=last.pk, priority="pregnant").content.decode()
    assert "Prioritas nomor A-003 diubah." in answer
    assert "Nomor A-003 dipanggil." in act(client, counter_1.pk, "panggil").content.decode()
    assert (
        "dari daftar" in act(client, counter_1.pk, "prioritas", ticket=waiting[0].pk, priority="vip").content.decode()
    )
    # Another agency's counter cannot touch this line.
    health = counter(mpp, 4)
    from mpp.applications.tests.conftest import officer
    from mpp.identity.models import Role

    client.force_login(officer("loket.dinkes.samarinda", Role.COUNTER_OFFICER, kind="dinkes"))
    refused = act(client, health.pk, "prioritas", ticket=waiting[1].pk, priority="elderly").content.decode()
    assert "tidak ditemukan" in refused
    waiting[1].refresh_from_db()
    assert waiting[1].priority == ""
