"""Siti's family and Samarinda's Disdukcapil (from the applications' tests), its complaint officer and head,
and complaints about them."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mpp.applications.tests.conftest import (  # noqa: F401  (fixtures)
    birth_form,
    birth_service,
    budi,
    family,
    new_key,
    officer,
    siti,
)
from mpp.complaints import services
from mpp.identity.models import Role
from mpp.regions.models import Region

WITA = ZoneInfo("Asia/Makassar")
#: Monday 23 November 2026, 09:00 in Samarinda: a working week ahead.
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA)


@pytest.fixture(autouse=True)
def _no_cached_rules():
    """Each test starts without the deadline rules an earlier test cached (``services._rules_of``)."""
    from django.core.cache import cache

    cache.clear()


def photo(name="foto.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def complaint_officer(db):
    return officer("pengaduan.dukcapil.samarinda", Role.COMPLAINT_OFFICER)


@pytest.fixture
def health_complaint_officer(db):
    return officer("pengaduan.dinkes.samarinda", Role.COMPLAINT_OFFICER, kind="dinkes")


@pytest.fixture
def agency_head(db):
    return officer("kepala.dukcapil.samarinda", Role.APPROVER)


@pytest.fixture
def samarinda():
    return Region.objects.get(code="64.72")


@pytest.fixture
def dukcapil(complaint_officer):
    return complaint_officer.role_assignments.get().agency


def file(reporter=None, *, now=MONDAY, **fields):
    """A complaint about Samarinda's Disdukcapil (unless told otherwise)."""
    values = {
        "region": Region.objects.get(code="64.72"),
        "category": "service_delay",
        "title": "Akta kelahiran belum selesai",
        "description": "Sudah lewat batas waktu, belum ada kabar dari petugas.",
        "reporter": reporter,
    } | fields
    complaint, _secret = services.file_complaint(now=now, **values)
    return complaint
