"""Dynamic QRIS: the EMVCo string and its CRC, generating a QR for a bill, its status, and the
rule that a QR and its VA pay one bill: whichever is paid first."""

from __future__ import annotations

import time

import httpx
import pytest

from simulators.paynet import qris

from .conftest import QR_GENERATE, QR_QUERY, billing_body, create, generate_qr, later, status_of, va_body


def query(client, qr: dict, **fields: object):
    body = {"originalReferenceNo": qr["referenceNo"], "originalPartnerReferenceNo": qr["partnerReferenceNo"]}
    return client.post(QR_QUERY, {**body, "serviceCode": "47", **fields})


# --- the string ----------------------------------------------------------------------


def test_the_crc_is_ccitt_false():
    assert qris.crc16(b"123456789") == 0x29B1


def test_a_qr_is_an_emvco_merchant_presented_string_ending_with_its_crc():
    content = qris.merchant_presented(
        amount=30000,
        reference="QR26120600000001",
        merchant_id="mpp",
        merchant_name="MPP DIGITAL",
        merchant_city="SAMARINDA",
        acquirer="88001",
    )
    fields = qris.fields(content)
    assert (fields["00"], fields["01"], fields["52"], fields["53"], fields["54"], fields["58"]) == (
        "01",
        "12",
        "9399",
        "360",
        "30000",
        "ID",
    )
    assert (fields["59"], fields["60"]) == ("MPP DIGITAL", "SAMARINDA")
    assert fields["26"].startswith("0014ID.CO.QRIS.WWW")
    assert content[-8:-4] == "6304" and content[-4:] == f"{qris.crc16(content[:-4].encode()):04X}"
    assert qris.reference_of(content) == "QR26120600000001"


@pytest.mark.parametrize("broken", ["", "hello", "000201" + "63041234"])
def test_a_string_with_a_wrong_crc_or_structure_is_refused(broken):
    with pytest.raises(ValueError):
        qris.reference_of(broken)


def test_a_changed_amount_breaks_the_crc():
    content = qris.merchant_presented(
        amount=30000, reference="R1", merchant_id="m", merchant_name="N", merchant_city="C", acquirer="88001"
    )
    with pytest.raises(ValueError, match="CRC"):
        qris.fields(content.replace("540530000", "540590000"))


# --- generate and query --------------------------------------------------------------


def test_a_qr_is_generated_for_a_bill_with_its_amount_and_reference(client):
    data = create(client, va_body())
    qr = generate_qr(client, data)
    assert qr["responseCode"] == "2004700" and qr["partnerReferenceNo"] == data["trxId"]
    fields = qris.fields(qr["qrContent"])
    assert fields["54"] == "30000" and qris.reference_of(qr["qrContent"]) == qr["referenceNo"]


def test_the_same_partner_reference_answers_the_same_qr_and_another_makes_a_new_one(client):
    data = create(client, va_body())
    first = generate_qr(client, data)
    assert generate_qr(client, data, validityPeriod=later(hours=2)) == first
    other = generate_qr(client, data, partnerReferenceNo=f"{data['trxId']}-2")
    assert other["referenceNo"] != first["referenceNo"]


def test_a_qr_can_be_made_for_a_billing_code(client):
    data = create(client, billing_body())
    assert qris.fields(generate_qr(client, data)["qrContent"])["54"] == "50000"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"amount": {"value": "25000.00", "currency": "IDR"}}, 404, "4044713"),
        ({"amount": {"value": "30000.10", "currency": "IDR"}}, 400, "4004701"),
        ({"merchantId": "someone-else"}, 400, "4004701"),
        ({"validityPeriod": "tomorrow"}, 400, "4004701"),
        ({"validityPeriod": "2020-01-01T00:00:00+07:00"}, 400, "4004701"),
        ({"additionalInfo": {"virtualAccountNo": "   889999999999999"}}, 404, "4044712"),
        ({"additionalInfo": {}}, 400, "4004702"),
        ({"partnerReferenceNo": None}, 400, "4004702"),
    ],
)
def test_a_bad_qr_request_is_refused(client, fields, status, code):
    data = create(client, va_body())
    body = {
        "partnerReferenceNo": data["trxId"],
        "amount": data["totalAmount"],
        "merchantId": client.client_key,
        "validityPeriod": later(hours=1),
        "additionalInfo": {"virtualAccountNo": data["virtualAccountNo"]},
        **fields,
    }
    answer = client.post(QR_GENERATE, body)
    assert answer.status_code == status and answer.json()["responseCode"] == code, answer.text


def test_no_qr_for_a_paid_or_expired_bill(paynet, client):
    paid = create(client, va_body())
    paynet.pay(virtual_account_no=paid["virtualAccountNo"])
    expired = create(client, va_body(expiredDate=later(minutes=-1)))
    for data, code in ((paid, "4044714"), (expired, "4044719")):
        body = {
            "partnerReferenceNo": data["trxId"],
            "amount": data["totalAmount"],
            "merchantId": client.client_key,
            "additionalInfo": {"virtualAccountNo": data["virtualAccountNo"]},
        }
        assert client.post(QR_GENERATE, body).json()["responseCode"] == code


def test_a_qr_is_pending_then_paid_and_its_payment_pays_the_bill(paynet, client):
    data = create(client, va_body())
    qr = generate_qr(client, data)
    pending = query(client, qr).json()
    assert pending["responseCode"] == "2005100" and pending["latestTransactionStatus"] == "03"
    payment = paynet.pay(qr_reference=qr["referenceNo"])
    assert payment["channel"] == "qris" and payment["qrReference"] == qr["referenceNo"]
    paid = query(client, qr).json()
    assert paid["latestTransactionStatus"] == "00" and paid["amount"] == {"value": "30000.00", "currency": "IDR"}
    assert paid["additionalInfo"]["paymentRequestId"] == payment["paymentRequestId"]
    assert status_of(client, data)["paymentFlagStatus"] == "00"
    with pytest.raises(httpx.HTTPStatusError) as error:  # the VA of the same bill is now refused
        paynet.pay(virtual_account_no=data["virtualAccountNo"])
    assert error.value.response.json() == {"responseCode": "4040014", "responseMessage": "Paid Bill"}


def test_a_qr_of_a_bill_paid_by_its_va_is_refused_and_reports_the_va_payment(paynet, client):
    data = create(client, va_body())
    qr = generate_qr(client, data)
    payment = paynet.pay(virtual_account_no=data["virtualAccountNo"])
    status = query(client, qr).json()
    assert status["latestTransactionStatus"] == "00" and status["additionalInfo"]["channel"] == "va"
    assert status["additionalInfo"]["paymentRequestId"] == payment["paymentRequestId"]


def test_a_qr_past_its_validity_is_06_expired(client):
    data = create(client, va_body())
    qr = generate_qr(client, data, validityPeriod=later(seconds=2))  # 1 to 2 s ahead: to the second
    time.sleep(2.1)
    assert query(client, qr).json()["latestTransactionStatus"] == "06"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"originalReferenceNo": "QR000"}, 404, "4045112"),
        ({"originalPartnerReferenceNo": "another bill"}, 404, "4045112"),
        ({"serviceCode": "17"}, 400, "4005101"),
        ({"originalReferenceNo": None}, 400, "4005102"),
    ],
)
def test_a_bad_qr_query_is_refused(client, fields, status, code):
    qr = generate_qr(client, create(client, va_body()))
    answer = query(client, qr, **fields)
    assert answer.status_code == status and answer.json()["responseCode"] == code
