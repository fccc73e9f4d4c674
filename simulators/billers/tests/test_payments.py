"""Payment confirmations: a receipt once per bill, the same receipt for a replay of its
Idempotency-Key (however often or concurrently sent), and a refusal that records nothing
for a reused key, a wrong amount, a stale, paid or unknown bill, or a malformed body."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .conftest import confirmation, fresh, inquire, new_key, pay


def _paid(billers, bill_id: str) -> list[dict]:
    return [p for p in billers.payments() if p["bill_id"] == bill_id]


@pytest.mark.parametrize(("service", "receipt"), [("pdam", r"KWT-2026-\d{6}"), ("pbb", r"NTPD-2026-\d{6}")])
def test_a_confirmed_payment_gets_a_receipt_and_settles_what_was_due(billers, api, service, receipt):
    number = fresh(billers, service)
    bill = inquire(api, service, number)
    body = confirmation(bill, channel="qris")
    response = pay(api, service, body)
    assert response.status_code == 201
    answer = response.json()
    assert re.fullmatch(receipt, answer["receipt_no"])
    assert answer == {
        "receipt_no": answer["receipt_no"],
        "bill_id": bill["bill_id"],
        "amount": bill["amount_due"],
        "paid_at": body["paid_at"],
        "status": "paid",
    }
    assert inquire(api, service, number)["amount_due"] == 0
    periods = {item["period"] for item in bill["items"]}
    paid = [b for b in billers.subject(service, number)["bills"] if b["period"] in periods]
    assert {b["receipt_no"] for b in paid} == {answer["receipt_no"]} and all(b["paid_at"] for b in paid)
    [recorded] = _paid(billers, bill["bill_id"])
    assert recorded["reference"] == body["reference"] and recorded["channel"] == "qris"
    assert recorded["items"] == bill["items"] and recorded["subject"] == number


def test_the_same_key_and_confirmation_answer_200_with_the_same_receipt(billers, api):
    bill, key = inquire(api, "pdam", fresh(billers, "pdam")), new_key()
    body = confirmation(bill)
    first = pay(api, "pdam", body, key)
    # The same confirmation, its keys in another order and paid_at written in UTC.
    again = pay(api, "pdam", {**dict(reversed(body.items())), "paid_at": "2026-12-06T02:15:00Z"}, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(_paid(billers, bill["bill_id"])) == 1


def test_the_same_key_with_another_confirmation_is_422_and_records_nothing(billers, api):
    paid_bill = inquire(api, "pdam", fresh(billers, "pdam"))
    other_number = fresh(billers, "pdam")
    other_bill, key = inquire(api, "pdam", other_number), new_key()
    assert pay(api, "pdam", confirmation(paid_bill), key).status_code == 201
    reused = pay(api, "pdam", confirmation(other_bill), key)
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_key_reused"
    assert paid_bill["bill_id"] in reused.json()["message"]
    assert inquire(api, "pdam", other_number)["amount_due"] == other_bill["amount_due"]


def test_a_wrong_amount_is_422_and_does_not_use_up_the_key(billers, api):
    bill, key = inquire(api, "pbb", fresh(billers, "pbb")), new_key()
    short = pay(api, "pbb", confirmation(bill, amount=bill["amount_due"] - 1), key)
    assert short.status_code == 422 and short.json()["error"] == "amount_mismatch"
    assert str(bill["amount_due"]) in short.json()["message"] and _paid(billers, bill["bill_id"]) == []
    assert pay(api, "pbb", confirmation(bill), key).status_code == 201


def test_a_bill_whose_dues_changed_is_409_and_the_fresh_one_pays(billers, api):
    number = fresh(billers, "pdam")
    stale = inquire(api, "pdam", number)
    billers.add_bill("pdam", number, period="2026-04", amount=77_000, usage_m3=12)
    refused = pay(api, "pdam", confirmation(stale))
    assert refused.status_code == 409 and refused.json()["error"] == "bill_changed"
    assert _paid(billers, stale["bill_id"]) == []
    current = inquire(api, "pdam", number)
    assert pay(api, "pdam", confirmation(current)).status_code == 201


def test_a_bill_whose_penalty_grew_is_409(billers, clock, api):
    bill = inquire(api, "pbb", fresh(billers, "pbb"))
    clock.set_today("2027-01-02")
    refused = pay(api, "pbb", confirmation(bill))
    assert refused.status_code == 409 and refused.json()["error"] == "bill_changed"


def test_a_bill_paid_under_another_key_is_409_already_paid(billers, api):
    bill = inquire(api, "pdam", fresh(billers, "pdam"))
    receipt = pay(api, "pdam", confirmation(bill)).json()["receipt_no"]
    again = pay(api, "pdam", confirmation(bill))
    assert again.status_code == 409 and again.json()["error"] == "already_paid"
    assert receipt in again.json()["message"]
    assert len(_paid(billers, bill["bill_id"])) == 1


def test_an_unknown_bill_or_one_of_the_other_back_end_is_404(billers, api):
    pbb_bill = inquire(api, "pbb", fresh(billers, "pbb"))
    unknown = pay(api, "pdam", confirmation(pbb_bill, bill_id="PDAM-1999-000001"))
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    assert pay(api, "pdam", confirmation(pbb_bill)).status_code == 404


def test_twenty_simultaneous_confirmations_with_one_key_record_one_payment(billers):
    with httpx.Client(base_url=billers.url, headers={"X-Api-Key": billers.api_key}) as client:
        bill = inquire(client, "pdam", fresh(billers, "pdam"))
    body, key, senders = confirmation(bill), new_key(), 20
    start = threading.Barrier(senders)

    def send(_: int) -> httpx.Response:
        with httpx.Client(base_url=billers.url, headers={"X-Api-Key": billers.api_key}, timeout=30) as client:
            start.wait(timeout=10)
            return pay(client, "pdam", body, key)

    with ThreadPoolExecutor(max_workers=senders) as pool:
        responses = list(pool.map(send, range(senders)))
    assert sorted(r.status_code for r in responses) == [200] * (senders - 1) + [201]
    assert len({r.json()["receipt_no"] for r in responses}) == 1
    assert len(_paid(billers, bill["bill_id"])) == 1


def test_simultaneous_confirmations_of_one_bill_under_different_keys_record_one(billers):
    with httpx.Client(base_url=billers.url, headers={"X-Api-Key": billers.api_key}) as client:
        bill = inquire(client, "pbb", fresh(billers, "pbb"))
    senders = 10
    start = threading.Barrier(senders)

    def send(_: int) -> httpx.Response:
        with httpx.Client(base_url=billers.url, headers={"X-Api-Key": billers.api_key}, timeout=30) as client:
            start.wait(timeout=10)
            return pay(client, "pbb", confirmation(bill))

    with ThreadPoolExecutor(max_workers=senders) as pool:
        responses = list(pool.map(send, range(senders)))
    assert sorted(r.status_code for r in responses) == [201] + [409] * (senders - 1)
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"already_paid"}
    assert len(_paid(billers, bill["bill_id"])) == 1


@pytest.mark.parametrize(("key", "code"), [(None, "missing_idempotency_key"), ("k" * 101, "invalid_idempotency_key")])
def test_a_confirmation_without_a_usable_idempotency_key_is_400(api, key, code):
    headers = {} if key is None else {"Idempotency-Key": key}
    response = api.post("/api/pdam/v1/payments", json={}, headers=headers)
    assert response.status_code == 400 and response.json()["error"] == code


_BILL = {"bill_id": "PDAM-2026-000001", "amount_due": 1000}


def _without(name: str) -> dict[str, object]:
    body = confirmation(_BILL)
    del body[name]
    return body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "the payment must be a JSON object"),
        (_without("bill_id"), "missing: bill_id"),
        (_without("paid_at"), "missing: paid_at"),
        (confirmation(_BILL, note="x"), "unknown fields: note"),
        (confirmation(_BILL, bill_id=""), "bill_id must be a non-empty string"),
        (confirmation(_BILL, bill_id=7), "bill_id must be a non-empty string"),
        (confirmation(_BILL, amount=0), "amount must be a whole number of rupiah"),
        (confirmation(_BILL, amount=1000.0), "amount must be a whole number of rupiah"),
        (confirmation(_BILL, amount="1000"), "amount must be a whole number of rupiah"),
        (confirmation(_BILL, amount=True), "amount must be a whole number of rupiah"),
        (confirmation(_BILL, amount=10**30), "amount must be a whole number of rupiah"),
        (confirmation(_BILL, paid_at="2026-12-06T10:15:00"), "paid_at must be an ISO 8601 date and time with"),
        (confirmation(_BILL, paid_at="2026-12-06"), "paid_at must be"),
        (confirmation(_BILL, paid_at="06/12/2026 10:15"), "paid_at must be"),
        (confirmation(_BILL, paid_at="0001-01-01T00:00:00+01:00"), "paid_at must be"),
        (confirmation(_BILL, paid_at=1796536800), "paid_at must be"),
        (confirmation(_BILL, reference=" "), "reference must be a non-empty string of at most 100"),
        (confirmation(_BILL, reference="r" * 101), "reference must be a non-empty string of at most 100"),
        (confirmation(_BILL, channel="transfer"), "channel must be one of va, qris, cash"),
        (confirmation(_BILL, channel=None), "channel must be one of"),
    ],
)
def test_a_malformed_confirmation_is_422_naming_the_field(api, body, message):
    response = pay(api, "pdam", body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_body" and message in response.json()["message"]


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"", 400, "malformed_json"),
        (b"\xff\xfe", 400, "malformed_json"),
        (b"[" * 15_000, 400, "malformed_json"),  # deeper than the JSON parser recurses
        (b"x" * 20_000, 413, "payload_too_large"),
    ],
)
def test_a_body_that_is_not_a_json_confirmation_is_4xx(api, content, status, code):
    response = api.post("/api/pbb/v1/payments", content=content, headers={"Idempotency-Key": new_key()})
    assert response.status_code == status and response.json()["error"] == code
