"""Inbound: Standard Webhooks signatures, payload checks and deduplication by webhook id."""

from __future__ import annotations

import base64
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from simulators.agency.testing import signature_headers, signed_webhook

from .conftest import SECRET, application, tracking_number
from .platform_stub import wait_until

OTHER_SECRET = "whsec_" + base64.b64encode(b"not-the-secret-the-agency-holds!").decode()
SIX_MINUTES = timedelta(minutes=6)


def post(agency, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{agency.url}/webhooks/mpp", content=body, headers=headers, timeout=30)


def test_a_signed_application_is_accepted_at_once_with_a_case_id(agency, platform, forward):
    number = tracking_number()
    response = forward(application(platform, number))
    assert response.status_code == 202
    assert response.json()["duplicate"] is False
    assert re.fullmatch(r"SIAK-\d{4}-\d{6}", response.json()["case_id"])
    assert response.elapsed.total_seconds() < 1
    [case] = agency.cases(tracking_number=number)
    assert case["case_id"] == response.json()["case_id"]
    assert case["application"]["applicant"]["nik"] == "6472035204900001"


def _resigned(body: bytes, headers: dict[str, str], **kwargs) -> tuple[bytes, dict[str, str]]:
    return body, signature_headers(kwargs.pop("secret", SECRET), body.decode(), **kwargs)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda b, h: _resigned(b, h, secret=OTHER_SECRET), id="wrong-secret"),
        pytest.param(lambda b, h: (b.replace(b"SITI", b"EVIL"), h), id="tampered-body"),
        pytest.param(lambda b, h: (b, {**h, "webhook-id": h["webhook-id"] + "x"}), id="other-webhook-id"),
        pytest.param(lambda b, h: _resigned(b, h, timestamp=datetime.now(UTC) - SIX_MINUTES), id="stale-timestamp"),
        pytest.param(lambda b, h: _resigned(b, h, timestamp=datetime.now(UTC) + SIX_MINUTES), id="future-timestamp"),
        pytest.param(lambda b, h: (b, {**h, "webhook-signature": "v1,AAAA"}), id="wrong-signature"),
        pytest.param(lambda b, h: (b, {**h, "webhook-signature": "v2," + h["webhook-signature"][3:]}), id="v2"),
        pytest.param(lambda b, h: (b, {**h, "webhook-signature": "garbage"}), id="malformed-signature"),
        pytest.param(lambda b, h: (b, {**h, "webhook-signature": "v1,%%%"}), id="not-base64"),
        pytest.param(lambda b, h: (b, {**h, "webhook-timestamp": "soon"}), id="malformed-timestamp"),
    ],
)
def test_a_delivery_that_fails_verification_is_401_and_not_stored(agency, platform, tamper):
    number = tracking_number()
    body, headers = tamper(*signed_webhook(SECRET, application(platform, number)))
    response = post(agency, body, headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_signature"
    assert agency.cases(tracking_number=number) == []


def test_several_signatures_pass_when_one_matches(agency, platform):
    """Standard Webhooks sends one signature per active secret while a secret is rotated."""
    body, headers = signed_webhook(SECRET, application(platform, tracking_number()))
    old = signature_headers(OTHER_SECRET, body.decode(), webhook_id=headers["webhook-id"])["webhook-signature"]
    headers["webhook-signature"] = f"{old} {headers['webhook-signature']}"
    assert post(agency, body, headers).status_code == 202


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_delivery_without_a_signature_header_is_401(agency, platform, missing):
    body, headers = signed_webhook(SECRET, application(platform, tracking_number()))
    del headers[missing]
    response = post(agency, body, headers)
    assert response.status_code == 401
    assert response.json() == {
        "error": "missing_signature",
        "message": f"send the Standard Webhooks headers; missing: {missing}",
    }


@pytest.mark.parametrize("text", ["tracking_number=MPP-1", "", "{", "[1, 2"])
def test_a_signed_body_that_is_not_json_is_400(agency, text):
    response = post(agency, text.encode(), signature_headers(SECRET, text))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"


def test_a_body_that_is_not_utf8_is_400(agency):
    body = '{"name": "Sité"}'.encode("latin-1")
    response = post(agency, body, signature_headers(SECRET, "{}"))
    assert response.status_code == 400 and response.json()["error"] == "invalid_json"


def _without(data_field: str):
    def edit(payload: dict) -> dict:
        del payload["data"][data_field]
        return payload

    return edit


def _with(**data):
    def edit(payload: dict) -> dict:
        payload["data"].update(data)
        return payload

    return edit


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        pytest.param(lambda p: [p], "invalid_payload", id="array"),
        pytest.param(lambda p: "text", "invalid_payload", id="string"),
        pytest.param(lambda p: {**p, "type": "application.withdrawn"}, "unsupported_event", id="other-event"),
        pytest.param(lambda p: {k: v for k, v in p.items() if k != "type"}, "unsupported_event", id="no-type"),
        pytest.param(lambda p: {**p, "data": None}, "invalid_payload", id="data-null"),
        pytest.param(_without("tracking_number"), "invalid_payload", id="no-tracking-number"),
        pytest.param(_with(tracking_number=123), "invalid_payload", id="tracking-number-int"),
        pytest.param(_with(tracking_number="  "), "invalid_payload", id="tracking-number-blank"),
        pytest.param(_with(tracking_number="M" * 65), "invalid_payload", id="tracking-number-long"),
        pytest.param(_without("callback"), "invalid_payload", id="no-callback"),
        pytest.param(_with(callback={"token_url": "http://x/o/token/"}), "invalid_payload", id="no-status-url"),
        pytest.param(_with(callback={"status_url": "http://x/s"}), "invalid_payload", id="no-token-url"),
        pytest.param(
            _with(callback={"status_url": "ftp://x/s", "token_url": "http://x/t"}), "invalid_payload", id="ftp-url"
        ),
        pytest.param(
            _with(callback={"status_url": "/relative", "token_url": "http://x/t"}), "invalid_payload", id="relative"
        ),
        pytest.param(
            _with(callback={"status_url": "http://[::1/s", "token_url": "http://x/t"}), "invalid_payload", id="bad-url"
        ),
        pytest.param(_with(form=["a"]), "invalid_payload", id="form-list"),
        pytest.param(_with(service="akta-kelahiran"), "invalid_payload", id="service-string"),
        pytest.param(_with(attachments={}), "invalid_payload", id="attachments-object"),
    ],
)
def test_a_signed_but_unusable_payload_is_422_and_not_stored(agency, platform, forward, edit, error):
    number = tracking_number()
    response = forward(edit(application(platform, number)))
    assert response.status_code == 422, response.text
    assert response.json()["error"] == error
    assert response.json()["message"]
    assert agency.cases(tracking_number=number) == []


def test_a_body_over_one_megabyte_is_413(agency, platform, forward):
    response = forward(application(platform, tracking_number(), form={"blob": "x" * 1_100_000}))
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"


def test_unknown_paths_and_methods_answer_json(agency):
    assert httpx.get(f"{agency.url}/nowhere").json()["error"] == "not_found"
    wrong = httpx.get(f"{agency.url}/webhooks/mpp")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


def test_a_redelivery_is_answered_with_the_same_case_and_processed_once(agency, platform, forward):
    number = tracking_number()
    payload = application(platform, number)
    first = forward(payload, webhook_id=f"msg_{number}")
    wait_until(lambda: platform.applied(number) == ["in_process", "approved"], what="both status updates")
    again = forward(payload, webhook_id=f"msg_{number}")
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json() == {"duplicate": True, "case_id": first.json()["case_id"]}
    assert len(agency.cases(tracking_number=number)) == 1
    assert [c.body["status"] for c in platform.calls(number)] == ["in_process", "approved"]


def test_ten_simultaneous_deliveries_of_one_webhook_make_one_case(agency_two_workers, platform):
    """Two server processes take the deliveries: they meet at the database's UNIQUE constraint."""
    agency = agency_two_workers
    number = tracking_number()
    body, headers = signed_webhook(SECRET, application(platform, number))
    start = threading.Barrier(10)

    def deliver(_: int) -> httpx.Response:
        with httpx.Client(timeout=30) as client:
            client.get(f"{agency.url}/healthz")  # connected before the barrier: the posts leave together
            start.wait()
            return client.post(f"{agency.url}/webhooks/mpp", content=body, headers=headers)

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(deliver, range(10)))
    assert sorted(r.status_code for r in responses) == [200] * 9 + [202]
    assert len({r.json()["case_id"] for r in responses}) == 1
    assert sum(r.json()["duplicate"] for r in responses) == 9
    wait_until(lambda: platform.applied(number) == ["in_process", "approved"], what="both status updates")
    # The simulator records an update as sent just after the platform answered it: wait for that too.
    wait_until(
        lambda: [u["attempts"] for u in agency.cases(tracking_number=number)[0]["status_updates"]] == [1, 1],
        what="both updates recorded as sent once",
    )
    assert len(platform.calls(number)) == 2


def test_the_same_application_under_a_new_webhook_id_is_a_new_case(agency, platform, forward):
    """Deduplication is by webhook id (the platform's retries keep it), not by content."""
    number = tracking_number()
    payload = application(platform, number)
    first, second = forward(payload), forward(payload)
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["case_id"] != second.json()["case_id"]
    assert len(agency.cases(tracking_number=number)) == 2
