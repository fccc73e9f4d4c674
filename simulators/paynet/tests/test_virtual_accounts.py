"""Creating a retribusi VA or a PNBP billing code, and the inquiry of its status: the contract's
shapes, strict fields and amounts, one bill per trxId and per VA number."""

from __future__ import annotations

import pytest

from .conftest import CREATE_VA, STATUS, billing_body, create, later, status_of, va_body


def test_a_va_is_created_and_answered_with_the_fields_as_sent(client):
    body = va_body()
    answer = client.post(CREATE_VA, body)
    assert answer.status_code == 200
    assert answer.json() == {"responseCode": "2002700", "responseMessage": "Successful", "virtualAccountData": body}


def test_the_same_trx_id_again_answers_the_same_va(client):
    body = va_body()
    first = create(client, body)
    assert create(client, body) == first
    assert create(client, {**body, "virtualAccountName": "NAMA LAIN"}) == first


def test_a_va_number_of_another_bill_is_409_duplicate(client):
    taken = va_body()
    create(client, taken)
    answer = client.post(CREATE_VA, va_body(customerNo=taken["customerNo"], virtualAccountNo=taken["virtualAccountNo"]))
    assert answer.status_code == 409
    assert answer.json() == {"responseCode": "4092701", "responseMessage": "Duplicate VA Number"}


def test_a_pnbp_bill_gets_a_15_digit_billing_code_as_its_number(client):
    body = billing_body()
    data = create(client, body)
    code = data["virtualAccountNo"]
    assert len(code) == 15 and code.isdigit()
    assert data["customerNo"] == code and data["partnerServiceId"] == " " * 8
    assert data["trxId"] == body["trxId"] and data["totalAmount"] == {"value": "50000.00", "currency": "IDR"}
    assert data["additionalInfo"]["kind"] == "billing"
    assert create(client, body)["virtualAccountNo"] == code  # the same trxId: the same code
    assert create(client, billing_body())["virtualAccountNo"] != code


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        (
            {"totalAmount": {"value": "30000.50", "currency": "IDR"}},
            "4002701",
            "Invalid Field Format totalAmount.value",
        ),
        ({"totalAmount": {"value": "-30000.00", "currency": "IDR"}}, "4002701", "totalAmount.value"),
        ({"totalAmount": {"value": "30000", "currency": "IDR"}}, "4002701", "totalAmount.value"),
        ({"totalAmount": {"value": 30000, "currency": "IDR"}}, "4002701", "totalAmount.value"),
        ({"totalAmount": {"value": "0.00", "currency": "IDR"}}, "4002701", "totalAmount.value"),
        ({"totalAmount": {"value": "30000.00", "currency": "USD"}}, "4002701", "totalAmount.currency"),
        ({"totalAmount": {"value": "30000.00"}}, "4002702", "Invalid Mandatory Field totalAmount.currency"),
        ({"totalAmount": None}, "4002702", "Invalid Mandatory Field totalAmount"),
        ({"trxId": ""}, "4002702", "Invalid Mandatory Field trxId"),
        ({"trxId": "x" * 65}, "4002701", "trxId"),
        ({"virtualAccountName": None}, "4002702", "virtualAccountName"),
        ({"virtualAccountTrxType": "O"}, "4002701", "virtualAccountTrxType"),
        ({"expiredDate": "2026-12-08"}, "4002701", "expiredDate"),
        ({"expiredDate": "2026-12-08T23:59:59"}, "4002701", "expiredDate"),
        ({"partnerServiceId": "   99999"}, "4002701", "partnerServiceId"),
        ({"partnerServiceId": "88001"}, "4002701", "partnerServiceId"),
        ({"customerNo": "64-72"}, "4002701", "customerNo"),
        ({"virtualAccountNo": "880016472000000000001"}, "4002701", "virtualAccountNo"),
        ({"additionalInfo": {"kind": "other"}}, "4002701", "additionalInfo.kind"),
        ({"additionalInfo": "va"}, "4002701", "additionalInfo"),
    ],
)
def test_a_bad_field_is_400_naming_it(client, fields, code, message):
    answer = client.post(CREATE_VA, va_body(**fields))
    assert answer.status_code == 400, answer.text
    assert answer.json()["responseCode"] == code and message in answer.json()["responseMessage"]


def test_a_pnbp_bill_must_leave_its_number_to_the_network(client):
    answer = client.post(CREATE_VA, billing_body(customerNo="123"))
    assert answer.status_code == 400 and answer.json()["responseMessage"] == "Invalid Field Format customerNo"


def test_an_unpaid_bill_is_01_not_paid(client):
    data = create(client, va_body())
    status = status_of(client, data)
    assert status["paymentFlagStatus"] == "01"
    assert status["paymentFlagReason"] == {"english": "Not paid", "indonesia": "Belum dibayar"}
    assert status["trxId"] == data["trxId"] and "paymentRequestId" not in status


def test_a_paid_bill_is_00_with_its_payment(paynet, client):
    data = create(client, va_body())
    payment = paynet.pay(virtual_account_no=data["virtualAccountNo"])
    status = status_of(client, data)
    assert status["paymentFlagStatus"] == "00"
    assert status["paymentRequestId"] == payment["paymentRequestId"]
    assert status["paidAmount"] == {"value": "30000.00", "currency": "IDR"}
    assert status["trxDateTime"] == payment["paidAt"] and status["referenceNo"] == payment["referenceNo"]
    assert status["additionalInfo"] == {"channel": "va"}


def test_a_paid_pnbp_bill_carries_its_ntpn_and_ntb(paynet, client):
    data = create(client, billing_body())
    paynet.pay(virtual_account_no=data["virtualAccountNo"])
    info = status_of(client, data)["additionalInfo"]
    assert info["channel"] == "va" and len(info["ntpn"]) == 16 and info["ntpn"].isalnum() and info["ntb"]


def test_a_bill_past_its_expiry_is_02_expired(client):
    data = create(client, va_body(expiredDate=later(minutes=-5)))
    assert status_of(client, data)["paymentFlagStatus"] == "02"


def test_the_number_may_be_sent_with_or_without_its_padding(client):
    data = create(client, va_body())
    answer = client.post(STATUS, {"virtualAccountNo": data["virtualAccountNo"].strip(), "inquiryRequestId": "x"})
    assert answer.json()["virtualAccountData"]["virtualAccountNo"] == data["virtualAccountNo"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"virtualAccountNo": "   889999999999999", "inquiryRequestId": "x"}, 404, "4042612"),
        ({"virtualAccountNo": "ABC", "inquiryRequestId": "x"}, 400, "4002601"),
        ({"inquiryRequestId": "x"}, 400, "4002602"),
        ({"virtualAccountNo": "   880016472000000000001"}, 400, "4002602"),
    ],
)
def test_an_inquiry_of_an_unknown_or_malformed_number_is_refused(client, body, status, code):
    answer = client.post(STATUS, body)
    assert answer.status_code == status and answer.json()["responseCode"] == code
