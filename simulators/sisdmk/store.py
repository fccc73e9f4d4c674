"""The simulator's own SQLite file: schema, connections and every query.

The platform never opens this file; it reaches the registry only over HTTP. It holds the
health workers (persons of the Dukcapil simulator, copied at seeding), their STRs, the
practice places they hold (seeded, and those the platform registers when it issues a SIP),
the API clients, the access log and the runtime fault settings (shared by all server workers).

The clients table is the one every keyed simulator shares (simulators/clients.py).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import clients, fault_injection, sqlite_store

DEFAULT_DB = "var/sisdmk.sqlite3"

WORKER_COLUMNS = ("nik", "name", "sex", "birth_date", "profession", "region_code")
STR_COLUMNS = ("number", "nik", "profession", "issued_on", "expires_on", "state", "state_since")
PLACE_COLUMNS = (
    "sip_number",
    "nik",
    "str_number",
    "facility",
    "facility_type",
    "region_code",
    "region_name",
    "since",
    "valid_until",
    "ended_on",
    "client_id",
    "fingerprint",
    "created_at",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS workers (
    nik TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    profession TEXT NOT NULL,
    region_code TEXT NOT NULL
);
-- STRs. `state` is what the council decided; whether an STR is valid today also depends on
-- `expires_on` (NULL: berlaku seumur hidup), so the status is computed when it is read.
CREATE TABLE IF NOT EXISTS registrations (
    number TEXT PRIMARY KEY,
    nik TEXT NOT NULL REFERENCES workers (nik),
    profession TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    expires_on TEXT,
    state TEXT NOT NULL CHECK (state IN ('aktif', 'ditangguhkan', 'diganti', 'dicabut')),
    state_since TEXT
);
CREATE INDEX IF NOT EXISTS registrations_nik ON registrations (nik, issued_on);
CREATE TABLE IF NOT EXISTS practice_places (
    seq INTEGER PRIMARY KEY,
    sip_number TEXT NOT NULL UNIQUE,
    nik TEXT NOT NULL REFERENCES workers (nik),
    str_number TEXT NOT NULL REFERENCES registrations (number),
    facility TEXT NOT NULL,
    facility_type TEXT,
    region_code TEXT NOT NULL,
    region_name TEXT NOT NULL,
    since TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    ended_on TEXT,
    client_id INTEGER REFERENCES clients (id),  -- NULL: seeded
    fingerprint TEXT,  -- of the registering request, NULL when seeded
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS practice_places_nik ON practice_places (nik, ended_on);
CREATE TABLE IF NOT EXISTS access_log (
    id INTEGER PRIMARY KEY,
    client_id INTEGER REFERENCES clients (id) ON DELETE SET NULL,
    method TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    nik TEXT,
    str_number TEXT,
    sip_number TEXT,
    purpose TEXT,
    actor TEXT,
    status INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_nik ON access_log (nik, at);
"""


def db_path_from_env(explicit: str | None = None) -> Path:
    """The database file: the explicit path, else env SISDMK_DB, else var/sisdmk.sqlite3."""
    return sqlite_store.db_path(explicit, "SISDMK_DB", DEFAULT_DB)


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating if needed) the database with the schema in place (see sqlite_store.open_database)."""
    return sqlite_store.open_database(
        path, sqlite_store.META_SCHEMA + clients.SCHEMA + _SCHEMA + fault_injection.FAULT_SETTINGS_SCHEMA
    )


# --- the workforce (bulk load) -------------------------------------------------------
# The f-strings below only join constants of this module; every value is a bound parameter.


def clear_workforce(conn: sqlite3.Connection) -> None:
    """Delete workers, STRs and practice places (inside the caller's transaction)."""
    conn.execute("DELETE FROM practice_places")
    conn.execute("DELETE FROM registrations")
    conn.execute("DELETE FROM workers")
    conn.execute("DELETE FROM meta WHERE key = 'workforce'")


def insert_workers(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> None:
    conn.executemany(f"INSERT INTO workers VALUES ({','.join('?' * len(WORKER_COLUMNS))})", rows)  # noqa: S608


def insert_registrations(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> None:
    conn.executemany(f"INSERT INTO registrations VALUES ({','.join('?' * len(STR_COLUMNS))})", rows)  # noqa: S608


def insert_practice_places(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> None:
    conn.executemany(
        f"INSERT INTO practice_places ({', '.join(PLACE_COLUMNS)}) VALUES ({','.join('?' * len(PLACE_COLUMNS))})",  # noqa: S608
        rows,
    )


def count_workers(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM workers").fetchone()[0]


def count_registrations(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM registrations").fetchone()[0]


# --- reads ---------------------------------------------------------------------------


def worker(conn: sqlite3.Connection, nik: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM workers WHERE nik = ?", (nik,)).fetchone()


def registrations_of(conn: sqlite3.Connection, nik: str) -> list[sqlite3.Row]:
    """The worker's STRs, newest first."""
    return conn.execute(
        "SELECT r.*, w.name FROM registrations r JOIN workers w ON w.nik = r.nik"
        " WHERE r.nik = ? ORDER BY r.issued_on DESC, r.number",
        (nik,),
    ).fetchall()


def registration(conn: sqlite3.Connection, number: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT r.*, w.name FROM registrations r JOIN workers w ON w.nik = r.nik WHERE r.number = ?", (number,)
    ).fetchone()


def current_practice_places(conn: sqlite3.Connection, nik: str, today: str) -> list[sqlite3.Row]:
    """Places held today: not ended and the SIP not past its validity, oldest first."""
    return conn.execute(
        "SELECT * FROM practice_places WHERE nik = ? AND ended_on IS NULL AND valid_until >= ? ORDER BY since, seq",
        (nik, today),
    ).fetchall()


def practice_place(conn: sqlite3.Connection, sip_number: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM practice_places WHERE sip_number = ?", (sip_number,)).fetchone()


def end_practice_place(conn: sqlite3.Connection, sip_number: str, today: str) -> sqlite3.Row | None:
    """Mark the place ended today unless it already ended; the row after, or None if unknown."""
    return conn.execute(
        "UPDATE practice_places SET ended_on = coalesce(ended_on, ?) WHERE sip_number = ? RETURNING *",
        (today, sip_number),
    ).fetchone()


# --- access log ----------------------------------------------------------------------


def log_call(conn: sqlite3.Connection, **values: object) -> None:
    """One call: client_id, method, endpoint, nik, str_number, sip_number, purpose, actor, status, at."""
    names = ("client_id", "method", "endpoint", "nik", "str_number", "sip_number", "purpose", "actor", "status", "at")
    conn.execute(
        f"INSERT INTO access_log ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",  # noqa: S608
        tuple(values[name] for name in names),
    )


def access_log(conn: sqlite3.Connection, *, nik: str | None = None, limit: int = 50) -> list[sqlite3.Row]:
    """Latest calls first, optionally only those about one NIK."""
    sql = "SELECT a.*, c.name AS client_name FROM access_log a LEFT JOIN clients c ON c.id = a.client_id"
    params: tuple[object, ...] = ()
    if nik:
        sql, params = f"{sql} WHERE a.nik = ?", (nik,)
    return conn.execute(f"{sql} ORDER BY a.id DESC LIMIT ?", (*params, limit)).fetchall()
