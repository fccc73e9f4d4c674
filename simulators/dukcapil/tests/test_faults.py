"""Fault injection: environment defaults and the runtime switch, applied to /api/v1 only."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from simulators.dukcapil.app import create_app

from .conftest import HANG_SECONDS

SITI = "6472035204900001"


@pytest.fixture
def admin(registry) -> Iterator[httpx.Client]:
    with registry.admin() as client:
        yield client
        client.delete("/_sim/faults")  # back to the (fault-free) start-up settings


def test_error_rate_one_makes_every_api_call_503_until_switched_off(api, admin):
    switched = admin.post("/_sim/faults", json={"error_rate": 1.0})
    assert switched.status_code == 200
    assert switched.json() == {"latency_ms": 0, "error_rate": 1.0, "timeout_rate": 0.0}
    assert admin.get("/_sim/faults").json()["error_rate"] == 1.0

    # Two server workers: the switch lives in the database, so both apply it.
    responses = [api.get(f"/api/v1/persons/{SITI}") for _ in range(8)]
    assert {r.status_code for r in responses} == {503}
    assert responses[0].json()["error"] == "unavailable"
    assert api.get("/healthz").status_code == 200

    admin.post("/_sim/faults", json={"error_rate": 0})
    assert api.get(f"/api/v1/persons/{SITI}").status_code == 200


def test_half_the_calls_fail_at_error_rate_one_half(api, admin):
    admin.post("/_sim/faults", json={"error_rate": 0.5})
    statuses = [api.get(f"/api/v1/persons/{SITI}").status_code for _ in range(60)]
    assert set(statuses) == {200, 503}
    assert 10 <= statuses.count(503) <= 50


def test_latency_delays_api_calls(api, admin):
    admin.post("/_sim/faults", json={"latency_ms": 400})
    started = time.perf_counter()
    assert api.get(f"/api/v1/persons/{SITI}").status_code == 200
    assert time.perf_counter() - started >= 0.4


def test_a_timeout_hangs_past_the_client_timeout_then_answers_504(registry, admin):
    admin.post("/_sim/faults", json={"timeout_rate": 1})
    with registry.client() as api:
        api.timeout = httpx.Timeout(1.0)
        with pytest.raises(httpx.ReadTimeout):
            api.get(f"/api/v1/persons/{SITI}")
        api.timeout = httpx.Timeout(30.0)
        started = time.perf_counter()
        response = api.get(f"/api/v1/persons/{SITI}")
    assert response.status_code == 504 and response.json()["error"] == "upstream_timeout"
    assert time.perf_counter() - started >= HANG_SECONDS


def test_the_fault_switch_needs_the_admin_token(registry):
    with registry.client(key=None) as anonymous:
        assert anonymous.post("/_sim/faults", json={"error_rate": 1}).status_code == 401
    with registry.client(key=None, **{"X-Sim-Admin": "wrong"}) as wrong:
        assert wrong.get("/_sim/faults").status_code == 401


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 2}, {"error_rate": -0.1}, {"latency_ms": "slow"}, {"latency_ms": 1.5}, {"surprise": 1}, {}, []],
)
def test_bad_fault_settings_are_422(admin, body):
    response = admin.post("/_sim/faults", json=body)
    assert response.status_code == 422 and response.json()["error"] == "invalid_body"


def test_faults_from_the_environment_apply_from_the_start(tmp_path):
    app = create_app(str(tmp_path / "faulty.sqlite3"), environ={"DUKCAPIL_ERROR_RATE": "1"})
    client = app.test_client()
    response = client.get(f"/api/v1/persons/{SITI}")
    assert response.status_code == 503 and response.get_json()["error"] == "unavailable"
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    "environ",
    [{"DUKCAPIL_ERROR_RATE": "often"}, {"DUKCAPIL_TIMEOUT_RATE": "1.5"}, {"DUKCAPIL_LATENCY_MS": "-5"}],
)
def test_a_malformed_fault_setting_stops_start_up(tmp_path, environ):
    with pytest.raises(ValueError):
        create_app(str(tmp_path / "x.sqlite3"), environ=environ)
