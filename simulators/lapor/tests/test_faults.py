"""Fault injection on /api/v1: failures that store nothing, an answer lost after the report
was stored (the retry with the same key finds it), latency, the admin switch's validation."""

from __future__ import annotations

import time

import httpx
import pytest

from simulators.lapor.app import create_app

from .conftest import HANG_SECONDS, file, new_key, report_body

HEALTHY = {
    "latency_ms": 0,
    "error_rate": 0.0,
    "timeout_rate": 0.0,
    "lost_answer_rate": 0.0,
    "duplicate_callback_rate": 0.0,
}


def test_error_rate_one_answers_503_and_stores_nothing(faults, api):
    assert faults.set_faults(error_rate=1) == {**HEALTHY, "error_rate": 1.0}
    body, key = report_body(), new_key()
    refused = file(api, body, key)
    assert refused.status_code == 503 and refused.json()["error"] == "unavailable"
    assert api.get("/api/v1/updates").status_code == 503
    assert httpx.get(f"{faults.url}/healthz").status_code == 200  # faults apply to /api/v1 only
    assert faults.reports(reference=body["reference"]) == []  # and not to /admin
    faults.clear_faults()
    assert file(api, body, key).status_code == 201


def test_timeout_rate_one_hangs_then_504_and_stores_nothing(faults, api):
    faults.set_faults(timeout_rate=1)
    body = report_body()
    started = time.monotonic()
    response = file(api, body)
    assert response.status_code == 504 and time.monotonic() - started >= HANG_SECONDS
    assert faults.reports(reference=body["reference"]) == []


def test_a_lost_answer_stores_the_report_and_the_retry_with_its_key_finds_it(faults, api):
    faults.set_faults(lost_answer_rate=1)
    body, key = report_body(), new_key()
    with pytest.raises(httpx.ReadTimeout):  # the platform gives up before LAPOR! answers
        api.post("/api/v1/reports", json=body, headers={"Idempotency-Key": key}, timeout=HANG_SECONDS / 4)
    [stored] = faults.reports(reference=body["reference"])
    # The fault is still on, but a replay creates nothing, so it is answered normally.
    retried = file(api, body, key)
    assert retried.status_code == 200 and retried.json()["lapor_id"] == stored["lapor_id"]
    assert len(faults.reports(reference=body["reference"])) == 1


def test_a_lost_answer_that_is_waited_for_is_a_504(faults, api):
    faults.set_faults(lost_answer_rate=1)
    body = report_body()
    assert file(api, body).status_code == 504
    assert len(faults.reports(reference=body["reference"])) == 1


def test_latency_delays_every_api_call(faults, api):
    faults.set_faults(latency_ms=300)
    started = time.monotonic()
    assert api.get("/api/v1/updates").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_put_sets_exactly_the_faults_given_and_post_changes_some(faults):
    admin = {"X-Admin-Token": faults.admin_token}
    httpx.post(f"{faults.url}/admin/faults", json={"error_rate": 0.5}, headers=admin)
    changed = httpx.post(f"{faults.url}/admin/faults", json={"latency_ms": 10}, headers=admin).json()
    assert changed == {**HEALTHY, "error_rate": 0.5, "latency_ms": 10}
    replaced = httpx.put(f"{faults.url}/admin/faults", json={"duplicate_callback_rate": 1}, headers=admin).json()
    assert replaced == {**HEALTHY, "duplicate_callback_rate": 1.0}
    assert httpx.delete(f"{faults.url}/admin/faults", headers=admin).json() == HEALTHY


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 2}, {"lost_answer_rate": "half"}, {"latency_ms": -1}, {"drop_rate": 0.1}, {}, []],
)
def test_bad_fault_settings_are_422(faults, body):
    response = httpx.put(f"{faults.url}/admin/faults", json=body, headers={"X-Admin-Token": faults.admin_token})
    assert response.status_code == 422 and response.json()["error"] == "invalid_body"


def test_start_up_faults_come_from_the_environment(tmp_path):
    env = {
        "LAPOR_DB": str(tmp_path / "lapor.sqlite3"),
        "LAPOR_API_KEY": "k" * 16,
        "LAPOR_LOST_ANSWER_RATE": "0.5",
        "LAPOR_DUPLICATE_CALLBACK_RATE": "1",
    }
    app = create_app(env)
    assert app.config["FAULT_DEFAULTS"].as_dict() == {**HEALTHY, "lost_answer_rate": 0.5, "duplicate_callback_rate": 1}
    with pytest.raises(ValueError, match="LAPOR_LOST_ANSWER_RATE must be a number from 0 to 1"):
        create_app({**env, "LAPOR_LOST_ANSWER_RATE": "2"})
