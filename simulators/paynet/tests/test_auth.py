"""Who may call: the B2B token (an RSA signature over "<client key>|<timestamp>"), the
transactional call (the token and an HMAC-SHA512 over METHOD:path:token:sha256(body):timestamp),
their headers, and X-EXTERNAL-ID's answer-once rule."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from simulators.paynet import snap
from simulators.paynet.keys import ensure_keys, load_private_key
from simulators.paynet.snap import JAKARTA

from .conftest import CREATE_VA, STATUS, va_body


def stamp(seconds_from_now: float) -> str:
    return snap.timestamp(datetime.now(JAKARTA) + timedelta(seconds=seconds_from_now))


# --- the token -----------------------------------------------------------------------


def test_a_token_request_signed_with_the_platforms_key_gets_a_bearer_token(client):
    answer = client.request_token()
    assert answer.status_code == 200
    body = answer.json()
    assert body["responseCode"] == "2007300" and body["responseMessage"] == "Successful"
    assert body["tokenType"] == "Bearer" and body["expiresIn"] == "900" and len(body["accessToken"]) >= 32


def test_a_token_request_is_refused_unless_signed_by_the_platforms_key(client, tmp_path):
    other_key = load_private_key(ensure_keys(tmp_path)[0].platform_private, source="test")
    at = snap.timestamp()
    forged = snap.asymmetric_signature(other_key, client.client_key, at)
    answer = client.request_token(at=at, signature=forged)
    assert answer.status_code == 401
    assert answer.json() == {"responseCode": "4017300", "responseMessage": "Unauthorized. Invalid signature"}


@pytest.mark.parametrize(
    ("options", "status", "code"),
    [
        ({"client_key": "someone-else"}, 401, "4017300"),
        ({"at": "2026-12-06 10:15:00"}, 401, "4017300"),
        ({"at": "2026-12-06T10:15:00"}, 401, "4017300"),  # no offset
        ({"signature": "bm90IGEgc2lnbmF0dXJl"}, 401, "4017300"),
        ({"body": {"grantType": "password"}}, 400, "4007301"),
        ({"body": {}}, 400, "4007302"),
        ({"body": []}, 400, "4007301"),
    ],
)
def test_a_bad_token_request_is_refused_in_snap_form(client, options, status, code):
    answer = client.request_token(**options)
    assert answer.status_code == status and answer.json()["responseCode"] == code


@pytest.mark.parametrize("skew", [-400, 400])
def test_a_token_request_more_than_300_seconds_off_is_refused(client, skew):
    answer = client.request_token(at=stamp(skew))
    assert answer.status_code == 401 and "seconds off" in answer.json()["responseMessage"]


def test_a_timestamp_in_another_zone_within_300_seconds_is_accepted(client):
    at = (datetime.now(JAKARTA) + timedelta(seconds=100)).astimezone(timezone(timedelta(hours=8)))
    assert client.request_token(at=at.isoformat(timespec="seconds")).status_code == 200


# --- transactional calls -------------------------------------------------------------


def test_a_signed_call_is_answered(client):
    assert client.post(CREATE_VA, va_body()).json()["responseCode"] == "2002700"


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"secret": "not-the-secret"}, "Invalid signature"),
        ({"token": "never-issued"}, "Invalid or expired access token"),
        ({"headers": {"Authorization": None}}, "Invalid or expired access token"),
        ({"headers": {"X-PARTNER-ID": "someone-else"}}, "X-PARTNER-ID is not the client"),
        ({"at": stamp(-301)}, "seconds off"),
        ({"headers": {"X-TIMESTAMP": "yesterday"}}, "X-TIMESTAMP must be ISO 8601"),
    ],
)
def test_a_call_that_is_not_the_platforms_is_401(client, options, reason):
    answer = client.post(CREATE_VA, va_body(), **options)
    assert answer.status_code == 401
    assert answer.json()["responseCode"] == "4012700" and reason in answer.json()["responseMessage"]


def test_the_signature_covers_the_body_bytes_as_sent(client):
    body = va_body()
    token, at = client.access_token(), snap.timestamp()
    signed_for = snap.minified(body)
    signature = snap.symmetric_signature(client.client_secret, "POST", CREATE_VA, token, signed_for, at)
    sent = snap.minified({**body, "virtualAccountName": "SOMEONE ELSE"})
    answer = httpx.post(
        client.url + CREATE_VA,
        content=sent,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "X-TIMESTAMP": at,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": client.client_key,
            "X-EXTERNAL-ID": snap.new_external_id(),
            "CHANNEL-ID": "95231",
        },
    )
    assert answer.status_code == 401 and answer.json()["responseMessage"] == "Unauthorized. Invalid signature"


@pytest.mark.parametrize("header", ["X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"])
def test_a_missing_header_is_400_naming_it(client, header):
    answer = client.post(CREATE_VA, va_body(), headers={header: None})
    assert answer.status_code == 400
    assert answer.json() == {"responseCode": "4002702", "responseMessage": f"Invalid Mandatory Field {header}"}


@pytest.mark.parametrize(
    ("header", "value"),
    [("X-EXTERNAL-ID", "abc123"), ("X-EXTERNAL-ID", "1" * 37), ("CHANNEL-ID", "9523"), ("CHANNEL-ID", "9523x")],
)
def test_a_malformed_header_is_400_naming_it(client, header, value):
    answer = client.post(STATUS, {}, headers={header: value})
    assert answer.status_code == 400
    assert answer.json() == {"responseCode": "4002601", "responseMessage": f"Invalid Field Format {header}"}


def test_a_body_that_is_not_a_json_object_is_400(client):
    answer = client.post(CREATE_VA, ["not", "an", "object"])
    assert answer.status_code == 400 and answer.json()["responseCode"] == "4002701"


# --- X-EXTERNAL-ID -------------------------------------------------------------------


def test_the_same_external_id_and_body_get_the_first_answer_again_and_change_nothing(paynet, client):
    body, external_id = va_body(), snap.new_external_id()
    first = client.post(CREATE_VA, body, external_id=external_id)
    paynet.pay(virtual_account_no=body["virtualAccountNo"])
    inquiry = {"virtualAccountNo": body["virtualAccountNo"], "inquiryRequestId": "same-id"}
    status_id = snap.new_external_id()
    before = client.post(STATUS, inquiry, external_id=status_id)
    time.sleep(1.1)  # another X-TIMESTAMP, the same day
    again = client.post(CREATE_VA, body, external_id=external_id)
    assert again.status_code == 200 and again.json() == first.json()
    assert client.post(STATUS, inquiry, external_id=status_id).json() == before.json()


def test_the_same_external_id_with_another_body_is_409_conflict(client):
    body, external_id = va_body(), snap.new_external_id()
    assert client.post(CREATE_VA, body, external_id=external_id).status_code == 200
    answer = client.post(CREATE_VA, va_body(), external_id=external_id)
    assert answer.status_code == 409
    assert answer.json() == {"responseCode": "4090000", "responseMessage": "Conflict"}


def test_a_refused_call_does_not_use_up_its_external_id(client):
    body, external_id = va_body(), snap.new_external_id()
    bad = client.post(CREATE_VA, {**body, "totalAmount": {"value": "1.50", "currency": "IDR"}}, external_id=external_id)
    assert bad.status_code == 400
    assert client.post(CREATE_VA, body, external_id=external_id).status_code == 200
