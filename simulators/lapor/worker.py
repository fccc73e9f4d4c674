"""The callback sender: a thread in each server process that POSTs pending callbacks to the
platform, retrying with backoff until one is taken or its attempts run out.

Started only with a callback URL. Everything it does starts from the database (the callbacks
table is the outbox), so a restart, or a second server worker with its own thread, carries on
where the last one stopped; a claim is one conditional UPDATE, so no callback is sent by two
threads at once (a duplicate is sent only when the faults ask for one).
"""

from __future__ import annotations

import logging
import sqlite3
import time

import httpx
from standardwebhooks import Webhook

from .. import backoff, fault_injection, standard_webhooks
from ..outbox import OutboxThread
from . import callbacks, representations, store
from .faults import LaporFaults
from .settings import Settings

log = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10
# A claim outlives the longest attempt: the callback and its duplicate, both at the timeout.
LEASE_SECONDS = 3 * HTTP_TIMEOUT_SECONDS


class CallbackWorker(OutboxThread):
    def __init__(self, settings: Settings, fault_defaults: LaporFaults) -> None:
        super().__init__(name="lapor-callbacks")
        self.settings, self.fault_defaults = settings, fault_defaults

    def run(self) -> None:
        conn = store.connect(self.settings.db_path)
        webhook = standard_webhooks.webhook(self.settings.webhook_secret, source="LAPOR_WEBHOOK_SECRET")
        with httpx.Client(timeout=HTTP_TIMEOUT_SECONDS) as client:
            self.serve(conn, lambda: self._send_one(conn, client, webhook), store.next_due)

    def _send_one(self, conn: sqlite3.Connection, client: httpx.Client, webhook: Webhook) -> bool:
        claimed = store.claim_callback(conn, time.time(), LEASE_SECONDS)
        if claimed is None:
            return False
        shown = representations.update(store.update(conn, claimed["update_seq"]))
        body, webhook_id = representations.callback_body(shown), str(shown["id"])
        outcome = callbacks.deliver(client, webhook, claimed["url"], webhook_id, body)
        duplicates = 0
        faults = fault_injection.current_faults(conn, self.fault_defaults)
        if outcome.taken and fault_injection.happens(faults.duplicate_callback_rate):
            callbacks.deliver(client, webhook, claimed["url"], webhook_id, body)  # the same webhook-id again
            duplicates = 1
        attempts, now = claimed["attempts"] + 1, time.time()
        state = "sent" if outcome.taken else "failed" if attempts >= self.settings.max_attempts else "pending"
        store.finish_attempt(
            conn,
            claimed["id"],
            state=state,
            status_code=outcome.status_code,
            error=outcome.error,
            duplicates=duplicates,
            next_attempt_at=now + backoff.retry_delay(attempts, self.settings.retry_base)
            if state == "pending"
            else now,
            now=now,
        )
        log.info("callback %s (seq %s): %s %s", webhook_id, claimed["update_seq"], state, outcome.error or "")
        return True
