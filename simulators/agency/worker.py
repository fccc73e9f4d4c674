"""The back office: a thread in each server process that decides due cases (as the agency
profile lays out) and sends pending status updates and case reports.

A thread rather than a separate `work` process keeps the simulator one process to run
(Procfile, tests) while the work stays asynchronous: the webhook is answered as soon as
the case is stored. Everything the thread does starts from the database, so a restart
(or a second server worker with its own thread) picks up where the last one stopped.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time

import httpx

from .. import backoff, sqlite_store
from ..outbox import OutboxThread
from . import decision, outbound, store
from .settings import Settings

log = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10
# A claim outlives the longest attempt: two token fetches and two posts at the timeout.
LEASE_SECONDS = 6 * HTTP_TIMEOUT_SECONDS


class Worker(OutboxThread):
    def __init__(self, settings: Settings) -> None:
        super().__init__(name="agency-worker")
        self.settings = settings

    def run(self) -> None:
        conn = store.connect(self.settings.db_path)
        with httpx.Client(timeout=HTTP_TIMEOUT_SECONDS) as client:
            tokens = outbound.TokenCache(client, self.settings.client_id, self.settings.client_secret)
            # A decision due first, then a status update to send.
            self.serve(conn, lambda: self._decide_one(conn) or self._send_one(conn, client, tokens), store.next_due)

    def _decide_one(self, conn: sqlite3.Connection) -> bool:
        now = time.time()
        if store.due_case(conn, now) is None:  # a cheap read before taking the write lock
            return False
        profile = self.settings.profile
        with sqlite_store.transaction(conn):
            case = store.due_case(conn, now)
            if case is None:  # another worker took it
                return True
            application = json.loads(case["application"])
            # A handed-over case has no tracking number until the platform takes it: its case id draws.
            drawn = {**application, "tracking_number": case["tracking_number"] or case["case_id"]}
            rejected = decision.is_rejected(drawn, reject_rate=self.settings.reject_rate, seed=self.settings.seed)
            # A handed-over case reported its first status when it was created.
            skip = frozenset({profile.initial_status.code}) if case["handed_over"] else frozenset()
            plan = decision.plan(conn, profile, case, application, rejected=rejected, skip=skip)
            store.decide_case(
                conn,
                case,
                plan.verdict,
                plan.updates,
                now=now,
                step_delay=self.settings.step_delay,
                external_reference=case["external_reference"] or plan.external_reference,
            )
        log.info("case %s %s", case["case_id"], plan.verdict)
        return True

    def _send_one(self, conn: sqlite3.Connection, client: httpx.Client, tokens: outbound.TokenCache) -> bool:
        update = store.claim_update(conn, time.time(), LEASE_SECONDS)
        if update is None:
            return False
        attempt(conn, client, tokens, update, self.settings.retry_base)
        return True


def attempt(
    conn: sqlite3.Connection,
    client: httpx.Client,
    tokens: outbound.TokenCache,
    update: sqlite3.Row,
    retry_base: float,
) -> outbound.Outcome:
    """One attempt at a claimed update, recorded (and the claim released): sent, failed, or
    pending with its next attempt scheduled. A report the platform took gives the case its
    tracking number and status URL in the same transaction."""
    try:
        outcome = outbound.deliver(client, tokens, update)
    except Exception as exc:  # e.g. a status URL httpx cannot parse: retried, and visible in /cases
        log.exception("status update %s failed unexpectedly", update["idempotency_key"])
        outcome = outbound.Outcome("retry", error=f"{exc.__class__.__name__}: {exc}")
    now = time.time()
    delay = backoff.retry_delay(update["attempts"] + 1, retry_base)
    with sqlite_store.transaction(conn):
        if outcome.created is not None:
            store.record_report(conn, update["case_pk"], *outcome.created)
        store.finish_attempt(
            conn,
            update["id"],
            state="pending" if outcome.state == "retry" else outcome.state,
            status_code=outcome.status_code,
            error=outcome.error,
            next_attempt_at=now + delay if outcome.state == "retry" else now,
            now=now,
        )
    log.info("status update %s: %s %s", update["idempotency_key"], outcome.state, outcome.error or "")
    return outcome
