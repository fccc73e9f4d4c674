"""A service's public page: its standard (the catalog) and its users' satisfaction (the survey's index)."""

import datetime as dt

import pytest
from django.utils import timezone

from mpp.catalog.models import Service
from mpp.identity.tests.factories import make_citizen
from mpp.surveys import refresh, services
from mpp.surveys.tests.conftest import answers, make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth():
    return Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")


def _rated(service, values_list):
    citizen = make_citizen("6472015204900003")
    when = timezone.now() - dt.timedelta(days=4)
    for values in values_list:
        application = make_application(citizen, service=service, submitted_at=when, decided_at=when)
        services.answer_application(application=application, values=answers(values), now=when)
    refresh.refresh()


def test_the_service_page_shows_its_index_grade_sample_and_elements(client, birth):
    _rated(
        birth,
        [
            (4, 3, 3, 4, 3, 4, 4, 3, 3),
            (3, 3, 2, 4, 3, 3, 4, 2, 3),
            (4, 4, 3, 4, 4, 4, 4, 3, 4),
            (3, 3, 3, 4, 3, 3, 3, 2, 3),
        ],
    )
    page = client.get(f"/layanan/{birth.pk}/").content.decode()
    assert "Kepuasan pengguna layanan" in page and "12 bulan terakhir" in page
    assert "82,64" in page and "Baik" in page and "sampel minimal 4" in page
    assert 'role="img"' in page and "U9 Sarana dan prasarana" in page
    assert 'href="/ikm/64.72/"' in page


def test_a_service_nobody_rated_says_so_in_the_same_queries(client, birth, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the service, its index
        page = client.get(f"/layanan/{birth.pk}/").content.decode()
    assert "Belum ada penilaian dalam periode ini." in page


def test_the_region_page_summarises_the_regions_index(client, birth):
    _rated(birth, [(4,) * 9])
    page = client.get("/wilayah/64.72/").content.decode()
    assert "Kepuasan masyarakat" in page and "IKM 100,00" in page and 'href="/ikm/64.72/"' in page


def test_the_service_page_is_named_portal_service():
    from django.urls import reverse

    assert reverse("portal:service", args=["0b8f4f5e-6a39-4f55-9a0e-1f0d6f7e2c11"]).startswith("/layanan/")
