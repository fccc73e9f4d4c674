"""Who may do what: API keys (401), the Idempotency-Key header (400), each client reading
only its own messages (404 for anyone else's), and the admin token on the phone and faults."""

from __future__ import annotations

import httpx
import pytest

from .conftest import client, new_key, number, send, sms


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-key-0123456789abcdef", "Bearer", "Basic dGVzdDp0ZXN0", "test-gateway-key-0123456789abcdef"],
)
def test_a_missing_or_wrong_key_is_401_and_nothing_is_stored(gateway, authorization):
    to = number()
    headers = {"Idempotency-Key": new_key(), **({"Authorization": authorization} if authorization else {})}
    response = httpx.post(f"{gateway.url}/v1/messages", json=sms(to), headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized" and "Bearer" in response.json()["message"]
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert gateway.messages(to=to) == []


def test_reading_a_message_needs_a_key_too(gateway, api):
    sent = send(api, sms()).json()
    with client(gateway, None) as anonymous:
        assert anonymous.get(f"/v1/messages/{sent['id']}").status_code == 401


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        (None, "send an Idempotency-Key header"),
        ("", "send an Idempotency-Key header"),
        ("k" * 201, "1 to 200 printable ASCII characters"),
        ("tab\there", "1 to 200 printable ASCII characters"),
        ("kunci-é".encode(), "Idempotency-Key"),  # the server never sees non-ASCII header bytes as a value
    ],
)
def test_a_missing_or_malformed_idempotency_key_is_400(gateway, api, key, fragment):
    to = number()
    headers = {} if key is None else {"Idempotency-Key": key}
    response = api.post("/v1/messages", json=sms(to), headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_idempotency_key" and fragment in response.json()["message"]
    assert gateway.messages(to=to) == []


def test_a_200_character_printable_key_is_fine(api):
    key = "~ !" + "k" * 197
    assert send(api, sms(), key).status_code == 202


def test_a_client_reads_its_own_messages_and_no_one_elses(api, other_api):
    sent = send(api, sms()).json()
    assert api.get(f"/v1/messages/{sent['id']}").status_code == 200
    theirs = other_api.get(f"/v1/messages/{sent['id']}")
    assert theirs.status_code == 404 and theirs.json()["error"] == "not_found"
    assert api.get("/v1/messages/00000000-0000-4000-8000-000000000000").status_code == 404
    assert api.get("/v1/messages/not-a-uuid").status_code == 404


@pytest.mark.parametrize("path", ["/admin/messages", "/admin/faults"])
@pytest.mark.parametrize("token", [None, "wrong", "test-gateway-key-0123456789abcdef"])
def test_admin_endpoints_need_the_admin_token(gateway, path, token):
    headers = {"X-Admin-Token": token} if token else {}
    response = httpx.get(f"{gateway.url}{path}", headers=headers)
    assert response.status_code == 401 and "X-Admin-Token" in response.json()["message"]
    assert httpx.post(f"{gateway.url}/admin/faults", json={"error_rate": 1}, headers=headers).status_code == 401


def test_the_phone_filters_by_number_and_reference_newest_first(gateway, api, other_api):
    to, reference = number(), f"ref-{new_key()}"
    first = send(api, sms(to, "pertama", reference=reference)).json()
    second = send(other_api, sms(to, "kedua")).json()
    third = send(api, sms(number(), "lain", reference=reference)).json()

    assert [m["id"] for m in gateway.messages(to=to)] == [second["id"], first["id"]]
    assert [m["id"] for m in gateway.messages(reference=reference)] == [third["id"], first["id"]]
    assert [m["id"] for m in gateway.messages(to=to, reference=reference)] == [first["id"]]
    assert [m["id"] for m in gateway.messages(to=f"0{to[3:]}")] == [second["id"], first["id"]]  # 08…, as at home
    assert gateway.messages(to=number()) == []


def test_the_phone_shows_at_most_limit_messages(gateway, api):
    to = number()
    for text in ("satu", "dua", "tiga"):
        send(api, sms(to, text))
    admin = {"X-Admin-Token": gateway.admin_token}
    latest = httpx.get(f"{gateway.url}/admin/messages", params={"to": to, "limit": 2}, headers=admin)
    assert [m["text"] for m in latest.json()["messages"]] == ["tiga", "dua"]
    for bad in ("0", "1001", "-1", "dua", ""):
        refused = httpx.get(f"{gateway.url}/admin/messages", params={"limit": bad}, headers=admin)
        assert refused.status_code == 422 and refused.json()["error"] == "invalid_limit"
