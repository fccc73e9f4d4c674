"""Filing a report through the API: the key, the Idempotency-Key, strict validation, and one
report per key however often or concurrently it is sent."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .conftest import file, new_key, reference, report_body


def test_a_new_report_is_201_with_a_lapor_id_and_received(lapor, api):
    body = report_body()
    response = file(api, body)
    assert response.status_code == 201
    answer = response.json()
    assert re.fullmatch(r"LAPOR-\d{4}-\d{6,}", answer["lapor_id"])
    assert answer["status"] == "received" and answer["created_at"]
    [stored] = lapor.reports(reference=body["reference"])
    assert stored["lapor_id"] == answer["lapor_id"] and stored["channel"] == "api"
    assert stored["reporter"] == {"name": "Budi Santoso", "contact": "budi@example.id"}
    assert stored["updates"] == []  # the platform has its answer: nothing to tell it


def test_the_report_is_read_back_with_the_api_key(api):
    body = report_body()
    lapor_id = file(api, body).json()["lapor_id"]
    shown = api.get(f"/api/v1/reports/{lapor_id}").json()
    assert shown["reference"] == body["reference"] and shown["status"] == "received"
    assert shown["confidential"] is True and shown["attachments"] == 2 and shown["occurred_on"] == "2026-11-30"
    assert api.get("/api/v1/reports/LAPOR-1999-000001").status_code == 404


def test_the_same_key_and_report_answer_200_with_the_same_lapor_id(lapor, api):
    body, key = report_body(), new_key()
    first, again = file(api, body, key), file(api, dict(reversed(body.items())), key)  # key order does not matter
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(lapor.reports(reference=body["reference"])) == 1


def test_the_same_key_with_another_report_is_422_and_changes_nothing(lapor, api):
    body, key = report_body(), new_key()
    first = file(api, body, key)
    reused = file(api, {**body, "title": "Judul lain"}, key)
    assert reused.status_code == 422
    assert reused.json()["error"] == "idempotency_key_reused" and first.json()["lapor_id"] in reused.json()["message"]
    assert [r["title"] for r in lapor.reports(reference=body["reference"])] == [body["title"]]


def test_a_refused_report_does_not_use_up_its_key(lapor, api):
    body, key = report_body(), new_key()
    assert file(api, {**body, "title": ""}, key).status_code == 422
    assert file(api, body, key).status_code == 201


def test_twenty_simultaneous_filings_with_one_key_store_one_report(lapor):
    body, key, senders = report_body(), new_key(), 20
    start = threading.Barrier(senders)

    def send(_: int) -> httpx.Response:
        with httpx.Client(base_url=lapor.url, headers={"X-Api-Key": lapor.api_key}, timeout=30) as client:
            start.wait(timeout=10)
            return file(client, body, key)

    with ThreadPoolExecutor(max_workers=senders) as pool:
        responses = list(pool.map(send, range(senders)))
    assert sorted(r.status_code for r in responses) == [200] * (senders - 1) + [201]
    assert len({r.json()["lapor_id"] for r in responses}) == 1
    assert len(lapor.reports(reference=body["reference"])) == 1


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "not-the-key-0123456789"}])
def test_without_the_api_key_every_call_is_401(lapor, headers):
    for method, path in [("POST", "/api/v1/reports"), ("GET", "/api/v1/updates"), ("GET", "/api/v1/reports/x")]:
        response = httpx.request(method, lapor.url + path, headers={**headers, "Idempotency-Key": "k"}, json={})
        assert response.status_code == 401 and response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(("key", "code"), [(None, "missing_idempotency_key"), ("x" * 101, "invalid_idempotency_key")])
def test_a_filing_without_a_usable_idempotency_key_is_400(api, key, code):
    headers = {} if key is None else {"Idempotency-Key": key}
    response = api.post("/api/v1/reports", json=report_body(), headers=headers)
    assert response.status_code == 400 and response.json()["error"] == code


def test_a_body_that_is_not_json_is_400(api):
    response = api.post("/api/v1/reports", content=b"{not json", headers={"Idempotency-Key": new_key()})
    assert response.status_code == 400 and response.json()["error"] == "malformed_json"


def _without(name: str) -> dict[str, object]:
    body = report_body()
    del body[name]
    return body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "the report must be a JSON object"),
        (_without("reference"), "missing: reference"),
        (_without("anonymous"), "missing: anonymous"),
        (report_body(secret="x"), "unknown fields: secret"),
        (report_body(reference=""), "reference must be a non-empty string"),
        (report_body(title="   "), "title must be a non-empty string of at most 150"),
        (report_body(title="x" * 151), "title must be a non-empty string of at most 150"),
        (report_body(content="x" * 5001), "content must be a non-empty string of at most 5000"),
        (report_body(content=7), "content must be"),
        (report_body(category="corruption"), "category must be one of service_delay"),
        (report_body(region_code="Samarinda"), "region_code must be a Kemendagri region code"),
        (report_body(region_code="64.7"), "region_code must be"),
        (report_body(agency=["x"]), "agency must be a string"),
        (report_body(anonymous="no"), "anonymous must be true or false"),
        (report_body(confidential=1), "confidential must be true or false"),
        (report_body(anonymous=True), "reporter must be null for an anonymous report"),
        (report_body(reporter={"name": "Budi"}), "reporter must be null or an object with exactly name and contact"),
        (report_body(reporter="Budi"), "reporter must be null or an object"),
        (report_body(reporter={"name": "", "contact": "x"}), "reporter.name must be a non-empty string"),
        (report_body(attachments=-1), "attachments must be a whole number from 0 to 50"),
        (report_body(attachments=True), "attachments must be a whole number"),
        (report_body(attachments=1.5), "attachments must be a whole number"),
        (report_body(occurred_on="30-11-2026"), "occurred_on must be a date YYYY-MM-DD or null"),
        (report_body(occurred_on="2026-02-30"), "occurred_on must be a date"),
    ],
)
def test_a_bad_report_is_422_naming_the_field(lapor, api, body, message):
    response = file(api, body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_body" and message in response.json()["message"]


def test_the_optional_fields_may_be_left_out_and_an_anonymous_report_has_no_reporter(api):
    body = report_body(anonymous=True, reporter=None, reference=reference())
    for name in ("agency", "attachments", "occurred_on"):
        del body[name]
    lapor_id = file(api, body).json()["lapor_id"]
    shown = api.get(f"/api/v1/reports/{lapor_id}").json()
    assert (shown["agency"], shown["attachments"], shown["occurred_on"], shown["reporter"]) == ("", 0, None, None)


def test_an_oversized_body_is_413(api):
    response = file(api, report_body(content="x" * 70_000))
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
