"""Demo monev rounds: the first round the ministry ever sent (deadline 28 July 2023), all in, and one
open round now with some reports in, so `make run` shows the ministry's progress, a late report, a
draft and the exports. Through the real services."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mpp.applications import calendar
from mpp.identity.models import User
from mpp.monitoring import services
from mpp.monitoring.models import ReportingRound

FIRST_ROUND = "Monev MPP Digital Semester I 2023"
OPEN_ROUND = "Monev MPP Digital Semester II 2026"
DECREE = b"%PDF-1.4\n% SK Pengelola MPP Digital (demo)\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed_demo_monev(*, ministry: User) -> int:
    """Open the demo rounds (once) and file some reports; returns how many rounds were added now."""
    added = 0
    if not ReportingRound.objects.filter(title=FIRST_ROUND).exists():
        opened = dt.datetime(2023, 7, 3, 9, tzinfo=dt.UTC)
        first = services.open_round(
            opened_by=ministry,
            title=FIRST_ROUND,
            period_start=dt.date(2023, 6, 20),
            period_end=dt.date(2023, 6, 30),
            deadline=dt.date(2023, 7, 28),
            region_codes=["64.72", "33.72"],
            now=opened,
        )
        _file(first, "64.72", now=dt.datetime(2023, 7, 20, 3, tzinfo=dt.UTC), accept_by=ministry)
        _file(first, "33.72", now=dt.datetime(2023, 8, 2, 3, tzinfo=dt.UTC), accept_by=ministry)  # late
        added += 1
    if not ReportingRound.objects.filter(title=OPEN_ROUND).exists():
        today = timezone.localdate()
        current = services.open_round(
            opened_by=ministry,
            title=OPEN_ROUND,
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 11, 30),
            deadline=calendar.add_working_days(today, 10),
            region_codes=None,  # every active region
        )
        _file(current, "64.72")  # submitted, waiting for the ministry
        _file(current, "33.72", submit=False)  # a draft: Surakarta's manager is still typing
        added += 1
    return added


def _file(reporting_round, region_code: str, *, now=None, submit=True, accept_by=None) -> None:
    report = reporting_round.reports.get(region_id=region_code)
    manager = User.objects.get(username=f"pengelola.{'samarinda' if region_code == '64.72' else 'surakarta'}")
    report = services.save_draft(
        manager=manager,
        report_id=report.pk,
        expected_version=report.version,
        values={
            "decree_number": f"100.3.3.2/{region_code}/2023",
            "decree_date": dt.date(2023, 6, 1),
            "usage_efforts": "Sosialisasi MPP Digital di kecamatan dan kelurahan; pendampingan di loket.",
            "ikd_sisdmk_efforts": "Aktivasi IKD di loket Disdukcapil; pendataan tenaga kesehatan bersama Dinkes.",
            "suggestions": "Integrasi dengan sistem perizinan daerah.",
            "population_applicants_outside": 120,
        },
        obstacles=[
            ("infrastruktur", "Jaringan internet di kecamatan terluar belum stabil."),
            ("sosialisasi", "Warga belum banyak mengetahui layanan daring."),
        ],
        decree_file=SimpleUploadedFile("sk-pengelola.pdf", DECREE, content_type="application/pdf"),
        now=now,
    )
    if submit:
        report = services.submit_report(manager=manager, report_id=report.pk, expected_version=report.version, now=now)
    if accept_by is not None:
        services.accept_report(reviewer=accept_by, report_id=report.pk, expected_version=report.version, now=now)
