import pytest

from mpp.catalog.models import Service
from mpp.catalog.standard import COMPONENTS
from mpp.catalog.tests.offering import offer_every_template, queries_of

pytestmark = pytest.mark.django_db


def test_the_services_api_issues_a_constant_number_ofqueries_of(client):
    before = queries_of(client, "/api/v1/regions/33.72/services")
    offer_every_template("33.72", "Surakarta")
    assert queries_of(client, "/api/v1/regions/33.72/services") == before


def test_the_service_page_shows_all_14_components_in_plain_language(client):
    service = Service.objects.get(region_id="64.72", template__slug="sip-tenaga-kesehatan")
    html = client.get(f"/layanan/{service.id}/").content.decode()
    for key, title in COMPONENTS:
        assert f'id="{key}"' in html
        assert str(title) in html
    assert "STR" in html


def test_every_seeded_service_page_renders(client, django_assert_max_num_queries):
    for service in Service.objects.filter(region_id="64.72"):
        with django_assert_max_num_queries(3):
            assert client.get(f"/layanan/{service.id}/").status_code == 200


def test_unknown_pages_are_404(client):
    assert client.get("/api/v1/regions/64%00/services").status_code == 404  # NUL cannot even reach PostgreSQL
    assert client.get("/layanan/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_service_search_by_keyword_across_regions_and_within_one(client):
    html = client.get("/cari/", {"q": "akta kelahiran"}).content.decode()
    assert html.count("/layanan/") >= 21
    local = client.get("/cari/", {"q": "kelahiran", "regency_code": "64.72"}).content.decode()
    assert "Kota Samarinda" in local and "Kota Surakarta" not in local


def test_service_search_rejects_a_malformed_region_with_a_field_error(client):
    response = client.get("/cari/", {"q": "akta", "regency_code": "../../etc"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_language_switch_serves_english(client):
    response = client.get("/bahasa/en/", {"next": "/wilayah/64.72/"})
    assert response.status_code == 302
    assert response["Location"] == "/wilayah/64.72/"
    html = client.get("/wilayah/64.72/").content.decode()
    assert '<html lang="en">' in html
    assert "Counters and agencies" in html
    service = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")
    english = client.get(f"/layanan/{service.id}/").content.decode()
    assert "Requirements" in english and "Staff performance evaluation" in english
    assert "working day" in english


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.get("/bahasa/en/", {"next": target})
    assert response["Location"] == "/"


def test_an_unknown_language_is_404(client):
    assert client.get("/bahasa/fr/").status_code == 404
