"""The applicant rates a decided application once, on one screen; nobody else can open it."""

import datetime as dt

import pytest
from django.utils import timezone

from mpp.applications.models import Channel, Status
from mpp.surveys.models import Answer, Invitation, Source

from .conftest import make_application, posted

pytestmark = pytest.mark.django_db


def _url(application) -> str:
    return f"/survei/permohonan/{application.tracking_number}/"


def _recent(citizen, **options):
    now = timezone.now()
    return make_application(
        citizen, submitted_at=now - dt.timedelta(days=3), decided_at=now - dt.timedelta(hours=2), **options
    )


def test_the_applicant_rates_a_decided_application_once(client, citizen):
    application = _recent(citizen)
    client.force_login(citizen)

    page = client.get(_url(application)).content.decode()
    assert page.count("<fieldset") >= 9 and "Tidak sesuai" in page and "Dikelola dengan baik" in page

    response = client.post(_url(application), posted(gender="P", suggestion="Antrean di loket cepat."))
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.is_linked and answer.source == Source.WEB
    assert (answer.u1, answer.u8, answer.gender) == (4, 3, "P")
    assert answer.service_id == application.service_id and answer.region_id == "64.72"
    assert answer.invitation.reference == str(application.pk)

    thanks = client.get(_url(application)).content.decode()
    assert "sudah mengisi survei" in thanks and "<fieldset" not in thanks
    again = client.post(_url(application), posted())
    assert again.status_code == 409 and Answer.objects.count() == 1


def test_a_rejected_application_may_be_rated_too(client, citizen):
    application = _recent(citizen, status=Status.REJECTED)
    client.force_login(citizen)
    assert client.post(_url(application), posted()).status_code == 302
    assert Invitation.objects.get().served_at == application.decided_at


def test_another_citizen_gets_404_on_the_page_and_on_posting(client, citizen, other_citizen):
    application = _recent(citizen)
    client.force_login(other_citizen)
    assert client.get(_url(application)).status_code == 404
    assert client.post(_url(application), posted()).status_code == 404
    assert not Answer.objects.exists() and not Invitation.objects.exists()


def test_an_officer_gets_404_and_an_anonymous_visitor_is_asked_to_sign_in(client, citizen, verifier):
    application = _recent(citizen)
    assert client.get(_url(application)).status_code == 302
    client.force_login(verifier)
    assert client.get(_url(application)).status_code == 404


def test_an_application_still_in_progress_cannot_be_rated_yet(client, citizen):
    application = make_application(citizen, status=Status.IN_PROGRESS, submitted_at=timezone.now())
    client.force_login(citizen)
    assert "setelah permohonan Anda selesai diputus" in client.get(_url(application)).content.decode()
    response = client.post(_url(application), posted())
    assert response.status_code == 400 and not Answer.objects.exists()


def test_a_counter_visit_may_be_rated_before_its_decision(client, citizen, counter_officer):
    application = make_application(
        citizen,
        status=Status.IN_PROGRESS,
        submitted_at=timezone.now(),
        channel=Channel.COUNTER,
        entered_by=counter_officer,
    )
    client.force_login(citizen)
    assert client.post(_url(application), posted()).status_code == 302
    assert Invitation.objects.get().served_at == application.submitted_at


def test_the_survey_closes_thirty_days_after_the_service(client, citizen):
    application = make_application(citizen, submitted_at=timezone.now() - dt.timedelta(days=60))
    client.force_login(citizen)
    assert "sudah berakhir" in client.get(_url(application)).content.decode()
    response = client.post(_url(application), posted())
    assert response.status_code == 409 and not Answer.objects.exists()


def test_a_missing_answer_is_a_field_error_in_the_users_language(client, citizen):
    application = _recent(citizen)
    client.force_login(citizen)
    body = posted()
    del body["u3"]
    body["u5"] = "7"
    response = client.post(_url(application), body)
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("Pilih salah satu jawaban.") == 2
    assert 'id="id_u3_error"' in page and 'aria-describedby="id_u3_error"' in page
    assert not Answer.objects.exists()
