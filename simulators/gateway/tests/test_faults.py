"""Fault injection over HTTP: refusals and hangs store nothing, a connection dropped after
the accept stores the message and the retry finds it, latency, seeded draws, and the
settings' validation."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from simulators.gateway.app import create_app

from .conftest import HANG_SECONDS, new_key, number, send, sms

HEALTHY = {"latency_ms": 0, "error_rate": 0.0, "timeout_rate": 0.0, "drop_after_accept_rate": 0.0, "seed": None}


@pytest.fixture
def faults(gateway) -> Iterator[None]:
    yield
    gateway.clear_faults()


def test_error_rate_one_answers_503_and_stores_nothing(gateway, api, faults):
    assert gateway.set_faults(error_rate=1) == {**HEALTHY, "error_rate": 1.0}
    to, key = number(), new_key()
    refused = send(api, sms(to), key)
    assert refused.status_code == 503
    assert refused.json()["error"] == "unavailable" and "nothing was stored" in refused.json()["message"]
    assert httpx.get(f"{gateway.url}/healthz").status_code == 200  # faults apply to /v1 only
    assert gateway.messages(to=to) == []

    assert gateway.clear_faults() == HEALTHY
    retried = send(api, sms(to), key)
    assert retried.status_code == 202 and retried.json()["duplicate"] is False
    assert len(gateway.messages(to=to)) == 1


def test_a_connection_dropped_after_the_accept_stores_the_message_and_the_retry_is_a_duplicate(gateway, api, faults):
    gateway.set_faults(drop_after_accept_rate=1)
    body, key = sms(), new_key()
    with pytest.raises(httpx.TransportError):
        send(api, body, key)
    (stored,) = gateway.messages(to=body["to"])

    # The fault is still on: a duplicate stores nothing new, so it is answered normally.
    retried = send(api, body, key)
    assert retried.status_code == 200
    assert retried.json()["duplicate"] is True and retried.json()["id"] == stored["id"]
    assert [m["id"] for m in gateway.messages(to=body["to"])] == [stored["id"]]


def test_a_timeout_hangs_past_the_client_timeout_then_answers_504_storing_nothing(gateway, api, faults):
    gateway.set_faults(timeout_rate=1)
    to = number()
    with pytest.raises(httpx.ReadTimeout):
        api.post("/v1/messages", json=sms(to), headers={"Idempotency-Key": new_key()}, timeout=0.5)
    started = time.perf_counter()
    answered = send(api, sms(to))
    assert answered.status_code == 504 and answered.json()["error"] == "timeout"
    assert time.perf_counter() - started >= HANG_SECONDS
    assert gateway.messages(to=to) == []


def test_latency_delays_api_calls(gateway, api, faults):
    gateway.set_faults(latency_ms=400)
    started = time.perf_counter()
    assert send(api, sms()).status_code == 202
    assert time.perf_counter() - started >= 0.4


def test_a_seed_makes_the_draws_repeatable(gateway, api, faults):
    def statuses() -> list[int]:
        gateway.set_faults(error_rate=0.5, seed=2026)
        return [send(api, sms()).status_code for _ in range(16)]

    first = statuses()
    assert set(first) == {202, 503}
    assert statuses() == first


def test_the_faults_can_be_read_changed_in_part_and_reset(gateway, faults):
    admin = {"X-Admin-Token": gateway.admin_token}
    assert httpx.get(f"{gateway.url}/admin/faults", headers=admin).json() == HEALTHY
    httpx.post(f"{gateway.url}/admin/faults", json={"latency_ms": 5}, headers=admin)
    partly = httpx.post(f"{gateway.url}/admin/faults", json={"seed": 9}, headers=admin).json()
    assert partly == {**HEALTHY, "latency_ms": 5, "seed": 9}
    assert httpx.delete(f"{gateway.url}/admin/faults", headers=admin).json() == HEALTHY


@pytest.mark.parametrize(
    "body",
    [
        {"drop_after_accept_rate": 1.5},
        {"error_rate": -0.1},
        {"timeout_rate": "often"},
        {"latency_ms": 1.5},
        {"seed": "x"},
        {"seed": True},
        {"surprise": 1},
        {},
        [],
    ],
)
def test_bad_fault_settings_are_422(gateway, body):
    response = httpx.post(f"{gateway.url}/admin/faults", json=body, headers={"X-Admin-Token": gateway.admin_token})
    assert response.status_code == 422 and response.json()["error"] == "invalid_body"


def test_faults_from_the_environment_apply_from_the_start(tmp_path):
    app = create_app(str(tmp_path / "g.sqlite3"), environ={"GATEWAY_ADMIN_TOKEN": "t", "GATEWAY_ERROR_RATE": "1"})
    response = app.test_client().post("/v1/messages", json=sms(), headers={"Idempotency-Key": "k"})
    assert response.status_code == 503


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"GATEWAY_ADMIN_TOKEN": "t", "GATEWAY_ERROR_RATE": "often"},
        {"GATEWAY_ADMIN_TOKEN": "t", "GATEWAY_HANG_SECONDS": "0"},
        {"GATEWAY_ADMIN_TOKEN": "t", "GATEWAY_DELIVERY_DELAY": "-1"},
        {"GATEWAY_ADMIN_TOKEN": "t", "GATEWAY_DELIVERY_DELAY": "nan"},
        {"GATEWAY_ADMIN_TOKEN": "t", "GATEWAY_DELIVERY_DELAY": "soon"},
    ],
)
def test_a_missing_token_or_malformed_setting_stops_start_up(tmp_path, environ):
    with pytest.raises(ValueError):
        create_app(str(tmp_path / "g.sqlite3"), environ=environ)
