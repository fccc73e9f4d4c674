"""The public index: a region's page and every region's table, read from the figures in a constant number of
queries; the period picker; nothing about a person."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from mpp.surveys import refresh, services
from mpp.surveys.models import FollowUpAction

from .conftest import answers, make_application, service_of

pytestmark = pytest.mark.django_db


def _rate(citizen, service, values, *, count=1, when=None):
    when = when or timezone.now() - dt.timedelta(days=3)
    for _ in range(count):
        application = make_application(
            citizen, service=service, submitted_at=when - dt.timedelta(days=1), decided_at=when
        )
        services.answer_application(application=application, values=answers(values), now=when)


@pytest.fixture
def rated(citizen, samarinda_manager):
    _rate(citizen, service_of(), (4, 3, 3, 4, 3, 4, 4, 3, 3))
    _rate(citizen, service_of(), (3, 3, 2, 4, 3, 3, 4, 2, 3))
    _rate(citizen, service_of("kartu-keluarga"), (4, 4, 3, 4, 4, 4, 4, 3, 4))
    _rate(citizen, service_of("kartu-keluarga"), (3, 3, 3, 4, 3, 3, 3, 2, 3))
    make_application(citizen, decided_at=timezone.now() - dt.timedelta(days=2))  # served, not rated
    refresh.refresh()
    today = timezone.localdate()
    FollowUpAction.objects.create(
        region_id="64.72", period=f"{today.year}", period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31), element="u8", action="Buka kanal pengaduan di setiap loket.",
        unit="DPMPTSP · Bidang Pengaduan", target_date=today + dt.timedelta(days=60), recorded_by=samarinda_manager,
    )  # fmt: skip


def test_the_region_page_shows_the_index_elements_sample_services_and_plan(client, rated, citizen):
    response = client.get("/ikm/64.72/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "82,64" in page and "Baik" in page  # the worked example of test_ikm_arithmetic, here from four answers
    assert "dari 5 pengguna layanan; sampel minimal 5" in page and "Sampel belum mencukupi" in page
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in chart and "<script" not in chart and "style=" not in chart  # an image, CSP-clean
    assert "U8 Penanganan pengaduan, saran, dan masukan" in page and "2,50" in page  # its data table
    assert "Akta Kelahiran" in page and "Kartu Keluarga" in page and "Dinas Kependudukan dan Pencatatan Sipil" in page
    assert "Buka kanal pengaduan di setiap loket." in page and "DPMPTSP · Bidang Pengaduan" in page
    assert citizen.nik not in page and citizen.email not in page


def test_the_region_page_reads_a_constant_number_of_queries(client, citizen, django_assert_num_queries):
    # region, figures, plan: whatever the number of services and answers
    with django_assert_num_queries(3):
        assert client.get("/ikm/64.72/").status_code == 200
    for slug in ("akta-kelahiran", "kartu-keluarga", "kia", "akta-kematian"):
        _rate(citizen, service_of(slug), (4, 4, 4, 4, 3, 3, 3, 3, 3), count=2)
    refresh.refresh()
    cache.clear()  # the refresh's new generation is set once it commits, which a test's transaction never does
    with django_assert_num_queries(3):
        assert client.get("/ikm/64.72/", {"periode": "12-bulan"}).status_code == 200


def test_the_national_table_lists_every_region_with_its_elements_and_sample(client, rated, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get("/ikm/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kota Samarinda" in page and "Kota Surakarta" in page  # pilots offering services, rated or not
    assert page.count("<tr>") >= 21
    assert "82,64" in page


def test_a_period_outside_the_list_is_a_400_with_a_field_error(client):
    for url in ("/ikm/", "/ikm/64.72/"):
        response = client.get(url, {"periode": "2099"})
        assert response.status_code == 400 and "Pilih periode dari daftar." in response.content.decode()


def test_unknown_regions_and_provinces_are_404(client):
    assert client.get("/ikm/99.99/").status_code == 404
    assert client.get("/ikm/64/").status_code == 404


def test_a_month_without_answers_says_so(client):
    page = client.get("/ikm/64.72/").content.decode()
    assert "Belum ada penilaian dalam periode ini." in page


def test_a_second_reader_gets_the_cached_index_in_one_query(client, rated, django_assert_num_queries):
    client.get("/ikm/64.72/")
    with django_assert_num_queries(2):  # the region, the plan (which changes outside the refresh)
        assert "82,64" in client.get("/ikm/64.72/").content.decode()
    client.get("/ikm/")
    with django_assert_num_queries(0):
        assert client.get("/ikm/").status_code == 200


def test_a_refresh_that_changes_figures_shows_on_the_pages(client, citizen, django_capture_on_commit_callbacks):
    assert "Belum ada penilaian" in client.get("/ikm/64.72/").content.decode()
    _rate(citizen, service_of(), (4,) * 9)
    with django_capture_on_commit_callbacks(execute=True):
        refresh.refresh()
    assert "100,00" in client.get("/ikm/64.72/").content.decode()


def test_the_page_in_english(client, rated):
    client.get("/bahasa/en/", {"next": "/"})
    page = client.get("/ikm/64.72/").content.decode()
    assert '<html lang="en">' in page and "82.64" in page
