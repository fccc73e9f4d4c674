"""When the database does not answer (a primary restarting, a failover), a request gets a 503 with Retry-After —
a page in the visitor's language, or JSON from the API — never a 500; anything else is still a 500."""

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.test import Client

from mpp.catalog import selectors as catalog_selectors
from mpp.portal import views as portal_views


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def _fail_with(monkeypatch, error):
    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(portal_views.region_selectors, "region", refuse)
    monkeypatch.setattr(catalog_selectors, "services_in_region", refuse)


@pytest.mark.parametrize(
    "error", [OperationalError("the database system is shutting down"), InterfaceError("connection already closed")]
)
def test_a_page_the_database_cannot_serve_is_503_with_retry_after(visitor, db, monkeypatch, error):
    _fail_with(monkeypatch, error)
    page = visitor.get("/wilayah/64.72/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "coba lagi dalam beberapa detik" in page.text and "shutting down" not in page.text
    visitor.get("/bahasa/en/")
    assert "try again in a few seconds" in visitor.get("/wilayah/64.72/").text


def test_the_api_answers_503_json_with_retry_after(visitor, db, monkeypatch):
    _fail_with(monkeypatch, OperationalError("could not connect to server"))
    answer = visitor.get("/api/v1/regions/64.72/services")
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert "coba lagi" in answer.json()["detail"]


def test_any_other_error_is_still_a_500_without_retry_after(visitor, db, monkeypatch):
    _fail_with(monkeypatch, RuntimeError("a bug"))
    page = visitor.get("/wilayah/64.72/")
    assert page.status_code == 500 and "Retry-After" not in page and "a bug" not in page.text
