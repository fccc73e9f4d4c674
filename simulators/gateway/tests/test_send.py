"""Accepting a message, reading it back, and refusing every malformed field with a 422 that names it."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
import pytest

from .conftest import new_key, number, send, sms


def test_an_sms_is_accepted_then_delivered_and_shows_on_the_phone(gateway, api):
    to = number()
    response = send(api, sms(to, "Permohonan MPP-6472-2611-000123 disetujui.", reference="notif-42"))
    assert response.status_code == 202
    answer = response.json()
    assert answer == {"id": answer["id"], "status": "accepted", "segments": 1, "duplicate": False}
    assert uuid.UUID(answer["id"]).version == 4

    stored = api.get(f"/v1/messages/{answer['id']}")
    assert stored.status_code == 200
    assert stored.json() == {
        "id": answer["id"],
        "channel": "sms",
        "to": to,
        "text": "Permohonan MPP-6472-2611-000123 disetujui.",
        "reference": "notif-42",
        "status": "delivered",  # no delivery delay configured
        "segments": 1,
        "accepted_at": stored.json()["accepted_at"],
        "delivered_at": stored.json()["accepted_at"],
    }
    assert datetime.fromisoformat(stored.json()["accepted_at"]).utcoffset() is not None

    (received,) = gateway.messages(to=to)
    assert received["id"] == answer["id"] and received["client"] == "MPP Digital"
    assert gateway.messages(reference="notif-42")[0]["id"] == answer["id"]


def test_a_whatsapp_message_is_one_segment_up_to_4096_characters(gateway, api):
    to = number()
    long_text = "Halo " + "x" * 4091
    response = send(api, {"channel": "whatsapp", "to": to, "text": long_text})
    assert response.status_code == 202 and response.json()["segments"] == 1
    too_long = send(api, {"channel": "whatsapp", "to": to, "text": long_text + "!"})
    assert too_long.status_code == 422
    assert too_long.json()["errors"] == {"text": "at most 4096 characters for whatsapp, got 4097"}
    assert [m["text"] for m in gateway.messages(to=to)] == [long_text]


@pytest.mark.parametrize(
    "to",
    [
        "081234567890",  # local format
        "6281234567890",  # no plus
        "+6221234567",  # a Jakarta landline
        "+1202555012",  # not Indonesian
        "+62812345",  # too short: +628 and 5 digits
        "+628123456789012",  # too long: +628 and 12 digits
        "+62 812 3456 7890",
        "+62812345678٩",  # an Arabic-Indic digit
        6281234567890,
        "",
    ],
)
def test_a_number_that_is_not_an_indonesian_mobile_in_e164_is_422(gateway, api, to):
    response = send(api, sms(to))
    assert response.status_code == 422
    assert response.json()["errors"] == {"to": "must be an Indonesian mobile number in E.164: +628 and 8 to 11 digits"}
    assert "to: must be" in response.json()["message"]


@pytest.mark.parametrize("to", ["+62812345678", "+62812345678901"])  # +628 and 8 digits, and 11
def test_the_shortest_and_longest_mobile_numbers_are_accepted(api, to):
    assert send(api, sms(to)).status_code == 202


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("channel", "email", 'must be "sms" or "whatsapp"'),
        ("channel", "SMS", 'must be "sms" or "whatsapp"'),
        ("channel", 1, 'must be "sms" or "whatsapp"'),
        ("text", "", "must not be empty"),
        ("text", " \n ", "must not be empty"),
        ("text", 42, "must be a string"),
        ("text", ["Halo"], "must be a string"),
        ("reference", "", "must be a string of 1 to 100 characters (or left out)"),
        ("reference", "r" * 101, "must be a string of 1 to 100 characters (or left out)"),
        ("reference", 7, "must be a string of 1 to 100 characters (or left out)"),
        ("priority", "high", "unknown field"),
    ],
)
def test_a_bad_field_is_422_naming_it_and_nothing_is_stored(gateway, api, field, value, error):
    to = number()
    response = send(api, {**sms(to), field: value})
    assert response.status_code == 422
    assert response.json()["errors"] == {field: error}
    assert gateway.messages(to=to) == []


@pytest.mark.parametrize("field", ["channel", "to", "text"])
def test_a_missing_field_is_required(api, field):
    body = sms()
    del body[field]
    response = send(api, body)
    assert response.status_code == 422 and response.json()["errors"] == {field: "required"}


def test_every_bad_field_is_named_at_once(api):
    response = send(api, {"channel": "fax", "to": "0812", "text": "", "reference": None, "extra": 1})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"channel", "to", "text", "extra"}


def test_a_reference_may_be_null_or_100_characters(api):
    assert send(api, sms(reference=None)).status_code == 202
    response = send(api, sms(reference="r" * 100))
    assert response.status_code == 202
    assert api.get(f"/v1/messages/{response.json()['id']}").json()["reference"] == "r" * 100


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"{", 400, "malformed_json"),
        (b"", 400, "malformed_json"),
        (b"\xff\xfe", 400, "malformed_json"),
        (b"[" * 50_000, 400, "malformed_json"),  # deeper than the JSON parser recurses
        (b"[]", 422, "invalid_message"),
        (b'"text"', 422, "invalid_message"),
        (b"null", 422, "invalid_message"),
        (b'{"channel": "sms", "to": "+6281234567890", "text": "\\ud800"}', 422, "invalid_message"),
        (b"x" * 70_000, 413, "payload_too_large"),
    ],
)
def test_malformed_bodies_are_4xx_json_never_500(api, content, status, code):
    response = api.post("/v1/messages", content=content, headers={"Idempotency-Key": new_key()})
    assert response.status_code == status
    assert response.json()["error"] == code and response.json()["message"]


def test_unknown_routes_and_methods_are_json(api):
    assert api.get("/v1/nothing-here").status_code == 404
    wrong_method = api.put("/v1/messages", json={})
    assert wrong_method.status_code == 405 and wrong_method.json()["message"]


def test_healthz_answers_without_a_key(gateway):
    assert httpx.get(f"{gateway.url}/healthz").json() == {"status": "ok"}
