"""One clock: every time a person reads is in the zone of the record's region, labelled, wherever the server runs.

A birth certificate applied for in Kota Samarinda (WITA, UTC+8) at 13.26 local time is 12.26 on
the server's WIB clock and 05.26 in UTC: each page, message and document shows 13.26 WITA, and
the days of Samarinda (an approval at 00.30 WITA on 4 December is issued on 4 December).
"""

import datetime as dt
import re
import types
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from mpp.applications import services
from mpp.applications.access import record_officer_view
from mpp.applications.models import Application
from mpp.applications.tests.conftest import SITI_NIK, birth_form, new_key
from mpp.audit.models import DataAccess
from mpp.catalog.selectors import service_detail
from mpp.core import clock
from mpp.documents.models import IssuedDocument
from mpp.documents.selectors import issued_by_signed_revision
from mpp.documents.tests.pdf_text import page_texts
from mpp.identity.models import AccountSession, Delegation
from mpp.notifications.messages import render as render_message
from mpp.regions.models import TimeZone
from mpp.registry.models import PersonRecord
from mpp.sso.models import Consent
from mpp.sso.tests.conftest import make_client

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
SUBMITTED = dt.datetime(2026, 12, 3, 13, 26, tzinfo=WITA)  # 12.26 WIB, 05.26 UTC
ACCEPTED = dt.datetime(2026, 12, 3, 15, 5, tzinfo=WITA)
#: 00.30 on 4 December in Samarinda, still 3 December in Jakarta and in UTC.
APPROVED = dt.datetime(2026, 12, 4, 0, 30, tzinfo=WITA)
SERVER_HOURS = ("12.26", "05.26")  # the submission's hour on a WIB or a UTC clock


@pytest.fixture(params=["Asia/Jakarta", "UTC"])
def server_zone(request, settings):
    """The server runs in WIB (the default) or in UTC; Samarinda is neither."""
    settings.TIME_ZONE = request.param
    return request.param


@pytest.fixture
def application(server_zone, siti, birth_service):
    return services.submit(
        applicant=siti, service=service_detail(birth_service.pk), data=birth_form(), submit_key=new_key(), now=SUBMITTED
    ).application


@pytest.fixture
def approved(application, verifier, approver):
    accepted = services.act(
        application_id=application.pk,
        officer=verifier,
        action="accept",
        expected_version=application.version,
        now=ACCEPTED,
    )
    return services.act(
        application_id=application.pk,
        officer=approver,
        action="approve",
        expected_version=accepted.version,
        now=APPROVED,
    )


def page(user, url: str, **post) -> str:
    """The page's text as read (tags left out: a time is a ``<time>`` element inside a sentence)."""
    client = Client()
    client.force_login(user)
    response = client.post(url, post) if post else client.get(url)
    assert response.status_code == 200, response.status_code
    return text_of(response.content.decode())


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def shows_samarinda_time(html: str, text: str = "3 Desember 2026, 13.26 WITA") -> bool:
    return text in html and not any(hour in html for hour in SERVER_HOURS)


# --- the helpers ------------------------------------------------------------------------------


def test_a_moment_reads_in_the_regions_zone_with_its_label(server_zone):
    moment = SUBMITTED.astimezone(dt.UTC)
    assert clock.local_time(moment, "Asia/Makassar") == "3 Desember 2026, 13.26 WITA"
    assert clock.local_hour(moment, "Asia/Jayapura") == "14.26 WIT"
    assert clock.local_time(moment, "Asia/Jakarta") == "3 Desember 2026, 12.26 WIB"
    assert clock.local_date(APPROVED.astimezone(dt.UTC), "Asia/Makassar") == "4 Desember 2026"
    assert clock.local_date("1990-04-12") == "12 April 1990" and clock.local_date(dt.date(2026, 12, 31)) == (
        "31 Desember 2026"
    )
    assert clock.local_time(None) == "" and clock.local_date("") == ""
    with translation.override("en"):
        assert clock.local_time(moment, "Asia/Makassar") == "3 December 2026, 13:26 WITA"


def test_without_a_region_the_servers_zone_is_shown_and_labelled_too(server_zone):
    label = {"Asia/Jakarta": "WIB", "UTC": "UTC"}[server_zone]
    assert clock.local_hour(SUBMITTED).endswith(f" {label}")


def test_the_labels_are_those_of_the_regions(server_zone):
    assert {zone.value: zone.label for zone in TimeZone} == clock.ZONE_LABELS


def test_the_template_filters_give_a_machine_readable_time():
    html = Template("{% load deadlines %}{% step_deadline deadline zone %}").render(
        Context(
            {"deadline": types.SimpleNamespace(at=SUBMITTED, days_left=1, is_overdue=False), "zone": "Asia/Makassar"}
        )
    )
    assert '<time datetime="2026-12-03T13:26+08:00">3 Desember 2026, 13.26 WITA</time>' in html


# --- the citizen's pages ---------------------------------------------------------------------


def test_the_receipt(application, siti):
    html = page(siti, f"/permohonan/{application.tracking_number}/")
    assert shows_samarinda_time(html)  # submitted, and the timeline's first event
    assert html.count("3 Desember 2026, 13.26 WITA") == 2
    assert "4 Desember 2026, 23.59 WITA" in html  # the deadline: one working day, the end of it in Samarinda


def test_public_tracking(application, server_zone):
    client = Client()
    response = client.post("/lacak/", {"tracking_number": application.tracking_number, "nik_last4": SITI_NIK[-4:]})
    html = text_of(response.content.decode())
    assert shows_samarinda_time(html) and "4 Desember 2026, 23.59 WITA" in html


def test_my_applications_shows_the_day_of_the_decision_in_samarinda(approved, siti):
    html = page(siti, "/permohonan/")
    assert "selesai 4 Desember 2026" in html


def test_a_resumed_draft_and_an_autosave(server_zone, siti, birth_service):
    draft = services.save_draft(applicant=siti, service=service_detail(birth_service.pk), data={"child_name": "Ayu"})
    Application.objects.filter(pk=draft.pk).update(updated_at=SUBMITTED)
    assert shows_samarinda_time(page(siti, f"/layanan/{birth_service.pk}/ajukan/"))
    saved = page(siti, reverse("applications:draft", args=[birth_service.pk]), child_name="Ayu Lestari")
    hours = {(timezone.now() + dt.timedelta(minutes=delta)).astimezone(WITA).strftime("%H.%M") for delta in (-1, 0)}
    assert any(f"Draf tersimpan pukul {hour} WITA." in saved for hour in hours)


# --- the officers' pages ---------------------------------------------------------------------


def test_the_officers_file_and_worklist(application, verifier):
    detail = page(verifier, reverse("applications:officer_detail", args=[application.pk]))
    assert shows_samarinda_time(detail) and "4 Desember 2026, 23.59 WITA" in detail
    assert "4 Desember 2026, 23.59 WITA" in page(verifier, reverse("applications:worklist"))


# --- the account pages -----------------------------------------------------------------------


def test_the_data_use_log_agrees_with_the_receipt(application, siti, verifier):
    view = record_officer_view(application, verifier)[0]
    DataAccess.objects.filter(pk=view.pk).update(created_at=SUBMITTED + dt.timedelta(minutes=10))
    assert "3 Desember 2026, 13.36 WITA" in page(siti, "/akun/penggunaan-data/")


def test_sessions_account_and_delegations_in_the_citizens_own_zone(server_zone, siti, budi):
    AccountSession.objects.create(user=siti, session_key="k" * 32, user_agent="Firefox", last_seen_at=SUBMITTED)
    AccountSession.objects.filter(user=siti).update(created_at=SUBMITTED)
    assert shows_samarinda_time(page(siti, "/akun/sesi/"))

    PersonRecord.objects.filter(nik=SITI_NIK).update(retrieved_at=SUBMITTED)
    account = page(siti, "/akun/")
    assert shows_samarinda_time(account)
    assert "12 April 1990" in account and "1990-04-12" not in account  # birth dates as dates

    Delegation.objects.create(
        grantor=siti, grantee_nik=budi.nik, purpose="Mengurus KK", valid_until=dt.date(2026, 12, 31)
    )
    assert "31 Desember 2026" in page(siti, "/akun/kuasa/")


def test_connected_agency_apps(server_zone, siti):
    Consent.objects.create(user=siti, client=make_client(), scopes=["openid"], granted_at=APPROVED)
    assert "disetujui 4 Desember 2026" in page(siti, reverse("sso:consents"))


# --- documents -------------------------------------------------------------------------------


def test_an_issued_document_is_dated_in_samarinda_on_the_page_and_in_the_pdf(approved):
    issued = IssuedDocument.objects.get(application=approved)
    verify = text_of(Client().get(reverse("documents:verify", args=[issued.code])).content.decode())
    assert "4 Desember 2026" in verify and "3 Desember 2026" not in verify
    assert any("4 Desember 2026" in text for text in page_texts(issued.upload.file.read()))


def test_the_trusted_timestamp_of_a_checked_pdf(approved):
    issued = issued_by_signed_revision(  # as the upload check finds it
        IssuedDocument.objects.get(application=approved).signed_revision_sha256
    )
    verdict = types.SimpleNamespace(
        is_valid=True, message="", long_term=False, timestamped_at=SUBMITTED.astimezone(dt.UTC)
    )
    html = render_to_string("documents/verify_upload.html", {"verdict": verdict, "issued": issued, "form": None})
    assert shows_samarinda_time(text_of(html))


# --- messages --------------------------------------------------------------------------------


def test_the_deadline_in_a_message_is_samarindas(server_zone):
    context = {
        "number": "6472-2612-7KQ3XZ9M",
        "service": "Penerbitan Akta Kelahiran",
        "due_at": SUBMITTED.astimezone(dt.UTC).isoformat(),
        "zone": "Asia/Makassar",
        "url": "http://127.0.0.1:8000/permohonan/6472-2612-7KQ3XZ9M/",
    }
    _subject, text = render_message("submitted", context, "id")
    assert "Batas waktu penyelesaian: 3 Desember 2026, 13.26 WITA." in text


def test_a_tracking_number_carries_the_month_in_samarinda(server_zone, siti, birth_service):
    # 00.30 on 1 January in Samarinda is still December in Jakarta and in UTC.
    new_year = dt.datetime(2027, 1, 1, 0, 30, tzinfo=WITA)
    application = services.submit(
        applicant=siti, service=service_detail(birth_service.pk), data=birth_form(), submit_key=new_key(), now=new_year
    ).application
    assert application.tracking_number.startswith("6472-2701-")
