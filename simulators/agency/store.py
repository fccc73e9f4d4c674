"""The simulator's own SQLite file: cases, their status updates (the outbox) and the
fault switch.

Status updates are rows, not only work in memory: a restart of the simulator resumes
whatever was still pending. Several server workers may share the file; every claim on
a row is a single conditional UPDATE, so no two of them take the same work.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .. import fault_injection, sqlite_store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE,
    webhook_id TEXT NOT NULL UNIQUE,
    tracking_number TEXT NOT NULL,
    application TEXT NOT NULL,
    status_url TEXT NOT NULL,
    token_url TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('received', 'decided')),
    decision TEXT CHECK (decision IN ('approved', 'rejected')),
    external_reference TEXT,
    received_at REAL NOT NULL,
    process_at REAL NOT NULL,
    decided_at REAL
);
CREATE INDEX IF NOT EXISTS cases_due ON cases (state, process_at);
CREATE INDEX IF NOT EXISTS cases_tracking_number ON cases (tracking_number);
CREATE TABLE IF NOT EXISTS status_updates (
    id INTEGER PRIMARY KEY,
    case_pk INTEGER NOT NULL REFERENCES cases (id),
    position INTEGER NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    external_reference TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    claimed_until REAL,
    last_status_code INTEGER,
    last_error TEXT,
    finished_at REAL,
    UNIQUE (case_pk, position)
);
CREATE INDEX IF NOT EXISTS status_updates_due ON status_updates (state, next_attempt_at);
"""
WIB = timezone(timedelta(hours=7), "WIB")


@dataclass(frozen=True)
class NewCase:
    webhook_id: str
    tracking_number: str
    application: dict[str, object]  # the webhook's `data`, kept as received
    status_url: str
    token_url: str


@dataclass(frozen=True)
class NewUpdate:
    status: str
    note: str
    external_reference: str | None = None


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    return sqlite_store.open_database(
        path, sqlite_store.SEQUENCES_SCHEMA + _SCHEMA + fault_injection.FAULT_SETTINGS_SCHEMA
    )


def current_year() -> int:
    """The year that case and registration numbers carry: Indonesia's (WIB), not UTC's."""
    return datetime.now(WIB).year


# --- cases ---------------------------------------------------------------------------


def add_case(conn: sqlite3.Connection, case: NewCase, *, now: float, process_at: float) -> tuple[str, bool]:
    """Store a forwarded application once per webhook id: (case id, True) when new,
    (the earlier case's id, False) when this webhook id was seen before.

    Concurrent deliveries of one webhook id meet at the UNIQUE constraint: the loser's
    INSERT fails, its transaction (and the case number it drew) is rolled back, and it
    answers with the winner's case.
    """
    try:
        with sqlite_store.transaction(conn):
            year = current_year()
            case_id = f"SIAK-{year}-{sqlite_store.next_value(conn, f'case:{year}'):06d}"
            conn.execute(
                "INSERT INTO cases (case_id, webhook_id, tracking_number, application, status_url, token_url,"
                " state, received_at, process_at) VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?)",
                (
                    case_id,
                    case.webhook_id,
                    case.tracking_number,
                    json.dumps(case.application, ensure_ascii=False),
                    case.status_url,
                    case.token_url,
                    now,
                    process_at,
                ),
            )
    except sqlite3.IntegrityError:
        row = conn.execute("SELECT case_id FROM cases WHERE webhook_id = ?", (case.webhook_id,)).fetchone()
        if row is None:  # not the webhook id that collided
            raise
        return row["case_id"], False
    return case_id, True


def due_case(conn: sqlite3.Connection, now: float) -> sqlite3.Row | None:
    """The oldest received case whose processing time has come (read inside a transaction)."""
    return conn.execute(
        "SELECT * FROM cases WHERE state = 'received' AND process_at <= ? ORDER BY process_at, id LIMIT 1", (now,)
    ).fetchone()


def decide_case(
    conn: sqlite3.Connection, case: sqlite3.Row, decision: str, updates: list[NewUpdate], *, now: float
) -> None:
    """Record the decision and queue its status updates, sent in this order (inside a transaction)."""
    external_reference = next((u.external_reference for u in updates if u.external_reference), None)
    conn.execute(
        "UPDATE cases SET state = 'decided', decision = ?, external_reference = ?, decided_at = ? WHERE id = ?",
        (decision, external_reference, now, case["id"]),
    )
    conn.executemany(
        "INSERT INTO status_updates (case_pk, position, status, note, external_reference, idempotency_key, state,"
        " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        [
            (case["id"], position, u.status, u.note, u.external_reference, f"{case['case_id']}:{u.status}", now)
            for position, u in enumerate(updates, start=1)
        ],
    )


def cases(conn: sqlite3.Connection, *, tracking_number: str | None = None, limit: int = 100) -> list[sqlite3.Row]:
    """Latest first, optionally only those of one tracking number."""
    if tracking_number is None:
        return conn.execute("SELECT * FROM cases ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return conn.execute(
        "SELECT * FROM cases WHERE tracking_number = ? ORDER BY id DESC LIMIT ?", (tracking_number, limit)
    ).fetchall()


def get_case(conn: sqlite3.Connection, case_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM cases WHERE case_id = ?", (case_id,)).fetchone()


def updates_of(conn: sqlite3.Connection, case_pk: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM status_updates WHERE case_pk = ? ORDER BY position", (case_pk,)).fetchall()


# --- the outbox ----------------------------------------------------------------------


# An update waits until every earlier update of its case is no longer pending, so the
# platform sees in_process before the decision.
_NOT_BLOCKED = (
    "NOT EXISTS (SELECT 1 FROM status_updates e"
    " WHERE e.case_pk = u.case_pk AND e.position < u.position AND e.state = 'pending')"
)


def claim_update(conn: sqlite3.Connection, now: float, lease_seconds: float) -> sqlite3.Row | None:
    """Take the most overdue pending update for `lease_seconds`, with its case's callback URLs.

    The claim is one UPDATE: two workers never take the same row. A worker that dies
    holding one leaves it to the lease (or to release_claims when the server starts again).
    """
    row = conn.execute(
        "UPDATE status_updates SET claimed_until = ? WHERE id = ("  # noqa: S608 - joins constants only
        " SELECT u.id FROM status_updates u WHERE u.state = 'pending' AND u.next_attempt_at <= ?"
        f" AND (u.claimed_until IS NULL OR u.claimed_until < ?) AND {_NOT_BLOCKED}"
        " ORDER BY u.next_attempt_at, u.id LIMIT 1"
        ") RETURNING id",
        (now + lease_seconds, now, now),
    ).fetchone()
    if row is None:
        return None
    return conn.execute(
        "SELECT u.*, c.case_id, c.tracking_number, c.status_url, c.token_url"
        " FROM status_updates u JOIN cases c ON c.id = u.case_pk WHERE u.id = ?",
        (row["id"],),
    ).fetchone()


def finish_attempt(
    conn: sqlite3.Connection,
    update_id: int,
    *,
    state: str,
    status_code: int | None,
    error: str | None,
    next_attempt_at: float,
    now: float,
) -> None:
    """Record one delivery attempt and release the claim: `state` 'pending' schedules a retry."""
    conn.execute(
        "UPDATE status_updates SET state = ?, attempts = attempts + 1, last_status_code = ?, last_error = ?,"
        " next_attempt_at = ?, claimed_until = NULL, finished_at = ? WHERE id = ?",
        (state, status_code, error, next_attempt_at, None if state == "pending" else now, update_id),
    )


def next_due(conn: sqlite3.Connection) -> float | None:
    """When the next case or update falls due (it may already have), or None if nothing waits."""
    return conn.execute(
        "SELECT min(due) FROM (SELECT min(process_at) AS due FROM cases WHERE state = 'received'"  # noqa: S608
        " UNION ALL SELECT min(max(u.next_attempt_at, coalesce(u.claimed_until, 0))) FROM status_updates u"
        f" WHERE u.state = 'pending' AND {_NOT_BLOCKED})"
    ).fetchone()[0]


def release_claims(conn: sqlite3.Connection) -> None:
    """Free the claims of a previous run (`serve` calls it before any worker starts)."""
    conn.execute("UPDATE status_updates SET claimed_until = NULL WHERE claimed_until IS NOT NULL")
