"""The simulator's own SQLite file: the back ends' subjects (tax objects, water customers)
and their own bills, the payable bills inquiries issued, the payments, and the fault switch.

Both back ends share the tables, told apart by `service` ("pbb", "pdam"). Exactly once rests
on unique constraints: a payment's Idempotency-Key is UNIQUE per service and its bill id
UNIQUE, and payments are written in BEGIN IMMEDIATE transactions (payments.py), so several
server workers never record one twice. A payable bill is stored once per fingerprint of
what it asks for, so the same dues always get the same bill id.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, date, datetime

from .. import sqlite_store
from . import faults
from .billing import Charge, Due, Service

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subjects (
    service TEXT NOT NULL CHECK (service IN ('pbb', 'pdam')),
    number TEXT NOT NULL,   -- the NOP's 18 digits, or the 10-digit customer number
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    details TEXT NOT NULL,  -- JSON: what else the back end shows (kelurahan, areas; tariff group)
    PRIMARY KEY (service, number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS charges (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    subject TEXT NOT NULL,
    period TEXT NOT NULL,   -- "2026": an SPPT; "2026-11": a month of water
    amount INTEGER NOT NULL CHECK (amount > 0),  -- the SPPT's principal, the month's water bill
    usage_m3 INTEGER,       -- PDAM only
    paid_at TEXT,           -- NULL: unpaid
    payment_id INTEGER REFERENCES payments (id),  -- NULL for what was paid before the demo data begins
    UNIQUE (service, subject, period),
    FOREIGN KEY (service, subject) REFERENCES subjects (service, number)
);
CREATE TABLE IF NOT EXISTS bills (
    id TEXT PRIMARY KEY,    -- PBB-2026-000123
    service TEXT NOT NULL,
    subject TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    items TEXT NOT NULL,    -- JSON, as the inquiry showed them
    amount INTEGER NOT NULL,
    issued_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
    id INTEGER PRIMARY KEY,
    receipt_no TEXT NOT NULL UNIQUE,
    service TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,  -- of the confirmation's body: a replay must match it
    bill_id TEXT NOT NULL UNIQUE REFERENCES bills (id),
    amount INTEGER NOT NULL,
    paid_at TEXT NOT NULL,      -- as the platform sent it
    reference TEXT NOT NULL,
    channel TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (service, idempotency_key)
);
"""


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    return sqlite_store.open_database(
        path, sqlite_store.SEQUENCES_SCHEMA + sqlite_store.META_SCHEMA + _SCHEMA + faults.SCHEMA
    )


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def numbered(conn: sqlite3.Connection, prefix: str, today: date) -> str:
    """The next bill id or receipt number with `prefix` (each back end has its own of both) in
    the year of `today`: PBB-2026-000123, inside the caller's transaction."""
    serial = sqlite_store.next_value(conn, f"{prefix}:{today.year}")
    return f"{prefix}-{today.year}-{serial:06d}"


# --- subjects and their own bills ------------------------------------------------------


def insert_subject(
    conn: sqlite3.Connection, service: str, number: str, *, name: str, address: str, details: dict[str, object]
) -> None:
    conn.execute(
        "INSERT INTO subjects (service, number, name, address, details) VALUES (?, ?, ?, ?, ?)",
        (service, number, name, address, json.dumps(details, ensure_ascii=False)),
    )


def insert_charge(
    conn: sqlite3.Connection,
    service: str,
    subject: str,
    charge: Charge,
    *,
    paid_at: str | None = None,
) -> None:
    """Raises sqlite3.IntegrityError when the subject already has a bill for the period."""
    conn.execute(
        "INSERT INTO charges (service, subject, period, amount, usage_m3, paid_at) VALUES (?, ?, ?, ?, ?, ?)",
        (service, subject, charge.period, charge.amount, charge.usage_m3, paid_at),
    )


def subject(conn: sqlite3.Connection, service: str, number: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM subjects WHERE service = ? AND number = ?", (service, number)).fetchone()


def subjects(conn: sqlite3.Connection, service: str, *, limit: int, offset: int) -> list[sqlite3.Row]:
    """In number order, each with `unpaid`: its unpaid periods, comma-separated (NULL: none)."""
    return conn.execute(
        "SELECT s.*, (SELECT group_concat(period, ',') FROM (SELECT period FROM charges c"
        "  WHERE c.service = s.service AND c.subject = s.number AND c.paid_at IS NULL ORDER BY period)) AS unpaid"
        " FROM subjects s WHERE s.service = ? ORDER BY s.number LIMIT ? OFFSET ?",
        (service, limit, offset),
    ).fetchall()


def charges_of(conn: sqlite3.Connection, service: str, number: str) -> list[sqlite3.Row]:
    """All of a subject's own bills, oldest first, with the receipt of those paid here."""
    return conn.execute(
        "SELECT c.*, p.receipt_no FROM charges c LEFT JOIN payments p ON p.id = c.payment_id"
        " WHERE c.service = ? AND c.subject = ? ORDER BY c.period",
        (service, number),
    ).fetchall()


def unpaid_charges(conn: sqlite3.Connection, service: str, number: str) -> list[Charge]:
    rows = conn.execute(
        "SELECT period, amount, usage_m3 FROM charges WHERE service = ? AND subject = ? AND paid_at IS NULL",
        (service, number),
    ).fetchall()
    return [Charge(row["period"], row["amount"], row["usage_m3"]) for row in rows]


# --- payable bills ---------------------------------------------------------------------


def issue_bill(conn: sqlite3.Connection, service: Service, number: str, due: Due, today: date) -> str:
    """The id of the payable bill for `due`: the one issued before for the same dues, else a new one."""
    fingerprint = due.fingerprint(service.name, number)
    found = _bill_by_fingerprint(conn, fingerprint)
    if found is not None:
        return found
    with sqlite_store.transaction(conn):  # two inquiries at once: the second finds the first's bill
        found = _bill_by_fingerprint(conn, fingerprint)
        if found is not None:
            return found
        bill_id = numbered(conn, service.bill_prefix, today)
        items = json.dumps(due.shown(), ensure_ascii=False)
        conn.execute(
            "INSERT INTO bills (id, service, subject, fingerprint, items, amount, issued_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (bill_id, service.name, number, fingerprint, items, due.amount, now_iso()),
        )
    return bill_id


def bill(conn: sqlite3.Connection, service: str, bill_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM bills WHERE service = ? AND id = ?", (service, bill_id)).fetchone()


def _bill_by_fingerprint(conn: sqlite3.Connection, fingerprint: str) -> str | None:
    row = conn.execute("SELECT id FROM bills WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return None if row is None else row[0]


# --- payments --------------------------------------------------------------------------


def payment_by_key(conn: sqlite3.Connection, service: str, key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM payments WHERE service = ? AND idempotency_key = ?", (service, key)).fetchone()


def payment_of_bill(conn: sqlite3.Connection, bill_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM payments WHERE bill_id = ?", (bill_id,)).fetchone()


def insert_payment(conn: sqlite3.Connection, **values: object) -> sqlite3.Row:
    """Raises sqlite3.IntegrityError for a key or bill already recorded (the transaction in
    payments.py has checked both; this is the guarantee behind it)."""
    columns = ("receipt_no", "service", "idempotency_key", "fingerprint", "bill_id", "amount", "paid_at")
    columns += ("reference", "channel", "recorded_at")
    return conn.execute(
        f"INSERT INTO payments ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) RETURNING *",  # noqa: S608
        tuple(values[name] for name in columns),
    ).fetchone()


def mark_paid(conn: sqlite3.Connection, service: str, number: str, periods: list[str], payment: sqlite3.Row) -> None:
    """Mark the subject's unpaid bills of `periods` paid by `payment`."""
    conn.execute(
        f"UPDATE charges SET paid_at = ?, payment_id = ? WHERE service = ? AND subject = ?"  # noqa: S608
        f" AND paid_at IS NULL AND period IN ({', '.join('?' * len(periods))})",
        (payment["paid_at"], payment["id"], service, number, *periods),
    )


def payments(conn: sqlite3.Connection, service: str | None, *, limit: int, offset: int) -> list[sqlite3.Row]:
    """Latest first, with their bill's subject and items; of one service, or of both (None)."""
    return conn.execute(
        "SELECT p.*, b.subject, b.items FROM payments p JOIN bills b ON b.id = p.bill_id"
        " WHERE ? IS NULL OR p.service = ? ORDER BY p.id DESC LIMIT ? OFFSET ?",
        (service, service, limit, offset),
    ).fetchall()
