"""Fault injection: failures of the SNAP API that store nothing, and the four notification
faults the platform must survive (duplicate, late, lost, wrong signature); the admin switch."""

from __future__ import annotations

import time

import httpx
import pytest

from simulators.paynet.app import create_app

from .conftest import CREATE_VA, HANG_SECONDS, create, finished, status_of, va_body

HEALTHY = {
    "latency_ms": 0,
    "error_rate": 0.0,
    "timeout_rate": 0.0,
    "duplicate_notification_rate": 0.0,
    "late_notification_ms": 0,
    "lost_notification_rate": 0.0,
    "wrong_signature_rate": 0.0,
}


# --- the SNAP API --------------------------------------------------------------------


def test_error_rate_one_answers_500_general_error_and_stores_nothing(faults, client):
    client.access_token()
    faults.set_faults(error_rate=1)
    body = va_body()
    answer = client.post(CREATE_VA, body)
    assert answer.status_code == 500
    assert answer.json() == {"responseCode": "5002700", "responseMessage": "General Error"}
    assert client.request_token().json()["responseCode"] == "5007300"
    assert httpx.get(f"{faults.url}/healthz").status_code == 200  # not /healthz
    assert httpx.get(f"{faults.url}/bank/").status_code == 200  # nor the bank page
    assert faults.payments() is not None  # nor /admin
    faults.clear_faults()
    assert create(client, body)["trxId"] == body["trxId"]  # nothing was stored: a new bill


def test_timeout_rate_one_hangs_then_504(faults, client):
    client.access_token()
    faults.set_faults(timeout_rate=1)
    started = time.monotonic()
    answer = client.post(CREATE_VA, va_body())
    assert answer.status_code == 504 and answer.json() == {"responseCode": "5042700", "responseMessage": "Timeout"}
    assert time.monotonic() - started >= HANG_SECONDS


def test_latency_delays_every_api_call(faults, client):
    client.access_token()
    faults.set_faults(latency_ms=300)
    started = time.monotonic()
    assert client.post(CREATE_VA, va_body()).status_code == 200
    assert time.monotonic() - started >= 0.3


# --- notifications -------------------------------------------------------------------


def test_a_duplicate_notification_comes_twice_at_once_under_two_external_ids_and_is_recorded_once(
    faults, client, platform
):
    faults.set_faults(duplicate_notification_rate=1)
    data = create(client, va_body())
    payment = faults.pay(virtual_account_no=data["virtualAccountNo"])
    calls = platform.wait_for(data["trxId"], lambda calls: len(calls) == 2)
    assert calls[0].body == calls[1].body and calls[0].headers["x-external-id"] != calls[1].headers["x-external-id"]
    assert abs(calls[0].at - calls[1].at) < 0.5 and all(c.answered == 200 for c in calls)
    assert platform.recorded(data["trxId"]) == payment["paymentRequestId"]
    shown = finished(faults, data["trxId"])
    assert shown["state"] == "sent" and shown["attempts"] == 1
    assert sorted(d["duplicate"] for d in shown["deliveries"]) == [False, True]


def test_a_late_notification_waits_before_its_first_attempt(faults, client, platform):
    faults.set_faults(late_notification_ms=800)
    data = create(client, va_body())
    paid = time.monotonic()
    faults.pay(virtual_account_no=data["virtualAccountNo"])
    [call] = platform.wait_for(data["trxId"], lambda calls: len(calls) == 1)
    assert call.at - paid >= 0.8


def test_a_lost_notification_is_never_sent_and_the_inquiry_finds_the_payment(faults, client, platform):
    faults.set_faults(lost_notification_rate=1)
    data = create(client, va_body())
    payment = faults.pay(virtual_account_no=data["virtualAccountNo"])
    assert payment["notification"] == "lost"
    time.sleep(0.5)
    assert platform.calls(data["trxId"]) == []
    [shown] = faults.notifications(trx_id=data["trxId"])
    assert shown["state"] == "lost" and shown["deliveries"] == []
    assert status_of(client, data)["paymentRequestId"] == payment["paymentRequestId"]


def test_a_wrong_signature_is_refused_by_the_platform_then_sent_correctly(faults, client, platform):
    faults.set_faults(wrong_signature_rate=1)
    data = create(client, va_body())
    faults.pay(virtual_account_no=data["virtualAccountNo"])
    calls = platform.wait_for(data["trxId"], lambda calls: len(calls) == 2)
    assert [(c.signature_valid, c.answered) for c in calls] == [(False, 401), (True, 200)]
    assert [c.data["flagAdvise"] for c in calls] == ["N", "Y"]
    shown = finished(faults, data["trxId"])
    assert [d["signature"] for d in shown["deliveries"]] == ["corrupted", "valid"] and shown["state"] == "sent"


# --- the switch ----------------------------------------------------------------------


def test_put_sets_exactly_the_faults_given_and_post_changes_some(faults):
    admin = {"X-Admin-Token": faults.admin_token}
    httpx.post(f"{faults.url}/admin/faults", json={"error_rate": 0.5}, headers=admin)
    changed = httpx.post(f"{faults.url}/admin/faults", json={"late_notification_ms": 10}, headers=admin).json()
    assert changed == {**HEALTHY, "error_rate": 0.5, "late_notification_ms": 10}
    replaced = httpx.put(f"{faults.url}/admin/faults", json={"lost_notification_rate": 1}, headers=admin).json()
    assert replaced == {**HEALTHY, "lost_notification_rate": 1.0}
    assert httpx.delete(f"{faults.url}/admin/faults", headers=admin).json() == HEALTHY


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 2}, {"wrong_signature_rate": "half"}, {"late_notification_ms": -1}, {"drop_rate": 0.1}, {}, []],
)
def test_bad_fault_settings_are_422_in_snap_form(faults, body):
    answer = httpx.put(f"{faults.url}/admin/faults", json=body, headers={"X-Admin-Token": faults.admin_token})
    assert answer.status_code == 422 and answer.json()["responseCode"] == "4220000"


def test_start_up_faults_come_from_the_environment(tmp_path, key_files):
    env = {
        "PAYNET_DB": str(tmp_path / "paynet.sqlite3"),
        "PAYNET_CLIENT_KEY": "client",
        "PAYNET_CLIENT_SECRET": "secret",
        "PAYNET_PLATFORM_PUBLIC_KEY_FILE": str(key_files.platform_public),
        "PAYNET_DUPLICATE_NOTIFICATION_RATE": "0.5",
        "PAYNET_LATE_NOTIFICATION_MS": "250",
    }
    app = create_app(env)
    expected = {**HEALTHY, "duplicate_notification_rate": 0.5, "late_notification_ms": 250}
    assert app.config["FAULT_DEFAULTS"].as_dict() == expected
    with pytest.raises(ValueError, match="PAYNET_WRONG_SIGNATURE_RATE must be a number from 0 to 1"):
        create_app({**env, "PAYNET_WRONG_SIGNATURE_RATE": "2"})
