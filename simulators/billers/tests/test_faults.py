"""Fault injection on /api: failures that record nothing, an answer lost after the payment
was recorded (the retry with the same key finds its receipt), latency, and the admin
switch's validation."""

from __future__ import annotations

import time

import httpx
import pytest

from simulators.billers.app import create_app

from .conftest import CUSTOMER_TWO_MONTHS, HANG_SECONDS, bill_path, confirmation, fresh, inquire, new_key, pay

HEALTHY = {"latency_ms": 0, "error_rate": 0.0, "timeout_rate": 0.0, "lost_answer_rate": 0.0}


def _paid(billers, bill_id: str) -> list[dict]:
    return [p for p in billers.payments() if p["bill_id"] == bill_id]


def test_error_rate_one_answers_503_and_records_nothing(billers, faults, api):
    bill = inquire(api, "pdam", fresh(billers, "pdam"))
    assert faults.set_faults(error_rate=1) == {**HEALTHY, "error_rate": 1.0}
    key = new_key()
    refused = pay(api, "pdam", confirmation(bill), key)
    assert refused.status_code == 503 and refused.json()["error"] == "unavailable"
    assert api.get(bill_path("pdam", CUSTOMER_TWO_MONTHS)).status_code == 503
    assert httpx.get(f"{billers.url}/healthz").status_code == 200  # faults apply to /api only
    assert _paid(billers, bill["bill_id"]) == []  # and not to /admin
    faults.clear_faults()
    assert pay(api, "pdam", confirmation(bill), key).status_code == 201


def test_timeout_rate_one_hangs_then_504_and_records_nothing(billers, faults, api):
    bill = inquire(api, "pbb", fresh(billers, "pbb"))
    faults.set_faults(timeout_rate=1)
    started = time.monotonic()
    response = pay(api, "pbb", confirmation(bill))
    assert response.status_code == 504 and response.json()["error"] == "timeout"
    assert time.monotonic() - started >= HANG_SECONDS
    assert _paid(billers, bill["bill_id"]) == []


def test_a_lost_answer_records_the_payment_and_the_retry_with_its_key_gets_the_receipt(billers, faults, api):
    bill = inquire(api, "pdam", fresh(billers, "pdam"))
    body, key = confirmation(bill), new_key()
    faults.set_faults(lost_answer_rate=1)
    with pytest.raises(httpx.ReadTimeout):  # the platform gives up before the biller answers
        api.post("/api/pdam/v1/payments", json=body, headers={"Idempotency-Key": key}, timeout=HANG_SECONDS / 4)
    [recorded] = _paid(billers, bill["bill_id"])
    # The fault is still on, but a replay records nothing, so it is answered normally.
    retried = pay(api, "pdam", body, key)
    assert retried.status_code == 200 and retried.json()["receipt_no"] == recorded["receipt_no"]
    assert len(_paid(billers, bill["bill_id"])) == 1


def test_a_lost_answer_that_is_waited_for_is_a_504(billers, faults, api):
    bill = inquire(api, "pbb", fresh(billers, "pbb"))
    faults.set_faults(lost_answer_rate=1)
    assert pay(api, "pbb", confirmation(bill)).status_code == 504
    assert len(_paid(billers, bill["bill_id"])) == 1


def test_latency_delays_every_api_call(faults, api):
    faults.set_faults(latency_ms=300)
    started = time.monotonic()
    assert api.get(bill_path("pdam", CUSTOMER_TWO_MONTHS)).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_put_sets_exactly_the_faults_given_post_changes_some_delete_resets(faults):
    admin = {"X-Admin-Token": faults.admin_token}
    httpx.post(f"{faults.url}/admin/faults", json={"error_rate": 0.5}, headers=admin)
    changed = httpx.post(f"{faults.url}/admin/faults", json={"latency_ms": 10}, headers=admin).json()
    assert changed == {**HEALTHY, "error_rate": 0.5, "latency_ms": 10}
    replaced = httpx.put(f"{faults.url}/admin/faults", json={"lost_answer_rate": 0.25}, headers=admin).json()
    assert replaced == {**HEALTHY, "lost_answer_rate": 0.25}
    assert httpx.delete(f"{faults.url}/admin/faults", headers=admin).json() == HEALTHY


@pytest.mark.parametrize(
    "body", [{"error_rate": 2}, {"lost_answer_rate": "half"}, {"latency_ms": -1}, {"x": 1}, {}, []]
)
def test_bad_fault_settings_are_422(faults, body):
    response = httpx.put(f"{faults.url}/admin/faults", json=body, headers={"X-Admin-Token": faults.admin_token})
    assert response.status_code == 422 and response.json()["error"] == "invalid_body"


def test_start_up_faults_come_from_the_environment(tmp_path):
    env = {"BILLERS_DB": str(tmp_path / "b.sqlite3"), "BILLERS_API_KEY": "k" * 16, "BILLERS_LOST_ANSWER_RATE": "0.5"}
    app = create_app(env)
    assert app.config["FAULT_DEFAULTS"].as_dict() == {**HEALTHY, "lost_answer_rate": 0.5}
    failing = create_app({**env, "BILLERS_ERROR_RATE": "1"}).test_client()
    assert failing.get("/api/pbb/v1/objects/x/bill").status_code == 503
    with pytest.raises(ValueError, match="BILLERS_LOST_ANSWER_RATE must be a number from 0 to 1"):
        create_app({**env, "BILLERS_LOST_ANSWER_RATE": "2"})
