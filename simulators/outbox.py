"""The sending loop of a simulator's outbox thread (LAPOR!'s callbacks, the payment network's notifications):
send what is due, one claim at a time, and otherwise sleep until the next is due or a request wakes the thread.
Each simulator brings its own step (claim one row, send it, record the outcome) and its own ``next_due``."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

# Longest idle wait: a row queued by another server worker is seen this late at most (one this
# process queues wakes it at once, and a retry due sooner is waited for exactly).
POLL_SECONDS = 0.25


class OutboxThread(threading.Thread):
    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self._wake = threading.Event()

    def wake(self) -> None:
        """Look for work now (a row was just queued) instead of at the next poll."""
        self._wake.set()

    def serve(
        self,
        conn: sqlite3.Connection,
        send_one: Callable[[], bool],
        next_due: Callable[[sqlite3.Connection], float | None],
    ) -> None:
        """Forever: ``send_one()`` while it finds work, else wait for the next due row or a wake-up."""
        while True:
            try:
                idle = 0.0 if send_one() else _idle_seconds(next_due(conn))
            except Exception:  # the sender must outlive any one bad row or locked database
                log.exception("%s: sending step failed", self.name)
                idle = POLL_SECONDS
            if idle:
                self._wake.wait(idle)
                self._wake.clear()


def _idle_seconds(due: float | None) -> float:
    return POLL_SECONDS if due is None else min(POLL_SECONDS, max(due - time.time(), 0.0))
