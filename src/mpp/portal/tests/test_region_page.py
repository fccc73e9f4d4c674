import pytest

from mpp.catalog.tests.offering import offer_every_template, queries_of

pytestmark = pytest.mark.django_db


def test_the_region_page_shows_its_mpp_counters_and_services(client):
    html = client.get("/wilayah/64.72/").content.decode()
    assert "<h1>Kota Samarinda</h1>" in html
    assert "Loket 1" in html
    assert "Penerbitan Akta Kelahiran" in html or "Akta Kelahiran" in html


def test_the_region_page_issues_a_constant_number_ofqueries_of(client):
    before = queries_of(client, "/wilayah/33.72/")
    offer_every_template("33.72", "Surakarta")
    assert queries_of(client, "/wilayah/33.72/") == before


def test_an_unknown_region_is_404(client):
    assert client.get("/wilayah/99.99/").status_code == 404
    assert client.get("/wilayah/%00/").status_code == 404  # NUL cannot even reach PostgreSQL


def test_a_district_page_leads_to_its_regency_and_a_village_has_its_own(client):
    response = client.get("/wilayah/64.72.01/")
    assert response.status_code == 302
    assert response["Location"] == "/wilayah/64.72/"
    village = client.get("/wilayah/64.72.01.1001/")
    assert village.status_code == 200 and 'href="/wilayah/64.72/"' in village.content.decode()


def test_a_province_page_lists_its_regencies(client):
    html = client.get("/wilayah/64/").content.decode()
    assert "Kota Samarinda" in html and "Kota Balikpapan" in html
