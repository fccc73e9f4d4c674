"""The notification sender: a thread in each server process that POSTs pending payment
notifications to the platform, retrying with backoff until one is taken, refused for good,
or its attempts run out.

Started only with a platform URL. Everything it does starts from the database (the
notifications table is the outbox), so a restart, or a second server worker with its own
thread, carries on where the last one stopped; a claim is one conditional UPDATE, so no
notification is sent by two threads at once (a duplicate is sent only when the faults ask).

Every attempt after the first says flagAdvise "Y" and, like every POST, has its own
X-EXTERNAL-ID: the platform recognises the payment by its paymentRequestId.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from .. import backoff, fault_injection, sqlite_store
from ..outbox import OutboxThread
from . import bills, keys, representations, snap, store
from .faults import PaynetFaults
from .notifications import Delivery, Notifier
from .settings import Settings

log = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10
# A claim outlives the longest attempt: a token fetch, then the copies (sent together), at the timeout.
LEASE_SECONDS = 3 * HTTP_TIMEOUT_SECONDS


class NotificationWorker(OutboxThread):
    def __init__(self, settings: Settings, fault_defaults: PaynetFaults) -> None:
        super().__init__(name="paynet-notifications")
        self.settings, self.fault_defaults = settings, fault_defaults

    def run(self) -> None:
        conn = store.connect(self.settings.db_path)
        private_key = keys.load_private_key(
            self.settings.network_private_key_file, source="PAYNET_NETWORK_PRIVATE_KEY_FILE"
        )
        with httpx.Client(timeout=HTTP_TIMEOUT_SECONDS) as client, ThreadPoolExecutor(2) as copies:
            notifier = Notifier(client, self.settings, private_key)
            self.serve(conn, lambda: self._send_one(conn, notifier, copies), store.next_due)

    def _send_one(self, conn: sqlite3.Connection, notifier: Notifier, copies: ThreadPoolExecutor) -> bool:
        claimed = store.claim_notification(conn, time.time(), LEASE_SECONDS)
        if claimed is None:
            return False
        attempt = claimed["attempts"] + 1
        flag_advise = "N" if attempt == 1 else "Y"
        body = snap.minified(
            representations.notification(bills.payment_by_id(conn, claimed["payment_id"]), flag_advise)
        )
        faults = fault_injection.current_faults(conn, self.fault_defaults)
        corrupt = attempt == 1 and fault_injection.happens(faults.wrong_signature_rate)
        count = 2 if fault_injection.happens(faults.duplicate_notification_rate) else 1
        sent = list(copies.map(lambda _: notifier.deliver(claimed["url"], body, corrupt=corrupt), range(count)))
        state = self._state(sent, attempt)
        now = time.time()
        retry_at = now + backoff.retry_delay(attempt, self.settings.retry_base) if state == "pending" else now
        with sqlite_store.transaction(conn):
            for copy, delivery in enumerate(sent):
                store.record_delivery(
                    conn,
                    claimed["id"],
                    attempt,
                    duplicate=copy,
                    external_id=delivery.external_id,
                    flag_advise=flag_advise,
                    signature=delivery.signature,
                    outcome=delivery.outcome,
                    status_code=delivery.status_code,
                    response_code=delivery.response_code,
                    error=delivery.error,
                )
            store.finish_attempt(conn, claimed["id"], state=state, next_attempt_at=retry_at, now=now)
        log.info("notification of payment %s: %s %s", claimed["payment_id"], state, sent[0].error or "")
        return True

    def _state(self, sent: list[Delivery], attempt: int) -> str:
        """'sent' if any copy was taken, 'refused' on the platform's final no, else 'pending' or,
        with the attempts used up, 'failed'."""
        outcome = "sent" if any(d.outcome == "sent" for d in sent) else sent[0].outcome
        if outcome != "retry":
            return outcome
        return "failed" if attempt >= self.settings.max_attempts else "pending"
