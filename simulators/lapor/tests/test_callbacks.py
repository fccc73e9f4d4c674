"""Callbacks: every update is POSTed to the platform as a signed Standard Webhook, retried
with backoff until taken or given up, and sent twice when the faults ask for a duplicate."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from standardwebhooks import Webhook

from simulators.lapor.testing import TEST_WEBHOOK_SECRET

from .conftest import MAX_ATTEMPTS, file, report_body

T = TypeVar("T")


def callbacks_of(lapor, lapor_id: str) -> list[dict]:
    return [c for c in lapor.callbacks() if c["lapor_id"] == lapor_id]


def wait_until(condition: Callable[[], T], timeout: float = 10) -> T:
    """condition()'s first true value; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s")
        time.sleep(0.05)
    return value


def test_each_update_is_posted_signed_with_its_id_as_webhook_id(lapor, api, receiver):
    lapor_id = file(api, report_body()).json()["lapor_id"]
    update = lapor.move_status(lapor_id, "verified")
    [call] = receiver.wait_for(lambda calls: len(calls) == 1, lapor_id=lapor_id)
    assert call.headers["webhook-id"] == update["id"]
    assert call.headers["content-type"] == "application/json"
    Webhook(TEST_WEBHOOK_SECRET).verify(call.body, call.headers)  # raises unless signed with the secret
    payload = json.loads(call.body)
    assert payload == {"type": "report.status_changed", "timestamp": update["at"], "data": update}
    assert abs(int(call.headers["webhook-timestamp"]) - datetime.now(UTC).timestamp()) < 60


def test_a_report_filed_at_lapor_is_pushed_with_the_report(lapor, receiver):
    report = lapor.file_at_lapor(title="Fasilitas ruang tunggu rusak", category="facilities")
    [call] = receiver.wait_for(lambda calls: len(calls) == 1, lapor_id=report["lapor_id"])
    assert call.data["type"] == "report.created" and call.data["report"]["title"] == "Fasilitas ruang tunggu rusak"


def test_a_refused_callback_is_retried_with_the_same_body_and_webhook_id(lapor, api, receiver):
    lapor_id = file(api, report_body()).json()["lapor_id"]
    receiver.script(lapor_id, 500, 404)
    lapor.move_status(lapor_id, "verified")
    calls = receiver.wait_for(lambda calls: len(calls) == 3, lapor_id=lapor_id)
    assert [c.answered for c in calls] == [500, 404, 204]
    assert len({c.body for c in calls}) == 1 and len({c.headers["webhook-id"] for c in calls}) == 1
    sent = wait_until(lambda: [c for c in callbacks_of(lapor, lapor_id) if c["state"] == "sent"])[0]
    assert sent["attempts"] == 3 and sent["last_status_code"] == 204


def test_a_callback_never_taken_is_given_up_after_the_attempts_and_recorded(lapor, api, receiver):
    lapor_id = file(api, report_body()).json()["lapor_id"]
    receiver.script(lapor_id, *[503] * (MAX_ATTEMPTS + 1))
    lapor.move_status(lapor_id, "archived")
    receiver.wait_for(lambda calls: len(calls) == MAX_ATTEMPTS, lapor_id=lapor_id)
    failed = wait_until(lambda: [c for c in callbacks_of(lapor, lapor_id) if c["state"] == "failed"])[0]
    assert failed["attempts"] == MAX_ATTEMPTS and failed["last_status_code"] == 503
    assert "503" in failed["last_error"] and failed["finished_at"]
    assert len(receiver.calls(lapor_id)) == MAX_ATTEMPTS


def test_the_duplicate_fault_sends_a_taken_callback_twice_with_one_webhook_id(faults, api, receiver):
    faults.set_faults(duplicate_callback_rate=1)
    lapor_id = file(api, report_body()).json()["lapor_id"]
    faults.move_status(lapor_id, "verified")
    calls = receiver.wait_for(lambda calls: len(calls) == 2, lapor_id=lapor_id)
    assert calls[0].headers["webhook-id"] == calls[1].headers["webhook-id"] and calls[0].body == calls[1].body
    sent = wait_until(lambda: [c for c in callbacks_of(faults, lapor_id) if c["state"] == "sent"])[0]
    assert sent["attempts"] == 1 and sent["duplicates"] == 1
