"""Monev personas: the ministry, the MPP managers of Kota Samarinda (alice) and Kota Surakarta (bob), both
with a confirmed address so reminders reach them, a round that asks both regions, and a decree PDF."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

# The family, officers and birth form of the applications' tests, for platform figures made the real way.
from mpp.applications.tests.conftest import (  # noqa: F401
    approver,
    birth_service,
    family,
    registry,
    registry_template,
    siti,
    verifier,
)
from mpp.identity.tests.factories import make_staff
from mpp.monitoring import services

WITA = ZoneInfo("Asia/Makassar")
WIB = ZoneInfo("Asia/Jakarta")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PERIOD = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def decree_pdf(name: str = "sk-pengelola.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def confirmed(user):
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def alice(samarinda_manager):
    return confirmed(samarinda_manager)


@pytest.fixture
def bob(surakarta_manager):
    return confirmed(surakarta_manager)


@pytest.fixture
def another_ministry_official(db):
    return make_staff("ministry.two", "ministry")


@pytest.fixture
def deadline():
    """Three weeks from today: every page-driven submission in a test is on time."""
    return timezone.localdate() + dt.timedelta(days=21)


@pytest.fixture
def monev_round(ministry, alice, bob, deadline):
    return services.open_round(
        opened_by=ministry,
        title="Monev MPP Digital November 2026",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        deadline=deadline,
        region_codes={"64.72", "33.72"},
    )


def report_of(monev_round, region_code):
    return monev_round.reports.get(region_id=region_code)


def fill(report, manager, **changes):
    """A complete report of ``manager``'s region, saved as a draft (the decree PDF included)."""
    values = {
        "decree_number": "100.3.3.2/123/2026",
        "decree_date": dt.date(2026, 1, 15),
        "population_applicants_outside": 5,
        "usage_efforts": "Sosialisasi di kelurahan.",
        "ikd_sisdmk_efforts": "Jemput bola aktivasi IKD.",
        "suggestions": "Tambah pelatihan petugas.",
    } | changes
    return services.save_draft(
        manager=manager,
        report_id=report.pk,
        expected_version=report.version,
        values=values,
        obstacles=[("infrastruktur", "Jaringan internet lambat."), ("sdm", "Petugas terlatih baru dua.")],
        decree_file=decree_pdf(),
    )


def is_linked(html: str, error_id: str) -> bool:
    """Whether the error is shown and its field (or fieldset) points at it."""
    return f'id="{error_id}"' in html and re.search(f'aria-describedby="[^"]*\\b{error_id}\\b', html) is not None
