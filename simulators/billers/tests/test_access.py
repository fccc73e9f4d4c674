"""Who may call what, and bad input of any kind answered as a JSON 4xx, never a 500: the API
key, the admin token, unknown routes and methods, and the admin's bills, clock and lists."""

from __future__ import annotations

import httpx
import pytest

from simulators.billers.app import create_app

from .conftest import CUSTOMER_TWO_MONTHS, NOP_THIS_YEAR, bill_path, fresh, inquire

API_CALLS = [
    ("GET", bill_path("pbb", NOP_THIS_YEAR)),
    ("GET", bill_path("pdam", CUSTOMER_TWO_MONTHS)),
    ("POST", "/api/pbb/v1/payments"),
    ("POST", "/api/pdam/v1/payments"),
]
ADMIN_CALLS = [
    ("GET", "/admin/pbb/objects"),
    ("GET", f"/admin/pdam/customers/{CUSTOMER_TWO_MONTHS}"),
    ("POST", f"/admin/pdam/customers/{CUSTOMER_TWO_MONTHS}/bills"),
    ("GET", "/admin/payments"),
    ("PUT", "/admin/clock"),
    ("GET", "/admin/faults"),
]


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "not-the-key-0123456789"}, {"X-Api-Key": ""}])
def test_without_the_api_key_every_api_call_is_401(billers, headers):
    for method, path in API_CALLS:
        response = httpx.request(method, billers.url + path, headers={**headers, "Idempotency-Key": "k"}, json={})
        assert response.status_code == 401 and response.json()["error"] == "unauthorized"


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_the_admin_endpoints_want_the_admin_token(billers, token):
    headers = {"X-Admin-Token": token} if token else {"X-Api-Key": billers.api_key}
    for method, path in ADMIN_CALLS:
        response = httpx.request(method, billers.url + path, headers=headers, json={})
        assert response.status_code == 401 and response.json()["error"] == "unauthorized"


def test_without_an_admin_token_the_admin_endpoints_are_off(tmp_path):
    app = create_app({"BILLERS_DB": str(tmp_path / "b.sqlite3"), "BILLERS_API_KEY": "k" * 16})
    response = app.test_client().get("/admin/faults", headers={"X-Admin-Token": ""})
    assert response.status_code == 403 and response.json["error"] == "admin_disabled"


def test_healthz_answers_without_a_key(billers):
    assert httpx.get(f"{billers.url}/healthz").json() == {"status": "ok"}


def test_unknown_routes_and_methods_are_json(api):
    assert api.get("/api/pbb/v1/objects").json()["error"] == "not_found"
    assert api.get(bill_path("pbb", "64.72/010")).status_code == 404
    wrong_method = api.delete(bill_path("pdam", CUSTOMER_TWO_MONTHS))
    assert wrong_method.status_code == 405 and wrong_method.json()["message"]


def test_the_lists_show_the_subjects_with_their_unpaid_periods(billers):
    objects = billers.subjects("pbb")
    assert len(objects) == 204 and len(billers.subjects("pdam")) == 204  # the demo's and 200 generated
    [this_year] = [o for o in objects if o["subject"] == NOP_THIS_YEAR]
    assert this_year["unpaid"] == ["2026"] and this_year["kecamatan"] == "Palaran"
    assert all(o["subject"].startswith("64.72.") for o in objects)
    window = httpx.get(
        f"{billers.url}/admin/pdam/customers",
        params={"limit": 2, "offset": 1},
        headers={"X-Admin-Token": billers.admin_token},
    ).json()["customers"]
    assert window == billers.subjects("pdam")[1:3]


def test_an_added_bill_is_answered_with_the_subject_and_refused_for_a_period_billed_before(billers, api):
    number = fresh(billers, "pbb")
    shown = billers.add_bill("pbb", number, period="2021", amount=150_000)
    assert {"period": "2021", "amount": 150_000, "paid_at": None, "receipt_no": None} in shown["bills"]
    assert inquire(api, "pbb", number)["items"][0]["period"] == "2021"
    again = httpx.post(
        f"{billers.url}/admin/pbb/objects/{number}/bills",
        json={"period": "2021", "amount": 1},
        headers={"X-Admin-Token": billers.admin_token},
    )
    assert again.status_code == 409 and again.json()["error"] == "already_billed"


@pytest.mark.parametrize(
    ("service", "number", "body", "status", "message"),
    [
        ("pbb", NOP_THIS_YEAR, {"period": "27", "amount": 1}, 422, "period must be a year YYYY"),
        ("pbb", NOP_THIS_YEAR, {"period": 2027, "amount": 1}, 422, "period must be a year YYYY"),
        ("pbb", NOP_THIS_YEAR, {"period": "2027", "amount": 0}, 422, "amount must be a whole number of rupiah"),
        ("pbb", NOP_THIS_YEAR, {"period": "2027", "amount": 1, "usage_m3": 3}, 422, "unknown fields: usage_m3"),
        ("pdam", CUSTOMER_TWO_MONTHS, {"period": "2026-13", "amount": 1, "usage_m3": 1}, 422, "period must be a month"),
        ("pdam", CUSTOMER_TWO_MONTHS, {"period": "2026-12", "amount": 1}, 422, "missing: usage_m3"),
        ("pdam", CUSTOMER_TWO_MONTHS, {"period": "2026-12", "amount": 1, "usage_m3": -1}, 422, "usage_m3 must be"),
        ("pdam", "9999999999", {"period": "2026-12", "amount": 1, "usage_m3": 1}, 404, "no customer 9999999999"),
        ("pdam", "99", {"period": "2026-12", "amount": 1, "usage_m3": 1}, 400, "10 digits"),
    ],
)
def test_a_bad_bill_is_refused_naming_the_problem(billers, service, number, body, status, message):
    collection = "objects" if service == "pbb" else "customers"
    response = httpx.post(
        f"{billers.url}/admin/{service}/{collection}/{number}/bills",
        json=body,
        headers={"X-Admin-Token": billers.admin_token},
    )
    assert response.status_code == status and message in response.json()["message"]


@pytest.mark.parametrize("body", [{"today": "2026-02-30"}, {"today": "2026-W49-7"}, {"today": 20261206}, {}, []])
def test_a_bad_date_for_the_clock_is_422(billers, body):
    response = httpx.put(f"{billers.url}/admin/clock", json=body, headers={"X-Admin-Token": billers.admin_token})
    assert response.status_code == 422 and response.json()["error"] == "invalid_body"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/admin/pbb/objects", {"limit": "0"}),
        ("/admin/pbb/objects", {"limit": "1001"}),
        ("/admin/pdam/customers", {"offset": "-1"}),
        ("/admin/payments", {"service": "pln"}),
        ("/admin/payments", {"limit": "many"}),
    ],
)
def test_a_bad_list_window_is_400(billers, path, query):
    response = httpx.get(billers.url + path, params=query, headers={"X-Admin-Token": billers.admin_token})
    assert response.status_code == 400 and response.json()["error"] == "invalid_query"
