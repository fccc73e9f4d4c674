import pytest

pytestmark = pytest.mark.django_db


def test_region_search_finds_by_name_and_pilots_first(client):
    html = client.get("/wilayah/", {"q": "samarinda"}).content.decode()
    assert "/wilayah/64.72/" in html
    partial = client.get("/wilayah/", {"q": "magelang"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert partial.index("Kota Magelang") < partial.index("Kabupaten Magelang")


def test_region_search_too_short_shows_a_field_error(client):
    html = client.get("/wilayah/", {"q": "x"}).content.decode()
    assert 'role="alert"' in html
