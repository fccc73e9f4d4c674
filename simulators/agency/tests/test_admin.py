"""The admin endpoints: cases for tests and demos, and fault injection on the webhook."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from simulators.agency.testing import DEFAULT_ADMIN_TOKEN, signed_webhook

from .conftest import HANG_SECONDS, SECRET, application, tracking_number


@pytest.fixture
def admin(agency) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=agency.url, headers={"X-Admin-Token": DEFAULT_ADMIN_TOKEN}, timeout=30) as client:
        yield client
        client.delete("/admin/faults")  # back to the (fault-free) start-up settings


@pytest.mark.parametrize("path", ["/cases", "/cases/SIAK-2026-000001", "/admin/faults"])
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_the_admin_endpoints_need_the_admin_token(agency, path, token):
    headers = {"X-Admin-Token": token} if token else {}
    response = httpx.get(f"{agency.url}{path}", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "message": "send X-Admin-Token: <AGENCY_ADMIN_TOKEN>"}


def test_an_unknown_case_is_404(admin):
    response = admin.get("/cases/SIAK-1999-999999")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_health_needs_no_token_and_ignores_faults(agency, admin):
    admin.post("/admin/faults", json={"error_rate": 1})
    response = httpx.get(f"{agency.url}/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_error_rate_refuses_deliveries_with_503_without_storing_them(agency, platform, forward, admin):
    agency.set_faults(error_rate=1)
    assert admin.get("/admin/faults").json() == {"latency_ms": 0, "error_rate": 1.0, "timeout_rate": 0.0}
    number = tracking_number()
    payload = application(platform, number)
    refused = forward(payload, webhook_id=f"msg_{number}")
    assert refused.status_code == 503
    assert refused.json()["error"] == "unavailable" and refused.headers["Retry-After"] == "5"
    assert agency.cases(tracking_number=number) == []

    agency.set_faults()
    retried = forward(payload, webhook_id=f"msg_{number}")  # the platform's retry keeps the webhook id
    assert retried.status_code == 202 and retried.json()["duplicate"] is False


def test_a_timeout_stores_the_case_but_answers_too_late(agency, platform, admin):
    """The platform gives up on a delivery that did arrive: its retry must be a duplicate."""
    admin.post("/admin/faults", json={"timeout_rate": 1})
    number = tracking_number()
    body, headers = signed_webhook(SECRET, application(platform, number))
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{agency.url}/webhooks/mpp", content=body, headers=headers, timeout=0.3)
    started = time.perf_counter()
    late = httpx.post(f"{agency.url}/webhooks/mpp", content=body, headers=headers, timeout=30)
    assert late.status_code == 504 and late.json()["error"] == "timeout"
    assert time.perf_counter() - started >= HANG_SECONDS

    admin.delete("/admin/faults")
    retried = httpx.post(f"{agency.url}/webhooks/mpp", content=body, headers=headers, timeout=30)
    assert retried.status_code == 200 and retried.json()["duplicate"] is True
    [case] = agency.cases(tracking_number=number)
    assert case["case_id"] == retried.json()["case_id"]


def test_latency_delays_the_answer(platform, forward, admin):
    admin.post("/admin/faults", json={"latency_ms": 400})
    started = time.perf_counter()
    assert forward(application(platform, tracking_number())).status_code == 202
    assert time.perf_counter() - started >= 0.4


@pytest.mark.parametrize(
    "body", [{"error_rate": 2}, {"error_rate": -0.1}, {"latency_ms": "slow"}, {"timeout_rate": True}, {"x": 1}, {}, []]
)
def test_bad_fault_settings_are_422(admin, body):
    response = admin.post("/admin/faults", json=body)
    assert response.status_code == 422 and response.json()["error"] == "invalid_body"


def test_a_case_view_lists_its_status_updates(agency, platform, forward, admin):
    number = tracking_number()
    case_id = forward(application(platform, number)).json()["case_id"]
    case = admin.get(f"/cases/{case_id}").json()
    assert set(case) == {
        "case_id",
        "webhook_id",
        "tracking_number",
        "state",
        "decision",
        "external_reference",
        "received_at",
        "process_at",
        "decided_at",
        "application",
        "status_updates",
    }
    assert case["tracking_number"] == number
    assert case["application"]["callback"]["status_url"] == platform.status_url(number)
