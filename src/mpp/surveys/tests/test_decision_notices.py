"""A decision's notice and the application's page invite the applicant to the survey; other notices do not."""

import datetime as dt

import pytest
from django.utils import timezone

from mpp.applications import forwarding
from mpp.applications import services as applications
from mpp.applications.models import ExternalCase, Status
from mpp.catalog.models import Agency
from mpp.notifications.messages import render
from mpp.notifications.models import Notification

from .conftest import make_application

pytestmark = pytest.mark.django_db


def _in_verification(citizen):
    return make_application(citizen, status=Status.IN_PROGRESS, submitted_at=timezone.now())


def test_a_rejection_notice_carries_the_survey_link(citizen, verifier, settings):
    application = _in_verification(citizen)
    applications.act(
        application_id=application.pk, officer=verifier, action="reject", expected_version=1, note="Akta ganda."
    )
    notice = Notification.objects.get(kind="rejected")
    url = f"{settings.SITE_URL}/survei/permohonan/{application.tracking_number}/"
    assert notice.context["survey_url"] == url
    _subject, text = render("rejected", notice.context, "id")
    assert text.endswith(url) and "Akta ganda." in text and "tanpa nama Anda" in text


def test_other_notices_carry_no_survey_link(citizen, verifier):
    application = _in_verification(citizen)
    applications.act(application_id=application.pk, officer=verifier, action="accept", expected_version=1)
    assert not Notification.objects.filter(context__has_key="survey_url").exists()
    _subject, text = render("submitted", {"number": "X", "service": "Y", "url": "Z"}, "id")
    assert "survei" not in text.lower()


def test_an_agency_systems_approval_notice_carries_the_survey_link(citizen, settings):
    agency = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
    system = forwarding.register_external_system(
        name="SIAK Disdukcapil Kota Samarinda",
        agency=agency,
        webhook_url="http://127.0.0.1:9/siak",
        client_id="siak-survey-test",
        client_secret="rahasia-siak-untuk-uji-survei-0123456789",
        webhook_secret="whsec_" + "A" * 43,
    ).system
    application = make_application(citizen, status=Status.FORWARDED, submitted_at=timezone.now() - dt.timedelta(days=1))
    ExternalCase.objects.create(application=application, external_system=system, forwarded_at=timezone.now())

    forwarding.record_status_update(
        system=system, tracking_number=application.tracking_number, status="approved", idempotency_key="survey-1"
    )

    notice = Notification.objects.get(kind="approved")
    assert notice.context["survey_url"].endswith(f"/survei/permohonan/{application.tracking_number}/")


def test_the_application_page_links_to_the_survey_once_decided(client, citizen):
    decided = make_application(citizen, decided_at=timezone.now())
    waiting = make_application(citizen, status=Status.IN_PROGRESS, submitted_at=timezone.now())
    client.force_login(citizen)
    link = "/survei/permohonan/{}/"
    assert (
        link.format(decided.tracking_number) in client.get(f"/permohonan/{decided.tracking_number}/").content.decode()
    )
    assert "/survei/permohonan/" not in client.get(f"/permohonan/{waiting.tracking_number}/").content.decode()


def test_a_notice_stored_before_surveys_existed_still_renders(citizen):
    context = {"number": "6472-2611-ABCDEFGH", "service": "Akta", "url": "https://mpp.example/x", "note": "Ganda."}
    _subject, text = render("rejected", context, "id")
    assert "survei" not in text.lower() and text.endswith("https://mpp.example/x")
