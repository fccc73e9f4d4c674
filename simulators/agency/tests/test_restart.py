"""Durability: status updates are rows, so a restarted simulator sends what was left."""

from __future__ import annotations

import time
from collections import Counter

from .conftest import application, forward_to, start_agency, tracking_number
from .platform_stub import wait_until


def test_an_update_still_pending_at_a_restart_is_sent_after_it(tmp_path, platform):
    number = tracking_number()
    platform.script(number, *[503] * 1000)
    with start_agency(tmp_path) as agency:
        case_id = forward_to(agency.url, application(platform, number)).json()["case_id"]
        wait_until(lambda: len(platform.calls(number)) >= 2, what="two failed attempts")
    failed_attempts = len(platform.calls(number))
    platform.script(number)  # the platform is healthy again
    time.sleep(0.3)
    assert len(platform.calls(number)) == failed_attempts  # nothing is sent while the simulator is down

    with start_agency(tmp_path) as agency:
        wait_until(lambda: platform.applied(number) == ["in_process", "approved"], what="the updates after restart")
        # The simulator records an update as sent once it has the platform's answer: a moment after the platform
        # applied it.
        wait_until(
            lambda: [u["state"] for u in agency.cases(tracking_number=number)[0]["status_updates"]] == ["sent"] * 2,
            what="both updates recorded as sent",
        )
        [case] = agency.cases(tracking_number=number)
    assert case["case_id"] == case_id
    first, second = ((u["state"], u["attempts"]) for u in case["status_updates"])
    # An attempt in flight when the simulator stopped reached the platform but may not have been recorded.
    assert first in {("sent", failed_attempts + 1), ("sent", failed_attempts)}
    assert second == ("sent", 1)
    assert {c.idempotency_key for c in platform.calls(number)[:-1]} == {f"{case_id}:in_process"}


def test_an_update_in_flight_when_the_simulator_stops_is_sent_again_with_the_same_key(tmp_path, platform):
    """The platform may have applied it without the simulator hearing back: the repeat carries
    the same Idempotency-Key, so it is applied once. The dead run's claim does not hold it up."""
    number = tracking_number()
    platform.hold(number, 3)
    with start_agency(tmp_path) as agency:
        case_id = forward_to(agency.url, application(platform, number)).json()["case_id"]
        wait_until(lambda: platform.arrived(number) == 1, what="the first update to reach the platform")
    platform.hold(number, 0)

    with start_agency(tmp_path) as agency:
        wait_until(lambda: len(platform.calls(number)) == 3, what="the held call and both updates after restart")
        wait_until(
            lambda: [u["state"] for u in agency.cases(tracking_number=number)[0]["status_updates"]] == ["sent"] * 2,
            what="both updates recorded as sent",
        )
        [case] = agency.cases(tracking_number=number)
    keys = Counter(c.idempotency_key for c in platform.calls(number))
    assert keys == {f"{case_id}:in_process": 2, f"{case_id}:approved": 1}
    assert platform.applied(number) == ["in_process", "approved"]
    assert [(u["state"], u["attempts"]) for u in case["status_updates"]] == [("sent", 1), ("sent", 1)]


def test_with_a_seed_the_reject_rate_decides_each_tracking_number_the_same_way(tmp_path, platform):
    numbers = [f"MPP-6472-2611-9{n:05d}" for n in range(12)]

    def decisions(run: str, order: list[str]) -> dict[str, str]:
        directory = tmp_path / run
        directory.mkdir()
        with start_agency(directory, reject_rate=0.5, seed=7) as agency:
            for number in order:
                forward_to(agency.url, application(platform, number))
            wait_until(lambda: all(c["decision"] for c in agency.cases()), what="every decision")
            return {case["tracking_number"]: case["decision"] for case in agency.cases()}

    first = decisions("first", numbers)
    assert decisions("second", numbers[::-1]) == first
    assert set(first.values()) == {"approved", "rejected"}
