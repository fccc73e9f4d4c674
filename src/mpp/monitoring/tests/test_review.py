"""The ministry accepts a report or returns it for revision; every move is a history row from one table."""

import pytest
from django.urls import reverse

from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.monitoring import services
from mpp.monitoring.models import ReportStatus
from mpp.monitoring.workflow import MOVES
from mpp.notifications.models import Notification, OutboxMessage

from .conftest import fill, is_linked, report_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(monev_round, alice):
    report = fill(report_of(monev_round, "64.72"), alice)
    return services.submit_report(manager=alice, report_id=report.pk, expected_version=0)


def review_url(report) -> str:
    return reverse("monitoring:review", args=[report.reporting_round_id, report.region_id])


def test_the_moves_are_one_table_and_accepted_is_final():
    assert [(move.action, move.source, move.target) for move in MOVES] == [
        ("submit", "draft", "submitted"),
        ("resubmit", "returned", "submitted"),
        ("accept", "submitted", "accepted"),
        ("return", "submitted", "returned"),
    ]
    assert not [move for move in MOVES if move.source == ReportStatus.ACCEPTED]


def test_the_ministry_accepts_a_submitted_report(client, submitted, ministry):
    client.force_login(ministry)
    page = client.get(reverse("monitoring:report", args=[submitted.reporting_round_id, "64.72"]))
    assert page.status_code == 200 and "Jaringan internet lambat." in page.content.decode()
    response = client.post(review_url(submitted), {"version": 1, "action": "accept"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.version) == (ReportStatus.ACCEPTED, 2)
    history = list(submitted.history.values_list("action", "from_status", "to_status", "actor_id"))
    assert history == [
        ("submit", "draft", "submitted", submitted.submitted_by_id),
        ("accept", "submitted", "accepted", ministry.pk),
    ]
    assert "Laporan diterima" in client.get(response["Location"]).content.decode()


def test_a_returned_report_is_revised_and_resubmitted_keeping_its_history(client, submitted, ministry, alice):
    client.force_login(ministry)
    note = "SK belum ditandatangani."
    response = client.post(review_url(submitted), {"version": 1, "action": "return", "note": note})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.RETURNED
    notice = Notification.objects.get(user=alice, kind="monev_returned")
    assert notice.context["note"] == "SK belum ditandatangani."
    assert OutboxMessage.objects.filter(kind="monev_returned", recipient=alice.email).exists()

    client.force_login(alice)
    url = reverse("monitoring:manager_report", args=[submitted.reporting_round_id])
    page = client.get(url).content.decode()
    assert "SK belum ditandatangani." in page and 'name="decree_number"' in page  # editable again
    services.save_draft(manager=alice, report_id=submitted.pk, expected_version=2, values={"decree_number": "100/2"})
    services.submit_report(manager=alice, report_id=submitted.pk, expected_version=2)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decree_number, submitted.is_late) == (ReportStatus.SUBMITTED, "100/2", False)
    history = list(submitted.history.values_list("action", "note"))
    assert history == [("submit", ""), ("return", "SK belum ditandatangani."), ("resubmit", "")]


def test_returning_needs_a_note(client, submitted, ministry):
    client.force_login(ministry)
    response = client.post(review_url(submitted), {"version": 1, "action": "return", "note": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["note"] == ["Tuliskan apa yang harus diperbaiki daerah."]
    assert is_linked(response.content.decode(), "id_note_error")
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    with pytest.raises(DomainError):
        services.return_report(reviewer=ministry, report_id=submitted.pk, note="", expected_version=1)


def test_acting_on_a_stale_page_is_refused_with_a_message(client, submitted, ministry, another_ministry_official):
    services.accept_report(reviewer=another_ministry_official, report_id=submitted.pk, expected_version=1)
    client.force_login(ministry)
    response = client.post(review_url(submitted), {"version": 1, "action": "return", "note": "Perbaiki."})
    assert response.status_code == 409
    assert "baru saja berubah" in response.context["alert"]
    assert "Halaman ini sudah menampilkan keadaan terbaru" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.ACCEPTED and submitted.history.count() == 2


def test_a_draft_cannot_be_accepted_nor_an_accepted_report_returned(monev_round, ministry, submitted):
    draft = report_of(monev_round, "33.72")
    with pytest.raises(Conflict):
        services.accept_report(reviewer=ministry, report_id=draft.pk, expected_version=0)
    services.accept_report(reviewer=ministry, report_id=submitted.pk, expected_version=1)
    with pytest.raises(Conflict):
        services.return_report(reviewer=ministry, report_id=submitted.pk, note="x", expected_version=2)


def test_a_forged_review_form_is_refused(client, submitted, ministry):
    client.force_login(ministry)
    for data in ({"action": "accept"}, {"version": "x", "action": "accept"}, {"version": 1, "action": "delete"}):
        assert client.post(review_url(submitted), data).status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_no_one_but_the_ministry_reviews(client, submitted, alice, bob):
    for outsider in (alice, bob):
        client.force_login(outsider)
        assert client.post(review_url(submitted), {"version": 1, "action": "accept"}).status_code == 404
        with pytest.raises(NotFound):
            services.accept_report(reviewer=outsider, report_id=submitted.pk, expected_version=1)
    client.logout()
    answer = client.post(review_url(submitted), {"version": 1, "action": "accept"})
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("identity:login"))
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_the_ministry_does_not_see_a_drafts_content(client, monev_round, alice, ministry):
    fill(report_of(monev_round, "64.72"), alice, usage_efforts="Rahasia draf.")
    client.force_login(ministry)
    page = client.get(reverse("monitoring:report", args=[monev_round.pk, "64.72"])).content.decode()
    assert "belum mengirim" in page and "Rahasia draf." not in page
    assert f'action="{review_url(report_of(monev_round, "64.72"))}"' not in page
