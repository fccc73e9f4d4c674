"""Keys, quotas and the access log."""

from __future__ import annotations

import uuid

from .conftest import QUOTA, QUOTA_KEY

SITI = "6472035204900001"


def test_a_call_without_a_key_is_401_json(registry):
    with registry.client(key=None) as anonymous:
        response = anonymous.get(f"/api/v1/persons/{SITI}")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_an_unknown_key_is_401(registry):
    with registry.client(key="not-a-key-of-anyone-0123456789") as stranger:
        assert stranger.get(f"/api/v1/persons/{SITI}").status_code == 401
    with registry.client(key=None, Authorization="Basic dXNlcjpwYXNz") as basic:
        assert basic.get(f"/api/v1/persons/{SITI}").status_code == 401


def test_health_needs_no_key(registry):
    with registry.client(key=None) as anonymous:
        response = anonymous.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_calls_beyond_the_daily_quota_are_429_with_retry_after(registry):
    with registry.client(QUOTA_KEY) as small:
        statuses = [small.get(f"/api/v1/persons/{SITI}").status_code for _ in range(QUOTA)]
        refused = small.get(f"/api/v1/persons/{SITI}")
    assert statuses == [200] * QUOTA
    assert refused.status_code == 429
    assert refused.json()["error"] == "quota_exceeded"
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600 + 1


def test_every_call_is_logged_with_purpose_and_actor(registry):
    purpose = f"prefill-{uuid.uuid4()}"
    with registry.client(**{"X-Purpose": purpose, "X-Actor": "officer:alice"}) as api:
        api.get(f"/api/v1/persons/{SITI}")
        api.post("/api/v1/verify", json={"nik": SITI, "elements": {"name": "x"}})
        api.get("/api/v1/families/6472031803200001")
    rows = registry.query(
        "SELECT a.*, i.name AS institution FROM access_log a JOIN institutions i ON i.id = a.institution_id"
        " WHERE purpose = ? ORDER BY a.id",
        (purpose,),
    )
    assert [(r["method"], r["endpoint"], r["nik"], r["kk_number"], r["status"]) for r in rows] == [
        ("GET", "/api/v1/persons/<nik>", SITI, None, 200),
        ("POST", "/api/v1/verify", SITI, None, 200),
        ("GET", "/api/v1/families/<kk_number>", None, "6472031803200001", 200),
    ]
    assert {(r["institution"], r["actor"]) for r in rows} == {("MPP Digital", "officer:alice")}
    assert all(r["at"].endswith("+07:00") for r in rows)


def test_refused_calls_are_logged_too(registry):
    purpose = f"probe-{uuid.uuid4()}"
    with registry.client(key=None, **{"X-Purpose": purpose}) as anonymous:
        anonymous.get(f"/api/v1/persons/{SITI}")
    rows = registry.query("SELECT status, institution_id FROM access_log WHERE purpose = ?", (purpose,))
    assert [(r["status"], r["institution_id"]) for r in rows] == [(401, None)]
