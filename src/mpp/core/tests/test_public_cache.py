import pytest

from mpp.catalog import services
from mpp.catalog.models import Service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    from django.core.cache import cache

    settings.PUBLIC_CACHE_SECONDS = 60
    cache.clear()


def test_anonymous_catalog_answers_are_served_from_the_cache(client, django_assert_num_queries):
    first = client.get("/wilayah/64.72/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/wilayah/64.72/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert client.get("/api/v1/regions/64.72/services")["X-Cache"] == "miss"
    assert client.get("/api/v1/regions/64.72/services")["X-Cache"] == "hit"


def test_languages_are_cached_apart(client):
    indonesian = client.get("/wilayah/64.72/").content.decode()
    client.cookies["mpp_lang"] = "en"
    english = client.get("/wilayah/64.72/").content.decode()
    assert '<html lang="id">' in indonesian and '<html lang="en">' in english


def test_a_catalog_change_is_visible_at_once(client, django_capture_on_commit_callbacks):
    service = Service.objects.get(region_id="64.72", template__slug="kartu-keluarga")
    assert "Loket 42" not in client.get(f"/layanan/{service.id}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.adjust_service(service=service, adjustments={"location": "Loket 42"}, by=None, note="")
    assert "Loket 42" in client.get(f"/layanan/{service.id}/").content.decode()


def test_signed_in_visitors_and_errors_are_never_cached(client, samarinda_manager):
    assert client.get("/wilayah/99.99/").status_code == 404
    assert "X-Cache" not in client.get("/wilayah/99.99/")
    client.force_login(samarinda_manager)
    assert "X-Cache" not in client.get("/wilayah/64.72/")


def test_requests_with_credentials_are_never_answered_from_the_cache(client):
    assert client.get("/api/v1/regions/64.72/services")["X-Cache"] == "miss"
    assert client.get("/api/v1/regions/64.72/services")["X-Cache"] == "hit"
    with_token = client.get("/api/v1/regions/64.72/services", HTTP_AUTHORIZATION="Bearer some-token")
    assert with_token.status_code == 200
    assert "X-Cache" not in with_token
