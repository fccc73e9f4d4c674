"""The settlement file: GET /v1.0/settlements/<day>, signed, a CSV of the day's payments in WIB;
not before the day is over; and the admin adjustments that make it disagree with the platform."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date, datetime, timedelta

import httpx
import pytest

from simulators.paynet.snap import JAKARTA

from .conftest import billing_body, create, generate_qr, va_body

_weeks = itertools.count(0, 7)
COLUMNS = ["payment_request_id", "virtual_account_no", "trx_id", "channel", "amount", "paid_at", "reference_no", "ntpn"]


def settlement(client, day: date | str) -> httpx.Response:
    return client.call("GET", f"/v1.0/settlements/{day}")


def lines(client, day: date) -> list[dict[str, str]]:
    answer = settlement(client, day)
    assert answer.status_code == 200 and answer.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def day() -> date:
    """A day long past that no other test pays on (each test takes its own week)."""
    return date(2025, 1, 1) + timedelta(days=next(_weeks))


def paid_on(paynet, client, on: date, hour: int, body: dict, *, qr: bool = False) -> dict:
    data = create(client, body)
    at = datetime(on.year, on.month, on.day, hour, 30, tzinfo=JAKARTA).isoformat()
    if qr:
        return paynet.pay(qr_reference=generate_qr(client, data)["referenceNo"], paid_at=at)
    return paynet.pay(virtual_account_no=data["virtualAccountNo"], paid_at=at)


def test_the_file_lists_the_days_payments_in_the_order_they_were_paid(paynet, client, day):
    late = paid_on(paynet, client, day, 23, billing_body())
    early = paid_on(paynet, client, day, 0, va_body(), qr=True)
    paid_on(paynet, client, day + timedelta(days=1), 0, va_body())  # the next day in WIB
    assert lines(client, day) == [
        {
            "payment_request_id": early["paymentRequestId"],
            "virtual_account_no": early["virtualAccountNo"],
            "trx_id": early["trxId"],
            "channel": "qris",
            "amount": "30000",
            "paid_at": early["paidAt"],
            "reference_no": early["referenceNo"],
            "ntpn": "",
        },
        {
            "payment_request_id": late["paymentRequestId"],
            "virtual_account_no": late["virtualAccountNo"],
            "trx_id": late["trxId"],
            "channel": "va",
            "amount": "50000",
            "paid_at": late["paidAt"],
            "reference_no": late["referenceNo"],
            "ntpn": late["ntpn"],
        },
    ]


def test_the_day_is_the_day_in_jakarta(paynet, client, day):
    data = create(client, va_body())
    # 00:30 WITA on the next day is still 23:30 WIB on this one
    at = f"{day + timedelta(days=1)}T00:30:00+08:00"
    payment = paynet.pay(virtual_account_no=data["virtualAccountNo"], paid_at=at)
    assert [line["payment_request_id"] for line in lines(client, day)] == [payment["paymentRequestId"]]


def test_a_day_with_no_payments_is_the_header_only(client, day):
    assert lines(client, day) == []


def test_today_and_later_are_425_too_early(client):
    today = datetime.now(JAKARTA).date()
    for wanted in (today, today + timedelta(days=1)):
        answer = settlement(client, wanted)
        assert answer.status_code == 425
        assert answer.json() == {"responseCode": "4250000", "responseMessage": "Too Early"}


@pytest.mark.parametrize("wanted", ["2026-13-01", "yesterday", "2026-1-5"])
def test_a_malformed_day_is_400(client, wanted):
    answer = settlement(client, wanted)
    assert answer.status_code == 400 and answer.json()["responseCode"] == "4000001"


def test_the_file_wants_a_signed_call(client, day):
    answer = client.call("GET", f"/v1.0/settlements/{day}", secret="wrong")
    assert answer.status_code == 401 and answer.json()["responseCode"] == "4010000"


def test_adjustments_add_a_line_alter_an_amount_and_leave_one_out(paynet, client, day):
    altered = paid_on(paynet, client, day, 9, va_body())
    left_out = paid_on(paynet, client, day, 10, va_body())
    kept = paid_on(paynet, client, day, 11, va_body())
    paynet.adjust_settlement(kind="amount", paymentRequestId=altered["paymentRequestId"], amount=25000)
    paynet.adjust_settlement(kind="omit", paymentRequestId=left_out["paymentRequestId"])
    extra = paynet.adjust_settlement(
        kind="extra", date=str(day), amount=75000, trxId="TAG-UNKNOWN", virtualAccountNo="   880019999", channel="qris"
    )
    assert extra["paidAt"] == f"{day}T12:00:00+07:00" and extra["paymentRequestId"].startswith("XTRA")
    shown = lines(client, day)
    assert [(line["payment_request_id"], line["amount"]) for line in shown] == [
        (altered["paymentRequestId"], "25000"),
        (kept["paymentRequestId"], "30000"),
        (extra["paymentRequestId"], "75000"),
    ]
    assert shown[2]["trx_id"] == "TAG-UNKNOWN" and shown[2]["channel"] == "qris"
    paynet.adjust_settlement(kind="amount", paymentRequestId=altered["paymentRequestId"], amount=31000)  # replaces
    assert lines(client, day)[0]["amount"] == "31000"
    listed = paynet._admin("GET", "/admin/settlement-lines")["adjustments"]
    assert {"id", "kind", "date", "paymentRequestId"} <= set(listed[0])


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"kind": "refund"}, 422, "kind must be extra, amount or omit"),
        ({"kind": "amount", "paymentRequestId": "PN1"}, 422, "missing: amount"),
        ({"kind": "amount", "paymentRequestId": "PN1", "amount": -5}, 422, "amount must be a whole number"),
        ({"kind": "amount", "paymentRequestId": "PN-UNKNOWN", "amount": 5}, 404, "no payment PN-UNKNOWN"),
        ({"kind": "omit", "paymentRequestId": "PN1", "amount": 5}, 422, "unknown fields: amount"),
        ({"kind": "extra", "date": "2026-02-30", "amount": 5}, 422, "date must be a day"),
        ({"kind": "extra", "date": "2026-01-05", "amount": 5, "paidAt": "2026-01-06T10:00:00+07:00"}, 422, "fall on"),
        ({"kind": "extra", "date": "2026-01-05", "amount": 5, "channel": "cash"}, 422, "channel must be va or qris"),
    ],
)
def test_a_bad_adjustment_is_refused(paynet, body, status, message):
    answer = httpx.post(
        f"{paynet.url}/admin/settlement-lines", json=body, headers={"X-Admin-Token": paynet.admin_token}
    )
    assert answer.status_code == status and message in answer.json()["responseMessage"]
