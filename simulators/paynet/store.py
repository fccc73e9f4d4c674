"""The simulator's own SQLite file: the bills, QRs and payments (bills.py), and here the access
tokens it issued, the answers remembered per X-EXTERNAL-ID, the notifications to send (an
outbox) with every delivery attempt, the settlement file's adjustments and the fault switch.

Everything the server workers share lives here, so several granian workers behave as one
network: a token issued by one is honoured by another, an X-EXTERNAL-ID answered by one is
replayed by another, and a notification is claimed by one sender at a time.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3

from .. import sqlite_store
from . import bills, faults

_SCHEMA = """
CREATE TABLE IF NOT EXISTS access_tokens (
    token_hash TEXT PRIMARY KEY,  -- SHA-256 of the token: the token itself is never stored
    client_key TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (  -- X-EXTERNAL-ID: the first successful answer, replayed that day
    client_key TEXT NOT NULL,
    day TEXT NOT NULL,  -- of X-TIMESTAMP, in WIB
    external_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,  -- of the method, path and body
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (client_key, day, external_id)
);
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL UNIQUE REFERENCES payments (id),
    url TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'refused', 'failed', 'lost')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    claimed_until REAL,
    created_at REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS notifications_due ON notifications (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS deliveries (  -- one POST of a notification
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications (id),
    attempt INTEGER NOT NULL,
    duplicate INTEGER NOT NULL,  -- 1: the second copy sent by duplicate_notification_rate
    external_id TEXT NOT NULL,
    flag_advise TEXT NOT NULL,
    signature TEXT NOT NULL CHECK (signature IN ('valid', 'corrupted')),
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'refused')),
    status_code INTEGER,
    response_code TEXT,
    error TEXT,
    sent_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_notification ON deliveries (notification_id, id);
CREATE TABLE IF NOT EXISTS settlement_adjustments (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('extra', 'amount', 'omit')),
    payment_id INTEGER UNIQUE REFERENCES payments (id),  -- amount, omit: one per payment, the last wins
    settle_date TEXT NOT NULL,
    amount INTEGER,  -- extra, amount
    payment_request_id TEXT,  -- the payment adjusted, or the extra line's; then the line as written
    virtual_account_no TEXT,
    trx_id TEXT,
    channel TEXT,
    paid_at TEXT,
    reference_no TEXT,
    ntpn TEXT,
    created_at TEXT NOT NULL
);
"""
_NOTIFICATIONS = (
    "SELECT n.*, p.payment_request_id, b.trx_id FROM notifications n JOIN payments p ON p.id = n.payment_id"
    " JOIN bills b ON b.id = p.bill_id"
)
TOKEN_GRACE_SECONDS = 3600  # expired tokens are swept this long after they expire


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    return sqlite_store.open_database(path, sqlite_store.SEQUENCES_SCHEMA + bills.SCHEMA + _SCHEMA + faults.SCHEMA)


# --- access tokens -------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def save_token(conn: sqlite3.Connection, token: str, client_key: str, *, expires_at: float, now: float) -> None:
    conn.execute("DELETE FROM access_tokens WHERE expires_at < ?", (now - TOKEN_GRACE_SECONDS,))
    conn.execute(
        "INSERT INTO access_tokens (token_hash, client_key, expires_at) VALUES (?, ?, ?)",
        (_token_hash(token), client_key, expires_at),
    )


def token_holder(conn: sqlite3.Connection, token: str, now: float) -> str | None:
    """The client key `token` was issued to, if it has not expired."""
    row = conn.execute(
        "SELECT client_key FROM access_tokens WHERE token_hash = ? AND expires_at > ?", (_token_hash(token), now)
    ).fetchone()
    return None if row is None else row[0]


# --- answers per X-EXTERNAL-ID -------------------------------------------------------


def earlier_answer(conn: sqlite3.Connection, client_key: str, day: str, external_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT fingerprint, body FROM answers WHERE client_key = ? AND day = ? AND external_id = ?",
        (client_key, day, external_id),
    ).fetchone()


def remember_answer(
    conn: sqlite3.Connection, client_key: str, day: str, external_id: str, *, fingerprint: str, body: str
) -> None:
    conn.execute(
        "INSERT INTO answers (client_key, day, external_id, fingerprint, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (client_key, day, external_id, fingerprint, body, bills.now_iso()),
    )


# --- the notification outbox ---------------------------------------------------------


def queue_notification(conn: sqlite3.Connection, payment_id: int, url: str, *, due: float, lost: bool) -> None:
    """Queue the notification of a payment (inside its transaction); a lost one is recorded, never sent."""
    conn.execute(
        "INSERT INTO notifications (payment_id, url, state, next_attempt_at, created_at, finished_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (payment_id, url, "lost" if lost else "pending", due, due, due if lost else None),
    )


def claim_notification(conn: sqlite3.Connection, now: float, lease_seconds: float) -> sqlite3.Row | None:
    """Take the most overdue pending notification for `lease_seconds`: its id, payment_id, url
    and attempts. One UPDATE: two server workers never take the same row."""
    return conn.execute(
        "UPDATE notifications SET claimed_until = ? WHERE id = ("
        " SELECT id FROM notifications WHERE state = 'pending' AND next_attempt_at <= ?"
        " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at, id LIMIT 1"
        ") RETURNING id, payment_id, url, attempts",
        (now + lease_seconds, now, now),
    ).fetchone()


def record_delivery(conn: sqlite3.Connection, notification_id: int, attempt: int, **delivery: object) -> None:
    """One POST of the notification: duplicate, external_id, flag_advise, signature, outcome,
    status_code, response_code, error."""
    columns = ", ".join(delivery)
    conn.execute(
        f"INSERT INTO deliveries (notification_id, attempt, {columns}, sent_at)"  # noqa: S608 - our own names
        f" VALUES (?, ?, {', '.join('?' * len(delivery))}, ?)",
        (notification_id, attempt, *delivery.values(), bills.now_iso()),
    )


def finish_attempt(
    conn: sqlite3.Connection, notification_id: int, *, state: str, next_attempt_at: float, now: float
) -> None:
    """Count the attempt and release the claim; 'pending' tries again at `next_attempt_at`."""
    conn.execute(
        "UPDATE notifications SET state = ?, attempts = attempts + 1, next_attempt_at = ?, claimed_until = NULL,"
        " finished_at = ? WHERE id = ?",
        (state, next_attempt_at, None if state == "pending" else now, notification_id),
    )


def next_due(conn: sqlite3.Connection) -> float | None:
    """When the next pending notification falls due (it may already have), or None if none waits."""
    return conn.execute(
        "SELECT min(max(next_attempt_at, coalesce(claimed_until, 0))) FROM notifications WHERE state = 'pending'"
    ).fetchone()[0]


def release_claims(conn: sqlite3.Connection) -> None:
    """Free the claims of a previous run (`serve` calls it before any worker starts)."""
    conn.execute("UPDATE notifications SET claimed_until = NULL WHERE claimed_until IS NOT NULL")


def notifications(conn: sqlite3.Connection, *, trx_id: str | None, limit: int) -> list[sqlite3.Row]:
    """Latest first, with their payment's id and bill."""
    where, args = ("WHERE b.trx_id = ?", (trx_id,)) if trx_id is not None else ("", ())
    return conn.execute(f"{_NOTIFICATIONS} {where} ORDER BY n.id DESC LIMIT ?", (*args, limit)).fetchall()


def notification_state(conn: sqlite3.Connection, payment_id: int) -> str | None:
    """The state of a payment's notification; None when there is none (no platform URL)."""
    row = conn.execute("SELECT state FROM notifications WHERE payment_id = ?", (payment_id,)).fetchone()
    return None if row is None else row[0]


def deliveries_of(conn: sqlite3.Connection, notification_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM deliveries WHERE notification_id = ? ORDER BY id", (notification_id,)).fetchall()


# --- the settlement file -------------------------------------------------------------


def adjust_settlement(conn: sqlite3.Connection, kind: str, **line: object) -> sqlite3.Row:
    """Record an adjustment of the settlement file; one of a payment replaces its earlier one."""
    values = {"kind": kind, **line, "created_at": bills.now_iso()}
    columns = ", ".join(values)
    updates = ", ".join(f"{name} = excluded.{name}" for name in values)
    return conn.execute(
        f"INSERT INTO settlement_adjustments ({columns}) VALUES ({', '.join('?' * len(values))})"  # noqa: S608
        f" ON CONFLICT (payment_id) DO UPDATE SET {updates} RETURNING *",
        tuple(values.values()),
    ).fetchone()


def adjustments(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM settlement_adjustments ORDER BY id DESC").fetchall()


def settlement_lines(conn: sqlite3.Connection, day: str) -> list[sqlite3.Row]:
    """The day's lines: its payments (an altered amount applied, omitted ones left out) and the
    extra lines, in the order they were paid."""
    return conn.execute(
        "SELECT p.payment_request_id, b.virtual_account_no, b.trx_id, p.channel,"
        " coalesce(a.amount, p.amount) AS amount, p.paid_at, p.reference_no, p.ntpn"
        " FROM payments p JOIN bills b ON b.id = p.bill_id LEFT JOIN settlement_adjustments a ON a.payment_id = p.id"
        " WHERE p.settle_date = ? AND coalesce(a.kind, '') != 'omit'"
        " UNION ALL SELECT payment_request_id, virtual_account_no, trx_id, channel, amount, paid_at, reference_no,"
        " ntpn FROM settlement_adjustments WHERE kind = 'extra' AND settle_date = ?"
        " ORDER BY paid_at, payment_request_id",
        (day, day),
    ).fetchall()
