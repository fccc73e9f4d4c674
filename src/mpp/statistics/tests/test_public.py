"""The public statistics: counts, timeliness and processing times for anyone, and nothing about a person."""

import datetime as dt
import random
import re

import pytest

from mpp.statistics import services

from .factories import NAME, seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    now = dt.datetime.now(dt.UTC)
    applications = seed(
        random.Random(5), regions=["64.72", "33.72"], per_region=40, start=now - dt.timedelta(days=80), end=now
    )
    services.rebuild()
    return applications


def test_the_national_and_regional_pages_show_figures_and_no_personal_data(client, seeded):
    for path in ("/statistik/", "/statistik/64/", "/statistik/64.72/"):
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Permohonan diterima" in page and "Diputus dalam batas waktu" in page and "<svg" in page
        assert NAME not in page and NAME.title() not in page
        assert not re.search(r"(?<![\d.])\d{16}(?!\d)", page)  # no NIK, nor any other 16-digit number
        for application in seeded:
            assert application.tracking_number not in page


def test_a_kabupaten_kota_page_ranks_its_services_and_the_nation_its_provinces(client, seeded):
    region = client.get("/statistik/64.72/").content.decode()
    assert "Akta Kelahiran" in region and "Kota Samarinda" in region
    national = client.get("/statistik/").content.decode()
    assert 'href="/statistik/64/' in national and "Kalimantan Timur" in national


@pytest.mark.parametrize("code", ["99.99", "64.72.01", "6472", "x"])
def test_an_unknown_code_or_a_kecamatan_is_404(client, code):
    assert client.get(f"/statistik/{code}/").status_code == 404


def test_the_public_pages_are_served_from_the_public_cache(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    assert client.get("/statistik/64.72/?periode=tahun").get("X-Cache") == "miss"
    hit = client.get("/statistik/64.72/?periode=tahun")
    assert hit.get("X-Cache") == "hit" and "script-src 'self'" in hit["Content-Security-Policy"]


def test_a_bad_period_is_not_cached(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    assert client.get("/statistik/?periode=abad").status_code == 400
    assert client.get("/statistik/?periode=abad").get("X-Cache") is None


def test_the_page_has_no_script_and_no_inline_style(client, seeded):
    page = client.get("/statistik/64.72/").content.decode()
    body = page.split("<main", 1)[1]
    assert "<script" not in body and "<style" not in body and " style=" not in body
    assert "kozea" not in page and "pygal.js" not in page
    assert body.count('role="img"') == 3 and body.count("aria-label=") >= 3
