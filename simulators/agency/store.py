"""The simulator's own SQLite file: cases, their status updates (the outbox), the visits
booked against an office's quota, the profile the file belongs to and the fault switch.

Status updates are rows, not only work in memory: a restart of the simulator resumes
whatever was still pending. Several server workers may share the file; every claim on
a row is a single conditional UPDATE, so no two of them take the same work.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

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
    decided_at REAL,
    handed_over INTEGER NOT NULL DEFAULT 0,  -- 1: applied for at the portal, reported to the platform
    subject TEXT,                            -- the citizen's OIDC subject (handed-over cases)
    report_url TEXT                          -- where the case is reported (handed-over cases)
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
    kind TEXT NOT NULL DEFAULT 'status',  -- 'status', or 'report': a handed-over case reported
    outcome TEXT,                         -- in_process | approved | rejected (the profile's)
    UNIQUE (case_pk, position)
);
CREATE INDEX IF NOT EXISTS status_updates_due ON status_updates (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS appointments (
    case_pk INTEGER PRIMARY KEY REFERENCES cases (id),
    office TEXT NOT NULL,
    day TEXT NOT NULL  -- ISO date, the office's
);
CREATE INDEX IF NOT EXISTS appointments_office_day ON appointments (office, day);
"""
# Columns added since the first release: a file made before gets them when opened.
_ADDED_COLUMNS = {
    "cases": {
        "handed_over": "INTEGER NOT NULL DEFAULT 0",
        "subject": "TEXT",
        "report_url": "TEXT",
    },
    "status_updates": {"kind": "TEXT NOT NULL DEFAULT 'status'", "outcome": "TEXT"},
}
#: The profile of a file made before profiles existed.
FIRST_PROFILE = "siak"
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
    outcome: str | None = None


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    conn = sqlite_store.open_database(
        path,
        sqlite_store.SEQUENCES_SCHEMA + sqlite_store.META_SCHEMA + _SCHEMA + fault_injection.FAULT_SETTINGS_SCHEMA,
    )
    _add_missing_columns(conn)
    return conn


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    def missing() -> list[tuple[str, str, str]]:
        return [
            (table, column, kind)
            for table, columns in _ADDED_COLUMNS.items()
            for column, kind in columns.items()
            if column not in {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
        ]

    if not missing():
        return
    with sqlite_store.transaction(conn):  # another process may be adding them too: look again under the lock
        for table, column, kind in missing():
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def bind_profile(conn: sqlite3.Connection, code: str) -> None:
    """Mark the file as the profile `code`'s; ValueError if it belongs to another profile
    (each profile keeps its own database). A file from before profiles is SIAK's if it has cases."""
    with sqlite_store.transaction(conn):
        bound = sqlite_store.get_meta(conn, "profile")
        if bound is None and conn.execute("SELECT 1 FROM cases LIMIT 1").fetchone():
            bound = FIRST_PROFILE
        if bound is not None and bound != code:
            raise ValueError(
                f"this database holds the {bound!r} profile's cases; give the {code!r} profile its own --db"
            )
        sqlite_store.set_meta(conn, "profile", code)


def current_year() -> int:
    """The year that case and registration numbers carry: Indonesia's (WIB), not UTC's."""
    return datetime.now(WIB).year


# --- cases ---------------------------------------------------------------------------


def new_case_id(conn: sqlite3.Connection, prefix: str) -> str:
    """The next case id, SIAK-2026-000123 (inside the caller's transaction)."""
    year = current_year()
    return f"{prefix}-{year}-{sqlite_store.next_value(conn, f'case:{year}'):06d}"


def add_case(
    conn: sqlite3.Connection, case: NewCase, *, now: float, process_at: float, prefix: str = "SIAK"
) -> tuple[str, bool]:
    """Store a forwarded application once per webhook id: (case id, True) when new,
    (the earlier case's id, False) when this webhook id was seen before.

    Concurrent deliveries of one webhook id meet at the UNIQUE constraint: the loser's
    INSERT fails, its transaction (and the case number it drew) is rolled back, and it
    answers with the winner's case.
    """
    try:
        with sqlite_store.transaction(conn):
            case_id = new_case_id(conn, prefix)
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


def add_handed_over_case(
    conn: sqlite3.Connection,
    *,
    case_id: str,
    application: dict[str, object],
    subject: str,
    external_reference: str,
    report: NewUpdate,
    report_url: str,
    token_url: str,
    now: float,
    process_at: float,
) -> int:
    """Store a case applied for at the portal with its report to the platform queued first
    (inside the caller's transaction). Its tracking number and status URL stay empty until the
    platform answers the report (record_report). Returns the case's row id."""
    pk = conn.execute(
        "INSERT INTO cases (case_id, webhook_id, tracking_number, application, status_url, token_url, state,"
        " external_reference, received_at, process_at, handed_over, subject, report_url)"
        " VALUES (?, ?, '', ?, '', ?, 'received', ?, ?, ?, 1, ?, ?) RETURNING id",
        (
            case_id,
            f"portal:{case_id}",
            json.dumps(application, ensure_ascii=False),
            token_url,
            external_reference,
            now,
            process_at,
            subject,
            report_url,
        ),
    ).fetchone()["id"]
    conn.execute(
        "INSERT INTO status_updates (case_pk, position, status, note, external_reference, idempotency_key, state,"
        " next_attempt_at, kind, outcome) VALUES (?, 1, ?, ?, ?, ?, 'pending', ?, 'report', ?)",
        (pk, report.status, report.note, external_reference, f"{case_id}:created", now, report.outcome),
    )
    return pk


def record_report(conn: sqlite3.Connection, case_pk: int, tracking_number: str, status_url: str) -> None:
    """The platform took a handed-over case: its tracking number and where its statuses go."""
    conn.execute(
        "UPDATE cases SET tracking_number = ?, status_url = ? WHERE id = ?", (tracking_number, status_url, case_pk)
    )


def decide_case(
    conn: sqlite3.Connection,
    case: sqlite3.Row,
    decision: str,
    updates: list[NewUpdate],
    *,
    now: float,
    step_delay: float = 0.0,
    external_reference: str | None = None,
) -> None:
    """Record the decision and queue its status updates, sent in this order after those the
    case already has, `step_delay` seconds apart at the earliest (inside a transaction)."""
    if external_reference is None:
        external_reference = next((u.external_reference for u in updates if u.external_reference), None)
    conn.execute(
        "UPDATE cases SET state = 'decided', decision = ?, external_reference = ?, decided_at = ? WHERE id = ?",
        (decision, external_reference, now, case["id"]),
    )
    last = conn.execute("SELECT coalesce(max(position), 0) FROM status_updates WHERE case_pk = ?", (case["id"],))
    start = last.fetchone()[0] + 1
    conn.executemany(
        "INSERT INTO status_updates (case_pk, position, status, note, external_reference, idempotency_key, state,"
        " next_attempt_at, outcome) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
        [
            (
                case["id"],
                start + n,
                u.status,
                u.note,
                u.external_reference,
                f"{case['case_id']}:{u.status}",
                now + n * step_delay,
                u.outcome,
            )
            for n, u in enumerate(updates)
        ],
    )


# --- appointments --------------------------------------------------------------------


def book_appointment(conn: sqlite3.Connection, case_pk: int, office: str, quota: int, days: Iterable[date]) -> date:
    """Book the case a visit at `office` on the first of `days` with fewer than `quota`
    visits booked (inside the caller's transaction, whose write lock keeps two workers from
    taking the last place of a day). The case's visit if it has one already."""
    booked = appointment_of(conn, case_pk)
    if booked is not None:
        return date.fromisoformat(booked["day"])
    for day in days:
        taken = conn.execute(
            "SELECT count(*) FROM appointments WHERE office = ? AND day = ?", (office, day.isoformat())
        ).fetchone()[0]
        if taken < quota:
            conn.execute(
                "INSERT INTO appointments (case_pk, office, day) VALUES (?, ?, ?)", (case_pk, office, day.isoformat())
            )
            return day
    raise RuntimeError(f"no day with quota left at {office}")


def appointment_of(conn: sqlite3.Connection, case_pk: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM appointments WHERE case_pk = ?", (case_pk,)).fetchone()


def cases(conn: sqlite3.Connection, *, tracking_number: str | None = None, limit: int = 100) -> list[sqlite3.Row]:
    """Latest first, optionally only those of one tracking number."""
    if tracking_number is None:
        return conn.execute("SELECT * FROM cases ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return conn.execute(
        "SELECT * FROM cases WHERE tracking_number = ? ORDER BY id DESC LIMIT ?", (tracking_number, limit)
    ).fetchall()


def cases_of_subject(conn: sqlite3.Connection, subject: str, *, limit: int = 50) -> list[sqlite3.Row]:
    """The handed-over cases of one citizen, latest first."""
    return conn.execute(
        "SELECT * FROM cases WHERE handed_over = 1 AND subject = ? ORDER BY id DESC LIMIT ?", (subject, limit)
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
    return None if row is None else _claimed(conn, row["id"])


def claim_update_by_id(
    conn: sqlite3.Connection, update_id: int, now: float, lease_seconds: float
) -> sqlite3.Row | None:
    """Take this update for `lease_seconds` if it is pending and free (the portal reports the
    case it just stored at once); None when the worker has it."""
    row = conn.execute(
        "UPDATE status_updates SET claimed_until = ? WHERE id = ? AND state = 'pending'"
        " AND (claimed_until IS NULL OR claimed_until < ?) RETURNING id",
        (now + lease_seconds, update_id, now),
    ).fetchone()
    return None if row is None else _claimed(conn, row["id"])


def _claimed(conn: sqlite3.Connection, update_id: int) -> sqlite3.Row:
    """A claimed update with what sending it needs of its case."""
    return conn.execute(
        "SELECT u.*, c.case_id, c.tracking_number, c.status_url, c.token_url, c.report_url, c.subject,"
        " c.application, c.external_reference AS case_reference"
        " FROM status_updates u JOIN cases c ON c.id = u.case_pk WHERE u.id = ?",
        (update_id,),
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
