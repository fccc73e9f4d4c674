"""The network's payment notifications (SNAP): signed, fresh, answered once per X-EXTERNAL-ID, recorded once
per payment, and refused with SNAP's codes when the bill or the amount is wrong."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from mpp.payments import ledger, services
from mpp.payments.models import BillState, Channel, Entry, Payment, SnapCall

from .conftest import as_json, give_code, notification, raise_skck


@pytest.fixture
def bill(siti, polres, bank_settings):
    return give_code(raise_skck(siti, polres))


def test_a_notification_pays_the_bill_once_with_its_ntpn(bank, bill):
    answer = bank.notify(notification(bill, reference="PAY-1"))
    assert answer.status_code == 200, answer.content
    body = as_json(answer)
    assert body["responseCode"] == "2002500"
    assert body["virtualAccountData"]["paymentFlagStatus"] == "00"
    bill.refresh_from_db()
    assert bill.state == BillState.PAID
    payment = Payment.objects.get(bill=bill)
    assert (payment.channel, payment.amount, payment.ntpn) == (Channel.BILLING, 30000, "0123456789ABCDEF")
    assert ledger.balance(bill) == 0


def test_the_same_external_id_gets_the_same_answer_and_another_body_a_conflict(bank, bill):
    body = notification(bill)  # one body: built twice, its trxDateTime could fall in two different seconds
    first = bank.notify(body, external_id="777")
    again = bank.notify(body, external_id="777")
    assert as_json(again) == as_json(first) and again.status_code == 200
    other = bank.notify(notification(bill, reference="PAY-2"), external_id="777")
    assert other.status_code == 409 and as_json(other)["responseCode"] == "4090000"
    assert Payment.objects.count() == 1 and SnapCall.objects.count() == 1


def test_the_same_payment_under_a_new_external_id_records_nothing_twice(bank, bill):
    for _ in range(3):
        assert bank.notify(notification(bill, reference="PAY-1")).status_code == 200
    assert Payment.objects.count() == 1
    assert Entry.objects.filter(bill=bill).count() == 2  # issued, paid


def test_another_payment_of_a_paid_bill_is_refused(bank, bill):
    bank.notify(notification(bill, reference="PAY-1"))
    answer = bank.notify(notification(bill, reference="PAY-2"))
    assert answer.status_code == 404 and as_json(answer)["responseCode"] == "4042514"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount": 29999}, 404, "4042513"),
        ({"amount": 30001}, 404, "4042513"),
    ],
)
def test_a_wrong_amount_is_refused_and_changes_nothing(bank, bill, change, status, code):
    answer = bank.notify(notification(bill, **change))
    assert (answer.status_code, as_json(answer)["responseCode"]) == (status, code)
    bill.refresh_from_db()
    assert bill.state == BillState.OPEN and not Payment.objects.exists()


@pytest.mark.parametrize("value", ["30000.50", "-30000.00", "30000", "3e4"])
def test_a_malformed_amount_is_a_400(bank, bill, value):
    body = notification(bill)
    body["paidAmount"]["value"] = value
    answer = bank.notify(body)
    assert answer.status_code == 400 and as_json(answer)["responseCode"] == "4002501"


def test_an_unknown_bill_and_an_expired_one(bank, bill, siti, polres):
    unknown = notification(bill)
    unknown["virtualAccountNo"] = " " * 8 + "999999999999999"
    answer = bank.notify(unknown)
    assert answer.status_code == 404 and as_json(answer)["responseCode"] == "4042512"
    late = give_code(raise_skck(siti, polres, hours=1), code="555555555555555")
    services.expire(bill_id=late.pk, now=timezone.now() + dt.timedelta(hours=2))
    answer = bank.notify(notification(late))
    assert as_json(answer)["responseCode"] == "4042519"


def test_a_wrong_signature_a_stale_timestamp_or_a_forged_token_is_unauthorized(bank, bill):
    assert bank.notify(notification(bill), secret="not-the-secret").status_code == 401
    stale = bank.notify(notification(bill), now=timezone.now() - dt.timedelta(minutes=6))
    assert stale.status_code == 401 and as_json(stale)["responseCode"] == "4012500"
    bank.token = "forged"
    assert bank.notify(notification(bill)).status_code == 401
    assert not Payment.objects.exists()


def test_a_token_needs_the_networks_key_and_a_fresh_timestamp(bank):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert bank.get_token(key=other_key).status_code == 401
    assert bank.get_token(client_key="someone-else").status_code == 401
    assert bank.get_token(now=timezone.now() + dt.timedelta(minutes=10)).status_code == 401
    answer = bank.get_token()
    assert answer.status_code == 200 and as_json(answer)["responseCode"] == "2007300"


def test_missing_headers_and_bodies_are_4xx_never_500(bank, bill, client):
    assert client.post("/snap/v1.0/transfer-va/payment", data="{}", content_type="application/json").status_code == 401
    assert client.get("/snap/v1.0/transfer-va/payment").status_code == 405
    answer = bank.notify({"virtualAccountNo": bill.pay_code})
    assert answer.status_code == 400 and as_json(answer)["responseCode"] == "4002502"
    assert bank.notify(["not", "an", "object"]).status_code == 400
