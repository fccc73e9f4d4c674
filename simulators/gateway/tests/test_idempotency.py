"""The same Idempotency-Key never makes two messages: sequential retries, a reused key with
another body, keys scoped per client, and 20 simultaneous sends of one key."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from .conftest import client, new_key, number, send, sms


def test_a_retry_with_the_same_key_answers_the_same_message_as_a_duplicate(gateway, api):
    body, key = sms(), new_key()
    first = send(api, body, key)
    again = send(api, body, key)
    assert first.status_code == 202 and again.status_code == 200
    assert again.json() == {**first.json(), "status": "delivered", "duplicate": True}
    assert [m["id"] for m in gateway.messages(to=body["to"])] == [first.json()["id"]]


def test_a_key_reused_with_another_body_is_409_and_changes_nothing(gateway, api):
    to, key = number(), new_key()
    first = send(api, sms(to, "Kode Anda 111111"), key)
    reused = send(api, sms(to, "Kode Anda 222222"), key)
    assert reused.status_code == 409
    assert reused.json()["error"] == "idempotency_key_reused" and first.json()["id"] in reused.json()["message"]
    assert [m["text"] for m in gateway.messages(to=to)] == ["Kode Anda 111111"]
    # The reference is part of the body too.
    assert send(api, sms(to, "Kode Anda 111111", reference="other"), key).status_code == 409


def test_a_refused_body_does_not_use_up_the_key(gateway, api):
    to, key = number(), new_key()
    assert send(api, sms(to, ""), key).status_code == 422
    assert send(api, sms(to), key).status_code == 202
    assert len(gateway.messages(to=to)) == 1


def test_keys_belong_to_their_client(gateway, api, other_api):
    body, key = sms(), new_key()
    mine, theirs = send(api, body, key), send(other_api, body, key)
    assert mine.status_code == theirs.status_code == 202
    assert mine.json()["id"] != theirs.json()["id"]
    assert {m["client"] for m in gateway.messages(to=body["to"])} == {"MPP Digital", "Dinas Kesehatan"}


def test_twenty_simultaneous_sends_of_one_key_store_exactly_one_message(gateway):
    body, key, senders = sms(), new_key(), 20
    start = threading.Barrier(senders)

    def send_once(_: int) -> httpx.Response:
        with client(gateway, gateway.api_key) as http:  # one connection each: truly concurrent requests
            start.wait(timeout=10)
            return send(http, body, key)

    with ThreadPoolExecutor(max_workers=senders) as pool:
        responses = list(pool.map(send_once, range(senders)))

    assert sorted(r.status_code for r in responses) == [200] * (senders - 1) + [202]
    assert len({r.json()["id"] for r in responses}) == 1
    assert [r.json()["duplicate"] for r in responses].count(False) == 1
    (stored,) = gateway.messages(to=body["to"])
    assert stored["id"] == responses[0].json()["id"] and stored["idempotency_key"] == key
