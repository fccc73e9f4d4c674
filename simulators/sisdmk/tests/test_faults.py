"""Fault injection over HTTP through the shared kernel: errors, hangs, latency, the admin guard."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from simulators.sisdmk.app import create_app
from simulators.sisdmk.demo_workers import DEWI_LESTARI

from .conftest import HANG_SECONDS

HEALTHY = {"latency_ms": 0, "error_rate": 0.0, "timeout_rate": 0.0}


@pytest.fixture
def faults(sisdmk) -> Iterator[None]:
    yield
    sisdmk.clear_faults()


def test_error_rate_one_answers_503_until_cleared(sisdmk, api, faults):
    assert sisdmk.set_faults(error_rate=1) == {**HEALTHY, "error_rate": 1.0}
    refused = api.get(f"/v1/health-workers/{DEWI_LESTARI}")
    assert refused.status_code == 503 and refused.json()["error"] == "unavailable"
    assert httpx.get(f"{sisdmk.url}/healthz").status_code == 200  # faults apply to /v1 only
    assert sisdmk.clear_faults() == HEALTHY
    assert api.get(f"/v1/health-workers/{DEWI_LESTARI}").status_code == 200


def test_a_timeout_hangs_past_the_client_timeout_then_answers_504(sisdmk, api, faults):
    sisdmk.set_faults(timeout_rate=1)
    with pytest.raises(httpx.ReadTimeout):
        api.get(f"/v1/health-workers/{DEWI_LESTARI}", timeout=0.5)
    started = time.perf_counter()
    answered = api.get(f"/v1/health-workers/{DEWI_LESTARI}")
    assert answered.status_code == 504 and answered.json()["error"] == "timeout"
    assert time.perf_counter() - started >= HANG_SECONDS


def test_latency_delays_api_calls(sisdmk, api, faults):
    sisdmk.set_faults(latency_ms=400)
    started = time.perf_counter()
    assert api.get("/v1/str/2164230990000001").status_code == 200
    assert time.perf_counter() - started >= 0.4


def test_the_admin_endpoint_needs_the_token_and_refuses_bad_settings(sisdmk, faults):
    url = f"{sisdmk.url}/admin/faults"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"X-Admin-Token": "wrong"}).status_code == 401
    bad = httpx.post(url, json={"error_rate": 2}, headers={"X-Admin-Token": sisdmk.admin_token})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_body"


def test_without_an_admin_token_the_admin_endpoint_is_off(tmp_path):
    client = create_app(str(tmp_path / "s.sqlite3"), environ={}).test_client()
    assert client.get("/admin/faults", headers={"X-Admin-Token": ""}).status_code == 403


def test_faults_from_the_environment_apply_from_the_start(tmp_path):
    app = create_app(str(tmp_path / "s.sqlite3"), environ={"SISDMK_ERROR_RATE": "1"})
    assert app.test_client().get(f"/v1/health-workers/{DEWI_LESTARI}").status_code == 503


@pytest.mark.parametrize("environ", [{"SISDMK_ERROR_RATE": "often"}, {"SISDMK_HANG_SECONDS": "0"}])
def test_a_malformed_setting_stops_start_up(tmp_path, environ):
    with pytest.raises(ValueError):
        create_app(str(tmp_path / "s.sqlite3"), environ=environ)
