"""Operators move reports through LAPOR!'s statuses; every move is an update with its seq, read
by polling. Moves outside the table are refused, and the admin endpoints want the token."""

from __future__ import annotations

import httpx
import pytest

from simulators.lapor.lifecycle import STATUSES, TRANSITIONS

from .conftest import file, report_body


@pytest.fixture
def lapor_id(api) -> str:
    return file(api, report_body()).json()["lapor_id"]


def test_the_transition_table_covers_every_status_and_nothing_returns_to_received():
    assert set(TRANSITIONS) == set(STATUSES)
    assert all(targets <= set(STATUSES) for targets in TRANSITIONS.values())
    assert not any("received" in targets for targets in TRANSITIONS.values())


def test_a_report_goes_through_its_whole_life_and_each_move_is_an_update(lapor, api, lapor_id):
    verified = lapor.move_status(lapor_id, "verified")
    handed = lapor.add_disposition(lapor_id, "Disdukcapil Kota Samarinda", "Mohon ditindaklanjuti.")
    followed = lapor.move_status(lapor_id, "in_followup", "Petugas sedang memeriksa.")
    done = lapor.move_status(lapor_id, "completed")
    archived = lapor.move_status(lapor_id, "archived")
    updates = [verified, handed, followed, done, archived]
    assert [u["type"] for u in updates] == ["report.status_changed", "report.disposition"] + [
        "report.status_changed"
    ] * 3
    assert [u["status"] for u in updates] == ["verified", "dispositioned", "in_followup", "completed", "archived"]
    assert [u["seq"] for u in updates] == sorted(u["seq"] for u in updates)
    assert len({u["id"] for u in updates}) == 5
    assert handed["agency"] == done["agency"] == "Disdukcapil Kota Samarinda"
    assert handed["note"] == "Mohon ditindaklanjuti." and verified["note"]  # a default note in Indonesian
    shown = api.get(f"/api/v1/reports/{lapor_id}").json()
    assert shown["status"] == "archived" and shown["updates"] == updates


@pytest.mark.parametrize(
    ("current", "moves", "target"),
    [
        ("received", [], "completed"),
        ("received", [], "in_followup"),
        ("verified", ["verified"], "verified"),
        ("archived", ["archived"], "verified"),
    ],
)
def test_a_move_its_status_does_not_allow_is_409_and_changes_nothing(lapor, api, lapor_id, current, moves, target):
    for status in moves:
        lapor.move_status(lapor_id, status)
    response = httpx.post(
        f"{lapor.url}/admin/reports/{lapor_id}/status",
        json={"status": target},
        headers={"X-Admin-Token": lapor.admin_token},
    )
    assert response.status_code == 409 and response.json()["error"] == "illegal_transition"
    assert f"cannot become {target}" in response.json()["message"]
    assert api.get(f"/api/v1/reports/{lapor_id}").json()["status"] == current


def test_a_disposition_needs_a_verified_report_and_may_be_handed_on(lapor, lapor_id):
    admin = {"X-Admin-Token": lapor.admin_token}
    early = httpx.post(f"{lapor.url}/admin/reports/{lapor_id}/dispositions", json={"agency": "Dinkes"}, headers=admin)
    assert early.status_code == 409
    lapor.move_status(lapor_id, "verified")
    lapor.add_disposition(lapor_id, "Dinas Kesehatan")
    assert lapor.add_disposition(lapor_id, "RSUD A. W. Sjahranie")["agency"] == "RSUD A. W. Sjahranie"


@pytest.mark.parametrize(
    ("endpoint", "body", "message"),
    [
        ("status", {"status": "closed"}, "status must be one of received"),
        ("status", {"status": "dispositioned"}, "a disposition names the agency"),
        ("status", {"status": "verified", "note": ""}, "note must be a non-empty string"),
        ("status", {"status": "verified", "extra": 1}, "unknown fields: extra"),
        ("dispositions", {"agency": ""}, "agency must be a non-empty string"),
        ("dispositions", {}, "missing: agency"),
    ],
)
def test_a_bad_move_is_422(lapor, lapor_id, endpoint, body, message):
    response = httpx.post(
        f"{lapor.url}/admin/reports/{lapor_id}/{endpoint}", json=body, headers={"X-Admin-Token": lapor.admin_token}
    )
    assert response.status_code == 422 and message in response.json()["message"]


def test_moving_an_unknown_report_is_404(lapor):
    response = httpx.post(
        f"{lapor.url}/admin/reports/LAPOR-1999-000001/status",
        json={"status": "verified"},
        headers={"X-Admin-Token": lapor.admin_token},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("token", "status"), [(None, 401), ("wrong-token", 401)])
def test_the_admin_endpoints_want_the_admin_token(lapor, lapor_id, token, status):
    headers = {"X-Admin-Token": token} if token else {}
    for method, path in [
        ("GET", "/admin/reports"),
        ("GET", "/admin/callbacks"),
        ("GET", "/admin/faults"),
        ("POST", f"/admin/reports/{lapor_id}/status"),
        ("POST", "/admin/reports"),
    ]:
        assert httpx.request(method, lapor.url + path, headers=headers, json={}).status_code == status


def test_a_report_filed_at_lapor_is_a_report_created_update_with_the_report(lapor, api):
    before = api.get("/api/v1/updates", params={"after": 0, "limit": 500}).json()["last"]
    report = lapor.file_at_lapor(anonymous=True, reporter=None, confidential=True)
    assert report["channel"] == "lapor" and report["reference"] is None and report["status"] == "received"
    polled = api.get("/api/v1/updates", params={"after": before}).json()
    [created] = [u for u in polled["updates"] if u["lapor_id"] == report["lapor_id"]]
    assert created["type"] == "report.created" and created["reference"] is None
    assert created["agency"] == "Mal Pelayanan Publik Kota Samarinda"
    assert created["report"] == {
        "title": report["title"],
        "content": report["content"],
        "category": "service_delay",
        "region_code": "64.72",
        "agency": "Mal Pelayanan Publik Kota Samarinda",
        "anonymous": True,
        "confidential": True,
        "reporter": None,
    }


def test_a_report_filed_at_lapor_needs_an_agency_and_takes_no_reference(lapor):
    admin = {"X-Admin-Token": lapor.admin_token}
    body = {k: v for k, v in report_body().items() if k not in ("reference", "agency")}
    assert httpx.post(f"{lapor.url}/admin/reports", json=body, headers=admin).json()["message"] == "missing: agency"
    response = httpx.post(f"{lapor.url}/admin/reports", json=report_body(), headers=admin)
    assert response.status_code == 422 and "unknown fields: reference" in response.json()["message"]


def test_polling_returns_the_updates_after_a_seq_in_order_a_page_at_a_time(lapor, api, lapor_id):
    start = api.get("/api/v1/updates", params={"after": 0, "limit": 500}).json()
    while start["updates"]:  # skip what other tests left
        start = api.get("/api/v1/updates", params={"after": start["last"], "limit": 500}).json()
    mark = start["last"]
    assert start == {"updates": [], "last": mark}  # nothing new: last stays where the caller is
    lapor.move_status(lapor_id, "verified")
    lapor.add_disposition(lapor_id, "Disdukcapil")
    lapor.move_status(lapor_id, "in_followup")
    first = api.get("/api/v1/updates", params={"after": mark, "limit": 2}).json()
    second = api.get("/api/v1/updates", params={"after": first["last"], "limit": 2}).json()
    updates = first["updates"] + second["updates"]
    assert [u["status"] for u in updates] == ["verified", "dispositioned", "in_followup"]
    assert [u["seq"] for u in updates] == list(range(mark + 1, mark + 4))
    assert second["last"] == mark + 3 and all(u["lapor_id"] == lapor_id for u in updates)
    assert set(updates[0]) == {"seq", "id", "type", "lapor_id", "reference", "status", "note", "agency", "at"}


@pytest.mark.parametrize("query", [{"after": "-1"}, {"after": "x"}, {"limit": "0"}, {"limit": "501"}])
def test_a_bad_polling_window_is_400(api, query):
    response = api.get("/api/v1/updates", params=query)
    assert response.status_code == 400 and response.json()["error"] == "invalid_query"
