"""The gateway's own SQLite file: schema, connections and every query.

The platform never opens this file; it reaches the gateway only over HTTP. It holds the
sending clients (simulators/clients.py: API keys stored as SHA-256), every accepted message, and the runtime
fault settings (so that every server worker applies the same faults).

Idempotency rests on UNIQUE (client_id, idempotency_key): of several simultaneous sends
with one key exactly one INSERT wins, and the others read the winner's row.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .. import clients, sqlite_store
from . import faults

DEFAULT_DB = "var/gateway.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    client_id INTEGER NOT NULL REFERENCES clients (id),
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
    to_number TEXT NOT NULL,
    text TEXT NOT NULL,
    reference TEXT,
    segments INTEGER NOT NULL,
    accepted_at TEXT NOT NULL,
    deliver_at TEXT NOT NULL,
    UNIQUE (client_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS messages_to ON messages (to_number, seq);
CREATE INDEX IF NOT EXISTS messages_reference ON messages (reference, seq);
"""


def db_path_from_env(explicit: str | None = None) -> Path:
    """The database file: the explicit path, else env GATEWAY_DB, else var/gateway.sqlite3."""
    return sqlite_store.db_path(explicit, "GATEWAY_DB", DEFAULT_DB)


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating if needed) the database with the schema in place (see sqlite_store.open_database):
    `add-client` can write while the server runs, and concurrent senders wait for each other's INSERT."""
    return sqlite_store.open_database(path, clients.SCHEMA + _SCHEMA + faults.SCHEMA)


# --- messages ------------------------------------------------------------------------

_MESSAGE_COLUMNS = (
    "id",
    "client_id",
    "idempotency_key",
    "fingerprint",
    "channel",
    "to_number",
    "text",
    "reference",
    "segments",
    "accepted_at",
    "deliver_at",
)
# Only constants of this module are joined into SQL; every value is a bound parameter.
_INSERT_MESSAGE = (
    f"INSERT INTO messages ({', '.join(_MESSAGE_COLUMNS)}) VALUES ({', '.join('?' * len(_MESSAGE_COLUMNS))})"  # noqa: S608
)
_SELECT_MESSAGES = "SELECT m.*, c.name AS client_name FROM messages m JOIN clients c ON c.id = m.client_id"


def insert_message(conn: sqlite3.Connection, **values: object) -> None:
    """Raises sqlite3.IntegrityError when the client already used the idempotency key."""
    conn.execute(_INSERT_MESSAGE, tuple(values[name] for name in _MESSAGE_COLUMNS))


def message_by_key(conn: sqlite3.Connection, client_id: int, idempotency_key: str) -> sqlite3.Row | None:
    return conn.execute(
        f"{_SELECT_MESSAGES} WHERE m.client_id = ? AND m.idempotency_key = ?", (client_id, idempotency_key)
    ).fetchone()


def message_by_id(conn: sqlite3.Connection, client_id: int, message_id: str) -> sqlite3.Row | None:
    return conn.execute(f"{_SELECT_MESSAGES} WHERE m.client_id = ? AND m.id = ?", (client_id, message_id)).fetchone()


def find_messages(conn: sqlite3.Connection, *, to: str | None, reference: str | None, limit: int) -> list[sqlite3.Row]:
    """Messages of every client, newest first, filtered by recipient and/or reference."""
    sql, params = f"{_SELECT_MESSAGES} WHERE 1 = 1", []
    if to is not None:
        sql, params = f"{sql} AND m.to_number = ?", [*params, to]
    if reference is not None:
        sql, params = f"{sql} AND m.reference = ?", [*params, reference]
    return conn.execute(f"{sql} ORDER BY m.seq DESC LIMIT ?", (*params, limit)).fetchall()


# --- faults ------------------------------------------------------------------------


def fault_settings_version(conn: sqlite3.Connection) -> str | None:
    """When the runtime fault override was last written (None: the start-up faults apply)."""
    row = conn.execute("SELECT updated_at FROM fault_settings WHERE id = 1").fetchone()
    return None if row is None else row[0]
