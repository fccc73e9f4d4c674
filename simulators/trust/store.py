"""The trust services' own data in SQLite: the certificates the CA has revoked, and a log of the
timestamps it has issued (what a real TSA keeps for audit)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from .. import fault_injection, sqlite_store

DEFAULT_DB = "var/trust.sqlite3"

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS revocations (
    serial TEXT PRIMARY KEY,              -- lower-case hex, no leading zeros
    revoked_at TEXT NOT NULL,             -- ISO 8601, UTC
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS timestamps (
    serial TEXT PRIMARY KEY,              -- the token's serial number, hex
    issued_at TEXT NOT NULL,
    hash_algorithm TEXT NOT NULL,
    imprint TEXT NOT NULL                 -- the hash that was timestamped, hex
);
"""
    + fault_injection.FAULT_SETTINGS_SCHEMA
)

#: RFC 5280 §5.3.1 reasons, as asn1crypto names them.
REASONS = (
    "unspecified",
    "key_compromise",
    "ca_compromise",
    "affiliation_changed",
    "superseded",
    "cessation_of_operation",
    "certificate_hold",
    "privilege_withdrawn",
)


def connect(path: str | Path) -> sqlite3.Connection:
    return sqlite_store.open_database(path, SCHEMA)


def db_path_from_env(explicit: str | Path | None) -> Path:
    return sqlite_store.db_path(explicit, "TRUST_DB", DEFAULT_DB)


def serial_hex(serial: int | str) -> str:
    """A serial number as the store keys it: from an int, or hex with or without 0x, colons or case."""
    if isinstance(serial, int):
        return format(serial, "x")
    cleaned = serial.strip().lower().removeprefix("0x").replace(":", "")
    return format(int(cleaned, 16), "x")  # ValueError for what is not hex


def revoke(conn: sqlite3.Connection, serial: int | str, *, reason: str, at: datetime | None = None) -> dict:
    """Revoke a certificate (idempotent: a second call keeps the first time and reason)."""
    if reason not in REASONS:
        raise ValueError(f"reason must be one of {', '.join(REASONS)}")
    key = serial_hex(serial)
    moment = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    conn.execute(
        "INSERT INTO revocations (serial, revoked_at, reason) VALUES (?, ?, ?) ON CONFLICT (serial) DO NOTHING",
        (key, moment, reason),
    )
    return revocation(conn, key)


def release(conn: sqlite3.Connection, serial: int | str) -> bool:
    """Take a certificate off hold (RFC 5280 §5.3.1: only a hold can be undone); False if it was not on hold."""
    deleted = conn.execute(
        "DELETE FROM revocations WHERE serial = ? AND reason = 'certificate_hold'", (serial_hex(serial),)
    ).rowcount
    return bool(deleted)


def revocation(conn: sqlite3.Connection, serial: int | str) -> dict | None:
    row = conn.execute(
        "SELECT serial, revoked_at, reason FROM revocations WHERE serial = ?", (serial_hex(serial),)
    ).fetchone()
    return dict(row) if row else None


def revocations(conn: sqlite3.Connection) -> list[dict]:
    return [dict(row) for row in conn.execute("SELECT serial, revoked_at, reason FROM revocations ORDER BY revoked_at")]


def log_timestamp(conn: sqlite3.Connection, *, serial: int, issued_at: datetime, hash_algorithm: str, imprint: bytes):
    conn.execute(
        "INSERT INTO timestamps (serial, issued_at, hash_algorithm, imprint) VALUES (?, ?, ?, ?)",
        (format(serial, "x"), issued_at.isoformat(), hash_algorithm, imprint.hex()),
    )


def timestamp_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM timestamps").fetchone()[0]
