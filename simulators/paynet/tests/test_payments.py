"""Paying a bill on /admin/pay: once per bill, never after its expiry, however many server
workers are asked at once; payments are listed on /admin/payments."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .conftest import billing_body, create, later, status_of, va_body


def pay(paynet, body: dict) -> httpx.Response:
    return httpx.post(f"{paynet.url}/admin/pay", json=body, headers={"X-Admin-Token": paynet.admin_token}, timeout=30)


def test_a_payment_is_recorded_with_its_ids_and_listed(paynet, client):
    data = create(client, va_body())
    payment = paynet.pay(virtual_account_no=data["virtualAccountNo"])
    assert payment["trxId"] == data["trxId"] and payment["amount"] == 30000 and payment["channel"] == "va"
    assert payment["paymentRequestId"].startswith("PN") and payment["referenceNo"]
    assert payment["kind"] == "va" and payment["ntpn"] is None and payment["notification"] == "pending"
    assert paynet.payments(trx_id=data["trxId"])[0]["paymentRequestId"] == payment["paymentRequestId"]


def test_a_pnbp_payment_gets_a_16_character_ntpn_and_an_ntb(paynet, client):
    data = create(client, billing_body())
    payment = paynet.pay(virtual_account_no=data["virtualAccountNo"])
    assert len(payment["ntpn"]) == 16 and payment["ntpn"].isalnum() and payment["ntpn"].upper() == payment["ntpn"]
    assert payment["ntb"] and payment["kind"] == "billing" and payment["amount"] == 50000


def test_a_payment_may_be_backdated(paynet, client):
    data = create(client, va_body())
    payment = paynet.pay(virtual_account_no=data["virtualAccountNo"], paid_at="2026-01-05T09:30:00+08:00")
    assert payment["paidAt"] == "2026-01-05T08:30:00+07:00"
    assert status_of(client, data)["trxDateTime"] == "2026-01-05T08:30:00+07:00"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"virtualAccountNo": "   889999999999999"}, 404, "4040012"),
        ({"qrReference": "QR-UNKNOWN"}, 404, "4040012"),
        ({}, 422, "4220000"),
        ({"virtualAccountNo": "1", "qrReference": "2"}, 422, "4220000"),
        ({"virtualAccountNo": "1", "paidAt": "today"}, 422, "4220000"),
        ({"virtualAccountNo": "1", "amount": 1}, 422, "4220000"),
    ],
)
def test_a_payment_of_nothing_known_or_a_bad_body_is_refused(paynet, body, status, code):
    answer = pay(paynet, body)
    assert answer.status_code == status and answer.json()["responseCode"] == code


def test_a_second_payment_of_a_bill_is_refused_as_paid(paynet, client):
    data = create(client, va_body())
    paynet.pay(virtual_account_no=data["virtualAccountNo"])
    again = pay(paynet, {"virtualAccountNo": data["virtualAccountNo"]})
    assert again.status_code == 404 and again.json()["responseMessage"] == "Paid Bill"
    assert len(paynet.payments(trx_id=data["trxId"])) == 1


def test_a_payment_after_the_expiry_is_refused(paynet, client):
    data = create(client, va_body(expiredDate=later(minutes=-1)))
    answer = pay(paynet, {"virtualAccountNo": data["virtualAccountNo"]})
    assert answer.status_code == 404 and answer.json() == {"responseCode": "4040019", "responseMessage": "Bill expired"}


def test_the_admin_endpoints_want_the_admin_token(paynet):
    for method, path in [
        ("POST", "/admin/pay"),
        ("GET", "/admin/payments"),
        ("GET", "/admin/notifications"),
        ("GET", "/admin/faults"),
        ("POST", "/admin/settlement-lines"),
    ]:
        for headers in ({}, {"X-Admin-Token": "wrong"}):
            answer = httpx.request(method, paynet.url + path, headers=headers, json={})
            assert answer.status_code == 401 and answer.json()["responseCode"] == "4010000"


def test_simultaneous_payments_on_two_workers_pay_a_bill_once(paynet_two_workers):
    client = paynet_two_workers.snap_client()
    data = create(client, va_body())
    senders = 12
    start = threading.Barrier(senders)

    def send(_: int) -> httpx.Response:
        start.wait(timeout=10)
        return pay(paynet_two_workers, {"virtualAccountNo": data["virtualAccountNo"]})

    with ThreadPoolExecutor(max_workers=senders) as pool:
        answers = list(pool.map(send, range(senders)))
    assert sorted(a.status_code for a in answers) == [201] + [404] * (senders - 1)
    assert {a.json()["responseMessage"] for a in answers if a.status_code == 404} == {"Paid Bill"}
    assert len(paynet_two_workers.payments(trx_id=data["trxId"])) == 1


def test_simultaneous_creations_on_two_workers_make_one_bill(paynet_two_workers):
    client, body, senders = paynet_two_workers.snap_client(), va_body(), 8
    client.access_token()
    start = threading.Barrier(senders)

    def send(_: int) -> httpx.Response:
        start.wait(timeout=10)
        return client.post("/v1.0/transfer-va/create-va", body)

    with ThreadPoolExecutor(max_workers=senders) as pool:
        answers = list(pool.map(send, range(senders)))
    assert {a.status_code for a in answers} == {200} and len({a.text for a in answers}) == 1


def test_without_a_platform_url_nothing_is_notified_and_the_inquiry_finds_the_payment(paynet_two_workers):
    client = paynet_two_workers.snap_client()
    data = create(client, va_body())
    payment = paynet_two_workers.pay(virtual_account_no=data["virtualAccountNo"])
    assert payment["notification"] is None and paynet_two_workers.notifications(trx_id=data["trxId"]) == []
    assert status_of(client, data)["paymentRequestId"] == payment["paymentRequestId"]
