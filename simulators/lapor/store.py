"""The simulator's own SQLite file: reports, their updates (each with its seq, the polling
cursor), the callbacks to send (an outbox) and the fault switch.

Writes run in BEGIN IMMEDIATE transactions, one writer at a time, so updates commit in the
order of their seq: a poller that has seen seq N never later meets a smaller one. A report
and its Idempotency-Key are one row, written in one transaction: a retry after a lost answer
finds the report.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone

from .. import sqlite_store
from . import faults, lifecycle
from .schemas import NewReport

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    lapor_id TEXT NOT NULL UNIQUE,
    idempotency_key TEXT UNIQUE,  -- NULL: filed at LAPOR! itself
    fingerprint TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('api', 'lapor')),
    reference TEXT,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    category TEXT NOT NULL,
    region_code TEXT NOT NULL,
    agency TEXT NOT NULL,
    anonymous INTEGER NOT NULL,
    confidential INTEGER NOT NULL,
    reporter TEXT,
    attachments INTEGER NOT NULL,
    occurred_on TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_reference ON reports (reference);
CREATE TABLE IF NOT EXISTS updates (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: a seq is never reused
    id TEXT NOT NULL UNIQUE,
    report_pk INTEGER NOT NULL REFERENCES reports (id),
    type TEXT NOT NULL CHECK (type IN ('report.created', 'report.status_changed', 'report.disposition')),
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    agency TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_report ON updates (report_pk, seq);
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY,
    update_seq INTEGER NOT NULL UNIQUE REFERENCES updates (seq),
    url TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    claimed_until REAL,
    last_status_code INTEGER,
    last_error TEXT,
    created_at REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS callbacks_due ON callbacks (state, next_attempt_at);
"""
WIB = timezone(timedelta(hours=7), "WIB")
# An update with what the callback and the poller show of its report.
_SELECT_UPDATES = (
    "SELECT u.*, r.lapor_id, r.reference, r.title, r.content, r.category, r.region_code, r.anonymous,"
    " r.confidential, r.reporter FROM updates u JOIN reports r ON r.id = u.report_pk"
)


class KeyReused(Exception):
    """The Idempotency-Key was used for another report (args[0]: its lapor_id)."""


class UnknownReport(Exception):
    pass


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    return sqlite_store.open_database(path, sqlite_store.SEQUENCES_SCHEMA + _SCHEMA + faults.SCHEMA)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# --- reports -------------------------------------------------------------------------


def file_report(conn: sqlite3.Connection, key: str, report: NewReport) -> tuple[sqlite3.Row, bool]:
    """Store a report from the platform once per Idempotency-Key: (report, True) when new,
    (the earlier report, False) for a key seen before with the same report. Raises KeyReused
    for a key seen with another report. Filing through the API records no update: the
    platform has its answer."""
    fingerprint = report.fingerprint()
    with sqlite_store.transaction(conn):  # the write lock first: two calls with one key meet here
        row = conn.execute("SELECT * FROM reports WHERE idempotency_key = ?", (key,)).fetchone()
        if row is not None:
            if row["fingerprint"] != fingerprint:
                raise KeyReused(row["lapor_id"])
            return row, False
        return _insert_report(conn, report, channel="api", key=key, fingerprint=fingerprint), True


def file_at_lapor(conn: sqlite3.Connection, report: NewReport, *, callback_url: str) -> tuple[sqlite3.Row, int]:
    """Store a report filed at LAPOR! itself and its report.created update; (report, seq)."""
    with sqlite_store.transaction(conn):
        row = _insert_report(conn, report, channel="lapor", key=None, fingerprint=None)
        seq = _record_update(
            conn,
            row,
            kind="report.created",
            status="received",
            note=lifecycle.DEFAULT_NOTES["received"],
            agency=row["agency"],
            url=callback_url,
        )
    return row, seq


def move(
    conn: sqlite3.Connection, lapor_id: str, *, status: str, note: str | None, agency: str | None, callback_url: str
) -> int:
    """Move the report to `status` (a disposition when `agency` is given) and record the update; its seq.

    Raises UnknownReport, or lifecycle.IllegalMove for a move its status does not allow.
    """
    with sqlite_store.transaction(conn):
        row = report(conn, lapor_id)
        if row is None:
            raise UnknownReport(lapor_id)
        lifecycle.check_move(row["status"], status)
        return _record_update(
            conn,
            row,
            kind="report.status_changed" if agency is None else "report.disposition",
            status=status,
            note=lifecycle.DEFAULT_NOTES[status] if note is None else note,
            agency=row["agency"] if agency is None else agency,
            url=callback_url,
        )


def report(conn: sqlite3.Connection, lapor_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM reports WHERE lapor_id = ?", (lapor_id,)).fetchone()


def reports(conn: sqlite3.Connection, *, reference: str | None = None, limit: int = 100) -> list[sqlite3.Row]:
    """Latest first, optionally only those of one platform reference."""
    if reference is None:
        return conn.execute("SELECT * FROM reports ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return conn.execute(
        "SELECT * FROM reports WHERE reference = ? ORDER BY id DESC LIMIT ?", (reference, limit)
    ).fetchall()


def _insert_report(
    conn: sqlite3.Connection, report: NewReport, *, channel: str, key: str | None, fingerprint: str | None
) -> sqlite3.Row:
    year, now = datetime.now(WIB).year, now_iso()
    lapor_id = f"LAPOR-{year}-{sqlite_store.next_value(conn, f'report:{year}'):06d}"
    return conn.execute(
        "INSERT INTO reports (lapor_id, idempotency_key, fingerprint, channel, reference, title, content, category,"
        " region_code, agency, anonymous, confidential, reporter, attachments, occurred_on, status, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?) RETURNING *",
        (
            lapor_id,
            key,
            fingerprint,
            channel,
            report.reference,
            report.title,
            report.content,
            report.category,
            report.region_code,
            report.agency,
            report.anonymous,
            report.confidential,
            None if report.reporter is None else json.dumps(report.reporter, ensure_ascii=False),
            report.attachments,
            report.occurred_on,
            now,
            now,
        ),
    ).fetchone()


# --- updates -------------------------------------------------------------------------


def _record_update(
    conn: sqlite3.Connection, report: sqlite3.Row, *, kind: str, status: str, note: str, agency: str, url: str
) -> int:
    """Append an update (inside the caller's transaction), bring the report along, and queue
    its callback when there is a callback URL; the update's seq."""
    now = now_iso()
    seq = conn.execute(
        "INSERT INTO updates (id, report_pk, type, status, note, agency, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        (str(uuid.uuid4()), report["id"], kind, status, note, agency, now),
    ).fetchone()[0]
    conn.execute(
        "UPDATE reports SET status = ?, agency = ?, updated_at = ? WHERE id = ?", (status, agency, now, report["id"])
    )
    if url:
        conn.execute(
            "INSERT INTO callbacks (update_seq, url, state, next_attempt_at, created_at)"
            " VALUES (?, ?, 'pending', ?, ?)",
            (seq, url, time.time(), time.time()),
        )
    return seq


def update(conn: sqlite3.Connection, seq: int) -> sqlite3.Row:
    return conn.execute(f"{_SELECT_UPDATES} WHERE u.seq = ?", (seq,)).fetchone()


def updates_of(conn: sqlite3.Connection, report_pk: int) -> list[sqlite3.Row]:
    return conn.execute(f"{_SELECT_UPDATES} WHERE u.report_pk = ? ORDER BY u.seq", (report_pk,)).fetchall()


def updates_after(conn: sqlite3.Connection, after: int, limit: int) -> list[sqlite3.Row]:
    return conn.execute(f"{_SELECT_UPDATES} WHERE u.seq > ? ORDER BY u.seq LIMIT ?", (after, limit)).fetchall()


# --- the callback outbox -------------------------------------------------------------


def claim_callback(conn: sqlite3.Connection, now: float, lease_seconds: float) -> sqlite3.Row | None:
    """Take the most overdue pending callback for `lease_seconds`: its id, update_seq, url and attempts.

    The claim is one UPDATE: two server workers never take the same row. One that dies
    holding it leaves it to the lease (or to release_claims when the server starts again).
    """
    return conn.execute(
        "UPDATE callbacks SET claimed_until = ? WHERE id = ("
        " SELECT id FROM callbacks WHERE state = 'pending' AND next_attempt_at <= ?"
        " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at, id LIMIT 1"
        ") RETURNING id, update_seq, url, attempts",
        (now + lease_seconds, now, now),
    ).fetchone()


def finish_attempt(
    conn: sqlite3.Connection,
    callback_id: int,
    *,
    state: str,
    status_code: int | None,
    error: str | None,
    duplicates: int,
    next_attempt_at: float,
    now: float,
) -> None:
    """Record one attempt (and the duplicates sent with it) and release the claim; 'pending' retries."""
    conn.execute(
        "UPDATE callbacks SET state = ?, attempts = attempts + 1, duplicates = duplicates + ?, last_status_code = ?,"
        " last_error = ?, next_attempt_at = ?, claimed_until = NULL, finished_at = ? WHERE id = ?",
        (state, duplicates, status_code, error, next_attempt_at, None if state == "pending" else now, callback_id),
    )


def next_due(conn: sqlite3.Connection) -> float | None:
    """When the next pending callback falls due (it may already have), or None if none waits."""
    return conn.execute(
        "SELECT min(max(next_attempt_at, coalesce(claimed_until, 0))) FROM callbacks WHERE state = 'pending'"
    ).fetchone()[0]


def callbacks(conn: sqlite3.Connection, limit: int = 100) -> list[sqlite3.Row]:
    """Latest first, with their updates' type and report."""
    return conn.execute(
        "SELECT c.*, u.id AS webhook_id, u.type, r.lapor_id FROM callbacks c JOIN updates u ON u.seq = c.update_seq"
        " JOIN reports r ON r.id = u.report_pk ORDER BY c.id DESC LIMIT ?",
        (limit,),
    ).fetchall()


def release_claims(conn: sqlite3.Connection) -> None:
    """Free the claims of a previous run (`serve` calls it before any worker starts)."""
    conn.execute("UPDATE callbacks SET claimed_until = NULL WHERE claimed_until IS NOT NULL")
