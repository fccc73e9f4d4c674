"""The back office: a thread in each server process that decides due cases and sends
pending status updates.

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
        with sqlite_store.transaction(conn):
            case = store.due_case(conn, now)
            if case is None:  # another worker took it
                return True
            application = json.loads(case["application"])
            year = store.current_year()
            if decision.is_rejected(application, reject_rate=self.settings.reject_rate, seed=self.settings.seed):
                verdict, updates = "rejected", decision.rejection()
            else:
                prefix = decision.classification(application)
                sequence = sqlite_store.next_value(conn, f"registration:{prefix}:{year}")
                verdict = "approved"
                updates = decision.approval(application, decision.registration_number(prefix, sequence, year))
            store.decide_case(conn, case, verdict, updates, now=now)
        log.info("case %s %s", case["case_id"], verdict)
        return True

    def _send_one(self, conn: sqlite3.Connection, client: httpx.Client, tokens: outbound.TokenCache) -> bool:
        update = store.claim_update(conn, time.time(), LEASE_SECONDS)
        if update is None:
            return False
        try:
            outcome = outbound.deliver(client, tokens, update)
        except Exception as exc:  # e.g. a status URL httpx cannot parse: retried, and visible in /cases
            log.exception("status update %s failed unexpectedly", update["idempotency_key"])
            outcome = outbound.Outcome("retry", error=f"{exc.__class__.__name__}: {exc}")
        now = time.time()
        delay = backoff.retry_delay(update["attempts"] + 1, self.settings.retry_base)
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
        return True
