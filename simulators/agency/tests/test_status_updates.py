"""Outbound: processing, status updates with OAuth2 tokens, retries and idempotency keys."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from simulators.backoff import retry_delay

from .conftest import CLIENT_SECRET, RETRY_BASE, application, tracking_number
from .platform_stub import wait_until

REGISTRATION = re.compile(r"474\.1/\d{5}/DISDUKCAPIL/\d{4}")


def updates(agency, number: str) -> list[dict]:
    [case] = agency.cases(tracking_number=number)
    return case["status_updates"]


def first_attempts(agency, number: str) -> int:
    """Attempts made at the case's first update (0 until the case is decided)."""
    found = updates(agency, number)
    return found[0]["attempts"] if found else 0


def settled(agency, number: str) -> bool:
    """Both updates are no longer pending (sent or failed)."""
    found = updates(agency, number)
    return len(found) == 2 and all(u["state"] != "pending" for u in found)


def test_a_case_is_put_in_process_then_approved_with_a_registration_number(agency, platform, forward):
    number = tracking_number()
    case_id = forward(application(platform, number)).json()["case_id"]
    wait_until(lambda: platform.applied(number) == ["in_process", "approved"], what="both status updates")

    in_process, approved = platform.calls(number)
    assert in_process.idempotency_key == f"{case_id}:in_process"
    assert approved.idempotency_key == f"{case_id}:approved"
    assert in_process.body == {"status": "in_process", "note": in_process.body["note"]}
    assert "sedang diverifikasi" in in_process.body["note"]
    assert approved.body["status"] == "approved"
    assert REGISTRATION.fullmatch(approved.body["external_reference"])
    assert approved.body["external_reference"] in approved.body["note"]
    assert "Penerbitan Akta Kelahiran" in approved.body["note"]
    assert in_process.token == approved.token  # the cached token serves both

    # The simulator records an update as sent just after the platform answered: wait for that.
    wait_until(
        lambda: [u["state"] for u in agency.case(case_id)["status_updates"]] == ["sent", "sent"],
        what="both updates recorded as sent",
    )
    case = agency.case(case_id)
    assert (case["state"], case["decision"]) == ("decided", "approved")
    assert case["external_reference"] == approved.body["external_reference"]
    assert [(u["status"], u["state"], u["attempts"], u["last_status_code"]) for u in case["status_updates"]] == [
        ("in_process", "sent", 1, 200),
        ("approved", "sent", 1, 200),
    ]


def test_registration_numbers_are_distinct_and_follow_the_service(agency, platform, forward):
    birth, family = tracking_number(), tracking_number()
    forward(application(platform, birth))
    forward(application(platform, family, service={"code": "kartu-keluarga", "name": "Penerbitan Kartu Keluarga"}))
    wait_until(lambda: settled(agency, birth) and settled(agency, family), what="both cases")
    birth_reference = agency.cases(tracking_number=birth)[0]["external_reference"]
    family_reference = agency.cases(tracking_number=family)[0]["external_reference"]
    assert REGISTRATION.fullmatch(birth_reference)
    assert re.fullmatch(r"470/\d{5}/DISDUKCAPIL/\d{4}", family_reference)


def test_simulate_reject_rejects_with_a_reason_and_no_reference(agency, platform, forward):
    number = tracking_number()
    forward(application(platform, number, form={"simulate_reject": True}))
    wait_until(lambda: platform.applied(number) == ["in_process", "rejected"], what="the rejection")
    rejected = platform.calls(number)[-1].body
    assert set(rejected) == {"status", "note"}
    assert rejected["note"].startswith("Permohonan ditolak:")
    [case] = agency.cases(tracking_number=number)
    assert (case["decision"], case["external_reference"]) == ("rejected", None)


@pytest.mark.parametrize("failure", [500, 503, 429])
def test_a_failing_platform_gets_the_same_update_again_until_it_takes_it(agency, platform, forward, failure):
    number = tracking_number()
    platform.script(number, failure, failure, failure)
    case_id = forward(application(platform, number)).json()["case_id"]
    wait_until(lambda: platform.applied(number) == ["in_process", "approved"], what="the retried updates")
    calls = platform.calls(number)
    assert [c.answered for c in calls] == [failure] * 3 + [200, 200]
    assert {c.idempotency_key for c in calls[:4]} == {f"{case_id}:in_process"}
    in_process = updates(agency, number)[0]
    assert (in_process["state"], in_process["attempts"], in_process["last_status_code"]) == ("sent", 4, 200)


def test_a_retry_waits_longer_each_time(agency, platform, forward):
    number = tracking_number()
    platform.script(number, 500, 500, 500, 500, 500)
    forward(application(platform, number))
    wait_until(lambda: first_attempts(agency, number) >= 3, what="three attempts")
    first = updates(agency, number)[0]
    assert first["state"] == "pending"
    assert first["last_error"].startswith("platform answered 500")
    assert first["next_attempt_at"] is not None
    wait_until(lambda: platform.applied(number) == ["in_process", "approved"], what="the retried updates")
    arrivals = [c.at for c in platform.calls(number)][:6]
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    # Attempt n+1 waits between half and all of RETRY_BASE·2^(n-1): never less, and
    # (for every other gap, whatever the jitter) more each time.
    assert all(gap >= RETRY_BASE * 2**n / 2 for n, gap in enumerate(gaps)), gaps
    assert all(gaps[n + 2] > gaps[n] for n in range(len(gaps) - 2)), gaps


def test_retry_delays_double_with_jitter_up_to_a_minute():
    draws = [[retry_delay(attempts, 0.5, random.Random(seed)) for attempts in range(1, 12)] for seed in range(50)]
    for delays in draws:
        for attempts, delay in enumerate(delays, start=1):
            ceiling = min(60, 0.5 * 2 ** (attempts - 1))
            assert ceiling / 2 <= delay <= ceiling
    assert len({delays[0] for delays in draws}) > 1  # jittered
    assert retry_delay(10_000, 0.5) <= 60


def test_a_refused_token_is_replaced_once_and_the_update_sent_again(agency, platform, forward):
    number = tracking_number()
    warm_up = tracking_number()
    forward(application(platform, warm_up))
    wait_until(lambda: settled(agency, warm_up), what="a first case (a cached token)")
    platform.revoke_tokens()  # the agency's cached token is no longer valid
    forward(application(platform, number))
    wait_until(lambda: platform.applied(number) == ["in_process", "approved"], what="both status updates")
    refused, accepted, decision = platform.calls(number)
    assert refused.answered == 401 and accepted.answered == 200
    assert refused.token == platform.calls(warm_up)[-1].token != accepted.token
    assert refused.idempotency_key == accepted.idempotency_key
    assert decision.token == accepted.token
    assert updates(agency, number)[0]["attempts"] == 1  # the fresh token is part of the same attempt


def test_a_refusal_of_the_update_itself_fails_it_without_endless_retries(agency, platform, forward):
    number = tracking_number()
    platform.script(number, 422)
    forward(application(platform, number))
    wait_until(lambda: settled(agency, number), what="both updates settled")
    in_process, approved = updates(agency, number)
    assert (in_process["state"], in_process["attempts"], in_process["last_status_code"]) == ("failed", 1, 422)
    assert in_process["last_error"].startswith("platform answered 422")
    assert in_process["next_attempt_at"] is None
    # The decision still goes: the platform refusing one update does not hold the others back.
    assert approved["state"] == "sent"
    assert [c.answered for c in platform.calls(number)] == [422, 200]


def test_a_platform_that_refuses_the_client_credentials_keeps_the_update_pending(agency, platform, forward):
    number = tracking_number()
    platform.revoke_tokens()
    platform.client_secret = "rotated-at-the-platform"
    try:
        forward(application(platform, number))
        wait_until(lambda: first_attempts(agency, number) >= 2, what="two attempts")
        first = updates(agency, number)[0]
        assert first["state"] == "pending"
        assert first["last_error"].startswith("token endpoint answered 401")
        assert {c.answered for c in platform.calls(number)} <= {401}  # the revoked token, at most
        assert platform.applied(number) == []
    finally:
        platform.client_secret = CLIENT_SECRET
    wait_until(lambda: platform.applied(number) == ["in_process", "approved"], what="the updates after the fix")


def test_a_token_about_to_expire_is_not_reused(agency, platform, forward):
    number = tracking_number()
    platform.revoke_tokens()
    platform.expires_in = 30  # within the agency's 30 s margin: fetched again for every update
    try:
        forward(application(platform, number))
        wait_until(lambda: platform.applied(number) == ["in_process", "approved"], what="both status updates")
    finally:
        platform.expires_in = 3600
    *_revoked, in_process, approved = platform.calls(number)
    assert (in_process.answered, approved.answered) == (200, 200)
    assert in_process.token != approved.token


def test_an_unreachable_platform_is_retried(agency, platform, forward):
    number = tracking_number()
    payload = application(platform, number)
    payload["data"]["callback"]["status_url"] = "http://127.0.0.1:9/api/v1/agency/applications/x/status"
    forward(payload)
    wait_until(lambda: first_attempts(agency, number) >= 2, what="two attempts")
    first = updates(agency, number)[0]
    assert first["state"] == "pending" and first["last_status_code"] is None
    assert first["last_error"].startswith("ConnectError")
