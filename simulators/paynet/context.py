"""What the request handlers of the API, the admin endpoints and the bank page share: this
thread's database connection, the settings, and taking a payment with its notification queued.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime

from flask import current_app

from .. import fault_injection, sqlite_store
from . import bills, notifications, store
from .settings import Settings
from .snap import JAKARTA

_connections = sqlite_store.ThreadConnections()
WORKER = "paynet_notifications"  # the app extension holding this process's notification worker


def db() -> sqlite3.Connection:
    return _connections.get(current_app.config["DB_PATH"], store.connect)


def settings() -> Settings:
    return current_app.config["SETTINGS"]


def take_payment(
    *, virtual_account_no: str | None = None, qr_reference: str | None = None, paid_at: datetime | None = None
) -> sqlite3.Row:
    """Pay a bill by its VA number or billing code, or by a QR (at `paid_at`, now by default):
    the payment (bills.PAYMENT_VIEW), its notification queued when there is a platform URL.
    Raises bills.Refused."""
    conn, platform_url = db(), settings().platform_url
    faults = fault_injection.current_faults(conn, current_app.config["FAULT_DEFAULTS"])
    with sqlite_store.transaction(conn):
        bill, code = bills.payable(conn, virtual_account_no=virtual_account_no, qr_reference=qr_reference)
        payment = bills.pay(conn, bill, code, paid_at or datetime.now(JAKARTA))
        if platform_url:
            store.queue_notification(
                conn,
                payment["id"],
                notifications.platform_endpoint(platform_url, notifications.PAYMENT_PATH),
                due=time.time() + faults.late_notification_ms / 1000,
                lost=fault_injection.happens(faults.lost_notification_rate),
            )
    worker = current_app.extensions.get(WORKER)
    if worker is not None:
        worker.wake()
    return payment
