"""Samarinda's MPP as the catalog seeds it (Disdukcapil at counters 1–3, Dinkes at 4, …), its counter officers,
Siti and Budi (from the applications' tests), and a fixed Monday morning in Samarinda (WITA)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mpp.applications.tests.conftest import budi, family, officer, siti  # noqa: F401  (fixtures)
from mpp.catalog.models import Agency, Counter, Mpp, Service
from mpp.identity.models import Role

WITA = ZoneInfo("Asia/Makassar")
#: Monday 23 November 2026, 09:00 in Samarinda: the MPP is open (08:00–15:30).
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts without an earlier test's board snapshot."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def mpp(db):
    return Mpp.objects.select_related("region").get(region_id="64.72")


@pytest.fixture
def dukcapil(db):
    return Agency.objects.get(region_id="64.72", kind__code="disdukcapil")


@pytest.fixture
def dinkes(db):
    return Agency.objects.get(region_id="64.72", kind__code="dinkes")


@pytest.fixture
def birth_service(db):
    return Service.objects.select_related("template").get(region_id="64.72", template__slug="akta-kelahiran")


def counter(mpp, number: int) -> Counter:
    return Counter.objects.select_related("mpp__region", "agency").get(mpp=mpp, number=number)


@pytest.fixture
def counter_1(mpp):
    return counter(mpp, 1)


@pytest.fixture
def counter_2(mpp):
    return counter(mpp, 2)


@pytest.fixture
def counter_officer(db):
    return officer("loket.dukcapil.samarinda", Role.COUNTER_OFFICER)


@pytest.fixture
def other_counter_officer(db):
    """A counter officer of Surakarta's Disdukcapil: another region's MPP."""
    return officer("loket.dukcapil.surakarta", Role.COUNTER_OFFICER, region="33.72")
