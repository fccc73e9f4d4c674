"""Issue #13 §2, end to end: the ministry opens a round; the prefilled counts are the platform's own data for
the period; Samarinda submits on time, Surakarta late; the reminder goes to the region that had not
submitted; the XLSX export opens and holds those figures."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mpp.applications import services as applications
from mpp.applications.models import Status
from mpp.applications.tests.conftest import birth_form, new_key
from mpp.monitoring import reminders, services
from mpp.monitoring.models import Reminder, ReportingRound, ReportStatus
from mpp.notifications.services import claim_due, deliver

from .conftest import PERIOD, WIB, WITA, decree_pdf, report_of

pytestmark = pytest.mark.django_db


def births(siti, birth_service, verifier, approver):
    """Samarinda's platform data: two birth applications in November (one approved, which also issues the
    family's new KK as an application of its own) and one in December, outside the period."""
    first = applications.submit(
        applicant=siti,
        service=birth_service,
        data=birth_form(),
        submit_key=new_key(),
        now=dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA),
    ).application
    applications.submit(
        applicant=siti,
        service=birth_service,
        data=birth_form(child_name="Bayu Santoso"),
        submit_key=new_key(),
        allow_duplicate=True,
        now=dt.datetime(2026, 11, 30, 23, 30, tzinfo=WITA),  # the last evening of the period, local time
    )
    applications.submit(
        applicant=siti,
        service=birth_service,
        data=birth_form(child_name="Citra Santoso"),
        submit_key=new_key(),
        allow_duplicate=True,
        now=dt.datetime(2026, 12, 1, 8, 0, tzinfo=WITA),
    )
    approve_at = dt.datetime(2026, 11, 24, 10, 0, tzinfo=WITA)
    applications.act(application_id=first.pk, officer=verifier, action="accept", expected_version=1, now=approve_at)
    approved = applications.act(
        application_id=first.pk, officer=approver, action="approve", expected_version=2, now=approve_at
    )
    assert approved.status == Status.APPROVED


def row_of(sheet, region_code):
    return next(row for row in sheet.iter_rows(values_only=True) if row[0] == region_code)


def test_a_round_from_opening_to_export(
    client, ministry, alice, bob, siti, birth_service, verifier, approver, smtp_server, deadline
):
    births(siti, birth_service, verifier, approver)

    # The ministry opens the round for Samarinda and Surakarta.
    client.force_login(ministry)
    opened = client.post(
        reverse("monitoring:rounds"),
        {
            "title": "Monev MPP Digital November 2026",
            "period_start": PERIOD[0].isoformat(),
            "period_end": PERIOD[1].isoformat(),
            "deadline": deadline.isoformat(),
            "audience": "chosen",
            "regions": ["64.72", "33.72"],
        },
    )
    monev_round = ReportingRound.objects.get()
    assert opened.status_code == 302 and opened["Location"] == reverse("monitoring:round", args=[monev_round.pk])

    # Samarinda's manager finds the figures prefilled: 2 births and the KK issued with the approved one were
    # submitted in November (the December birth is not); the birth and the KK were decided.
    client.force_login(alice)
    page = client.get(reverse("monitoring:manager_report", args=[monev_round.pk]))
    figures = {figure.key: figure.platform for figure, _field in page.context["figure_rows"]}
    assert figures == {
        "population_applicants": 3,
        "health_permit_applicants": 0,
        "population_processed": 2,
        "health_permits_issued": 0,
    }
    assert 'id="sum-population_applicants">3<' in page.content.decode()

    # She types (autosaved), adds the counter's own work, uploads the decree and submits, on time.
    samarinda = report_of(monev_round, "64.72")
    autosaved = client.post(
        reverse("monitoring:draft", args=[monev_round.pk]),
        {"version": 0, "wilayah": "64.72", "population_applicants_outside": "4", "usage_efforts": "Sosialisasi."},
    )
    assert autosaved.status_code == 200 and "Draf tersimpan" in autosaved.content.decode()
    assert 'id="sum-population_applicants" hx-swap-oob="true">7<' in autosaved.content.decode()
    submitted = client.post(
        reverse("monitoring:manager_report", args=[monev_round.pk]),
        {
            "version": 0,
            "wilayah": "64.72",
            "intent": "submit",
            "decree_number": "100.3.3.2/45/2026",
            "decree_date": "2026-01-15",
            "decree_file": decree_pdf(),
            "population_applicants_outside": "4",
            "health_permit_applicants_outside": "",
            "population_processed_outside": "1",
            "health_permits_issued_outside": "0",
            "usage_efforts": "Sosialisasi di kelurahan.",
            "ikd_sisdmk_efforts": "Jemput bola aktivasi IKD.",
            "obstacle_category": ["infrastruktur", "", ""],
            "obstacle_text": ["Jaringan internet lambat.", "", ""],
            "suggestions": "Tambah pelatihan petugas.",
        },
    )
    assert submitted.status_code == 302
    samarinda.refresh_from_db()
    assert (samarinda.status, samarinda.is_late) == (ReportStatus.SUBMITTED, False)
    assert samarinda.platform_figures["population_applicants"] == 3

    # Seven and one working days before the deadline, Surakarta (which has not submitted) is reminded; Samarinda
    # is not. The reminder leaves through the outbox, by SMTP.
    one_day_before = reminders.working_days_before(deadline, 1)
    reminder_time = dt.datetime.combine(one_day_before, dt.time(8, 0), tzinfo=WIB)
    assert reminders.send_reminders(now=reminder_time) == 1
    assert reminders.send_reminders(now=reminder_time) == 0  # a rerun sends nothing twice
    assert list(Reminder.objects.values_list("region_id", "kind")) == [("33.72", "1")]
    for message in claim_due(now=reminder_time, limit=100):
        deliver(message)
    sent = [mail for mail in smtp_server.messages if mail["Subject"].startswith("Pengingat")]
    assert [mail["To"] for mail in sent] == [bob.email]
    body = sent[0].get_body(preferencelist=("plain",)).get_content()
    assert "Kota Surakarta" in body and "?wilayah=33.72" in body

    # Surakarta submits two days after the deadline: accepted, and marked late.
    surakarta = report_of(monev_round, "33.72")
    late_at = dt.datetime.combine(deadline + dt.timedelta(days=2), dt.time(9, 0), tzinfo=WIB)
    services.save_draft(
        manager=bob,
        report_id=surakarta.pk,
        expected_version=0,
        values={
            "decree_number": "061/12/2026",
            "decree_date": dt.date(2026, 2, 1),
            "usage_efforts": "Layanan keliling.",
            "ikd_sisdmk_efforts": "Aktivasi IKD di sekolah.",
            "suggestions": "Integrasi dengan SIMPEG.",
            "health_permits_issued_outside": 6,
        },
        obstacles=[("anggaran", "Anggaran sosialisasi terbatas.")],
        decree_file=decree_pdf(),
        now=late_at,
    )
    surakarta = services.submit_report(manager=bob, report_id=surakarta.pk, expected_version=0, now=late_at)
    assert (surakarta.status, surakarta.is_late) == (ReportStatus.SUBMITTED, True)

    # The ministry sees the progress and exports the round.
    client.force_login(ministry)
    progress = client.get(reverse("monitoring:round", args=[monev_round.pk])).context["progress"]
    assert (progress.asked, progress.submitted, progress.late, progress.missing) == (2, 2, 1, 0)
    export = client.get(reverse("monitoring:export_xlsx", args=[monev_round.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = next(sheet.iter_rows(values_only=True))
    column = {name: index for index, name in enumerate(header)}
    samarinda_row, surakarta_row = row_of(sheet, "64.72"), row_of(sheet, "33.72")
    applicants = "Jumlah pemohon layanan administrasi kependudukan"
    assert samarinda_row[column[f"{applicants}: dari platform"]] == 3
    assert samarinda_row[column[f"{applicants}: di luar platform"]] == 4
    assert samarinda_row[column[f"{applicants}: jumlah"]] == 7
    processed = "Jumlah layanan administrasi kependudukan yang diproses"
    assert samarinda_row[column[f"{processed}: jumlah"]] == 3
    assert samarinda_row[column["Kendala"]] == "Infrastruktur: Jaringan internet lambat."
    assert (samarinda_row[column["Terlambat"]], surakarta_row[column["Terlambat"]]) == ("Tidak", "Ya")
    assert surakarta_row[column["Jumlah izin tenaga kesehatan yang diterbitkan: di luar platform"]] == 6
    assert surakarta_row[column["Kendala"]] == "Anggaran: Anggaran sosialisasi terbatas."
