"""Notifications end to end: the network takes a token from the platform (RSA), POSTs each
payment signed with HMAC-SHA512, and retries with flagAdvise "Y" until the platform takes it,
refuses it for good, or the attempts run out."""

from __future__ import annotations

import time

from simulators.paynet import snap

from .conftest import MAX_ATTEMPTS, billing_body, create, finished, generate_qr, va_body


def test_a_payment_is_notified_signed_and_recorded_by_the_platform(paynet, client, platform):
    data = create(client, va_body())
    payment = paynet.pay(virtual_account_no=data["virtualAccountNo"])
    [call] = platform.wait_for(data["trxId"], lambda calls: len(calls) == 1)
    assert call.signature_valid and call.answered == 200
    assert call.headers["x-partner-id"] == paynet.bank_client_key and call.headers["channel-id"] == "95221"
    assert snap.is_external_id(call.headers["x-external-id"]) and call.headers["authorization"].startswith("Bearer ")
    assert call.body == snap.minified(call.data)  # minified, as the contract asks
    assert call.data == {
        "partnerServiceId": data["partnerServiceId"],
        "customerNo": data["customerNo"],
        "virtualAccountNo": data["virtualAccountNo"],
        "virtualAccountName": "SITI RAHAYU",
        "paymentRequestId": payment["paymentRequestId"],
        "channelCode": 6011,
        "sourceBankCode": "014",
        "trxId": data["trxId"],
        "paidAmount": {"value": "30000.00", "currency": "IDR"},
        "trxDateTime": payment["paidAt"],
        "referenceNo": payment["referenceNo"],
        "flagAdvise": "N",
        "additionalInfo": {"channel": "va"},
    }
    assert platform.recorded(data["trxId"]) == payment["paymentRequestId"]
    shown = finished(paynet, data["trxId"])
    assert shown["state"] == "sent" and shown["attempts"] == 1
    [delivery] = shown["deliveries"]
    assert delivery["statusCode"] == 200 and delivery["responseCode"] == "2002500"
    assert delivery["externalId"] == call.headers["x-external-id"] and delivery["signature"] == "valid"


def test_a_qris_payment_is_notified_with_its_channel(paynet, client, platform):
    data = create(client, va_body())
    paynet.pay(qr_reference=generate_qr(client, data)["referenceNo"])
    [call] = platform.wait_for(data["trxId"], lambda calls: len(calls) == 1)
    assert call.data["channelCode"] == 6012 and call.data["additionalInfo"] == {"channel": "qris"}


def test_a_pnbp_payment_is_notified_with_its_ntpn_and_ntb(paynet, client, platform):
    data = create(client, billing_body())
    payment = paynet.pay(virtual_account_no=data["virtualAccountNo"])
    [call] = platform.wait_for(data["trxId"], lambda calls: len(calls) == 1)
    assert call.data["virtualAccountNo"] == data["virtualAccountNo"] and len(call.data["virtualAccountNo"]) == 15
    assert call.data["additionalInfo"] == {"channel": "va", "ntpn": payment["ntpn"], "ntb": payment["ntb"]}


def test_an_unanswered_notification_is_sent_again_with_flag_advise_y_under_new_external_ids(paynet, client, platform):
    data = create(client, va_body())
    platform.script(data["trxId"], 500, 503)
    payment = paynet.pay(virtual_account_no=data["virtualAccountNo"])
    calls = platform.wait_for(data["trxId"], lambda calls: len(calls) == 3)
    assert [c.answered for c in calls] == [500, 503, 200]
    assert [c.data["flagAdvise"] for c in calls] == ["N", "Y", "Y"]
    assert len({c.headers["x-external-id"] for c in calls}) == 3
    assert {c.data["paymentRequestId"] for c in calls} == {payment["paymentRequestId"]}
    shown = finished(paynet, data["trxId"])
    assert shown["state"] == "sent" and shown["attempts"] == 3
    assert [d["statusCode"] for d in shown["deliveries"]] == [500, 503, 200]


def test_a_definitive_4xx_ends_the_notification_as_refused(paynet, client, platform):
    data = create(client, va_body())
    platform.script(data["trxId"], 400)
    paynet.pay(virtual_account_no=data["virtualAccountNo"])
    shown = finished(paynet, data["trxId"])
    assert shown["state"] == "refused" and shown["attempts"] == 1
    assert "400" in shown["deliveries"][0]["error"]
    time.sleep(0.3)
    assert len(platform.calls(data["trxId"])) == 1


def test_a_notification_never_taken_is_given_up_after_the_attempts(paynet, client, platform):
    data = create(client, va_body())
    platform.script(data["trxId"], *[503] * (MAX_ATTEMPTS + 1))
    paynet.pay(virtual_account_no=data["virtualAccountNo"])
    shown = finished(paynet, data["trxId"])
    assert shown["state"] == "failed" and shown["attempts"] == MAX_ATTEMPTS and shown["finishedAt"]
    assert len(platform.calls(data["trxId"])) == MAX_ATTEMPTS


def test_a_token_is_reused_and_fetched_again_after_the_platform_refuses_it(paynet, client, platform):
    first, second, third = (create(client, va_body()) for _ in range(3))
    paynet.pay(virtual_account_no=first["virtualAccountNo"])
    platform.wait_for(first["trxId"], lambda calls: len(calls) == 1)
    before = platform.token_requests
    paynet.pay(virtual_account_no=second["virtualAccountNo"])
    platform.wait_for(second["trxId"], lambda calls: len(calls) == 1)
    assert platform.token_requests == before  # the same token
    platform.revoke_tokens()
    paynet.pay(virtual_account_no=third["virtualAccountNo"])
    calls = platform.wait_for(third["trxId"], lambda calls: len(calls) == 2)
    assert [c.answered for c in calls] == [401, 200] and platform.token_requests == before + 1
    assert calls[0].headers["authorization"] != calls[1].headers["authorization"]
