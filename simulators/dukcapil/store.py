"""The simulator's own SQLite file: schema, connections and every query.

The platform never opens this file; it reaches the registry only over HTTP. One file
holds the population, the institutions with their agreements, quota counters, the
access log, the civil-registration events written with their idempotency keys, face
enrolments and the runtime fault settings (so that every server worker sees the same
faults).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import fault_injection, sqlite_store

DEFAULT_DB = "var/dukcapil.sqlite3"

PERSON_COLUMNS = (
    "nik",
    "kk_number",
    "family_order",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "marital_status",
    "occupation",
    "blood_type",
    "nationality",
    "relationship",
    "father_name",
    "mother_name",
    "is_deceased",
    "death_date",
)
FAMILY_COLUMNS = ("kk_number", "village_code", "street", "rt", "rw", "issued_on")
REGION_COLUMNS = ("code", "name", "level", "type", "parent_code", "postal_code")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level INTEGER NOT NULL,
    type TEXT NOT NULL,
    parent_code TEXT,
    postal_code TEXT
);
CREATE TABLE IF NOT EXISTS families (
    kk_number TEXT PRIMARY KEY,
    village_code TEXT NOT NULL REFERENCES regions (code),
    street TEXT NOT NULL,
    rt TEXT NOT NULL,
    rw TEXT NOT NULL,
    issued_on TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS persons (
    nik TEXT PRIMARY KEY,
    kk_number TEXT NOT NULL REFERENCES families (kk_number),
    family_order INTEGER NOT NULL,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_place TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    religion TEXT NOT NULL,
    marital_status TEXT NOT NULL,
    occupation TEXT NOT NULL,
    blood_type TEXT NOT NULL,
    nationality TEXT NOT NULL,
    relationship TEXT NOT NULL,
    father_name TEXT NOT NULL,
    mother_name TEXT NOT NULL,
    is_deceased INTEGER NOT NULL,
    death_date TEXT
);
CREATE TABLE IF NOT EXISTS institutions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    fields TEXT NOT NULL,
    daily_quota INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quota_usage (
    institution_id INTEGER NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    calls INTEGER NOT NULL,
    PRIMARY KEY (institution_id, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS access_log (
    id INTEGER PRIMARY KEY,
    institution_id INTEGER REFERENCES institutions (id) ON DELETE SET NULL,
    method TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    nik TEXT,
    kk_number TEXT,
    purpose TEXT,
    actor TEXT,
    status INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_nik ON access_log (nik, at);
CREATE INDEX IF NOT EXISTS access_log_institution ON access_log (institution_id, at);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    idempotency_key TEXT NOT NULL,
    request TEXT NOT NULL,
    result TEXT NOT NULL,
    actor TEXT,
    purpose TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_institution ON events (institution_id, id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    institution_id INTEGER NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    answer TEXT NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (event_id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, idempotency_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS face_enrolments (
    nik TEXT PRIMARY KEY REFERENCES persons (nik),
    encoding BLOB NOT NULL,
    photo_sha256 TEXT NOT NULL,
    enrolled_at TEXT NOT NULL
);
"""
# Created after a bulk load rather than maintained row by row during it. persons_birth_date
# serves the duplicate check of a birth (a database seeded before it existed scans instead).
_POPULATION_INDEXES = (
    "CREATE INDEX IF NOT EXISTS persons_family ON persons (kk_number, family_order)",
    "CREATE INDEX IF NOT EXISTS persons_birth_date ON persons (birth_date)",
)


def db_path_from_env(explicit: str | None = None) -> Path:
    """The database file: the explicit path, else env DUKCAPIL_DB, else var/dukcapil.sqlite3."""
    return sqlite_store.db_path(explicit, "DUKCAPIL_DB", DEFAULT_DB)


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating if needed) the database with the schema in place (see sqlite_store.open_database):
    the CLI can seed or add an institution while a server reads, and several server
    workers write the access log concurrently."""
    return sqlite_store.open_database(path, sqlite_store.META_SCHEMA + _SCHEMA + fault_injection.FAULT_SETTINGS_SCHEMA)


# --- population (bulk load) ----------------------------------------------------------


def clear_population(conn: sqlite3.Connection) -> None:
    """Delete persons, families, regions, face enrolments and the events that changed them
    with their idempotency keys (inside the caller's transaction)."""
    conn.execute("DELETE FROM face_enrolments")
    conn.execute("DELETE FROM idempotency_keys")
    conn.execute("DELETE FROM events")
    conn.execute("DELETE FROM persons")
    conn.execute("DELETE FROM families")
    conn.execute("DELETE FROM regions")
    conn.execute("DELETE FROM meta WHERE key = 'population'")


# The f-strings below only join constants of this module; every value is a bound parameter.


def insert_regions(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> None:
    conn.executemany(f"INSERT INTO regions VALUES ({','.join('?' * len(REGION_COLUMNS))})", rows)  # noqa: S608


def insert_families(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> None:
    conn.executemany(f"INSERT INTO families VALUES ({','.join('?' * len(FAMILY_COLUMNS))})", rows)  # noqa: S608


def insert_persons(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> None:
    conn.executemany(f"INSERT INTO persons VALUES ({','.join('?' * len(PERSON_COLUMNS))})", rows)  # noqa: S608


def create_population_indexes(conn: sqlite3.Connection) -> None:
    for statement in _POPULATION_INDEXES:
        conn.execute(statement)


def drop_population_indexes(conn: sqlite3.Connection) -> None:
    conn.execute("DROP INDEX IF EXISTS persons_family")
    conn.execute("DROP INDEX IF EXISTS persons_birth_date")


def count_persons(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM persons").fetchone()[0]


# --- population (reads) -------------------------------------------------------------

_ADDRESS_SELECT = """
    f.kk_number AS family_kk_number, f.issued_on, f.street, f.rt, f.rw,
    v.code AS village_code, v.name AS village_name, v.postal_code,
    d.code AS district_code, d.name AS district_name,
    r.code AS regency_code, r.name AS regency_name,
    p.code AS province_code, p.name AS province_name
"""
_ADDRESS_JOINS = """
    JOIN regions v ON v.code = f.village_code
    JOIN regions d ON d.code = v.parent_code
    JOIN regions r ON r.code = d.parent_code
    JOIN regions p ON p.code = r.parent_code
"""
_PERSON_SQL = (
    f"SELECT pe.*, {_ADDRESS_SELECT} FROM persons pe JOIN families f ON f.kk_number = pe.kk_number"  # noqa: S608
    f" {_ADDRESS_JOINS} WHERE pe.nik = ?"
)
_FAMILY_SQL = f"SELECT {_ADDRESS_SELECT} FROM families f {_ADDRESS_JOINS} WHERE f.kk_number = ?"  # noqa: S608


def get_person(conn: sqlite3.Connection, nik: str) -> sqlite3.Row | None:
    """The person with their family's address columns, or None."""
    return conn.execute(_PERSON_SQL, (nik,)).fetchone()


def get_family(conn: sqlite3.Connection, kk_number: str) -> sqlite3.Row | None:
    """The family's address columns, or None."""
    return conn.execute(_FAMILY_SQL, (kk_number,)).fetchone()


def family_members(conn: sqlite3.Connection, kk_number: str) -> list[sqlite3.Row]:
    """Members in the order the KK lists them (head first)."""
    return conn.execute("SELECT * FROM persons WHERE kk_number = ? ORDER BY family_order", (kk_number,)).fetchall()


def person_exists(conn: sqlite3.Connection, nik: str) -> bool:
    return conn.execute("SELECT 1 FROM persons WHERE nik = ?", (nik,)).fetchone() is not None


# --- population (changes by civil-registration events) ------------------------------


def get_village(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    """The desa/kelurahan (level 4) with this code, its kecamatan in parent_code; or None."""
    return conn.execute("SELECT * FROM regions WHERE code = ? AND level = 4", (code,)).fetchone()


def last_serial(conn: sqlite3.Connection, kind: str, prefix: str) -> int:
    """The highest 4-digit serial taken after a 12-digit prefix among NIKs ("nik") or KK numbers ("kk"), else 0."""
    sql = {
        "nik": "SELECT max(nik) FROM persons WHERE nik BETWEEN ? AND ?",
        "kk": "SELECT max(kk_number) FROM families WHERE kk_number BETWEEN ? AND ?",
    }[kind]
    number = conn.execute(sql, (f"{prefix}0000", f"{prefix}9999")).fetchone()[0]
    return int(number[12:]) if number else 0


def find_birth(conn: sqlite3.Connection, *, name: str, birth_date: str, mother_name: str) -> str | None:
    """The NIK of a person already registered with this name, birth date and mother's name."""
    row = conn.execute(
        "SELECT nik FROM persons WHERE birth_date = ? AND name = ? AND mother_name = ?",
        (birth_date, name, mother_name),
    ).fetchone()
    return row["nik"] if row else None


def next_family_order(conn: sqlite3.Connection, kk_number: str) -> int:
    return conn.execute(
        "SELECT coalesce(max(family_order), 0) + 1 FROM persons WHERE kk_number = ?", (kk_number,)
    ).fetchone()[0]


def reissue_family(conn: sqlite3.Connection, kk_number: str, issued_on: str) -> None:
    """A new edition of the family card: same number, a new issue date."""
    conn.execute("UPDATE families SET issued_on = ? WHERE kk_number = ?", (issued_on, kk_number))


def move_family(
    conn: sqlite3.Connection, *, kk_number: str, village_code: str, street: str, rt: str, rw: str, issued_on: str
) -> None:
    conn.execute(
        "UPDATE families SET village_code = ?, street = ?, rt = ?, rw = ?, issued_on = ? WHERE kk_number = ?",
        (village_code, street, rt, rw, issued_on, kk_number),
    )


def place_person(conn: sqlite3.Connection, *, nik: str, kk_number: str, family_order: int, relationship: str) -> None:
    """Put the person on a family card at `family_order` with `relationship` (to its head)."""
    conn.execute(
        "UPDATE persons SET kk_number = ?, family_order = ?, relationship = ? WHERE nik = ?",
        (kk_number, family_order, relationship, nik),
    )


def record_death(conn: sqlite3.Connection, *, nik: str, death_date: str) -> None:
    conn.execute("UPDATE persons SET is_deceased = 1, death_date = ? WHERE nik = ?", (death_date, nik))


def set_marital_status(conn: sqlite3.Connection, nik: str, status: str) -> None:
    conn.execute("UPDATE persons SET marital_status = ? WHERE nik = ?", (status, nik))


def last_married_partner(conn: sqlite3.Connection, nik: str) -> str | None:
    """The other NIK of the latest marriage event this person took part in, or None."""
    row = conn.execute(
        "SELECT json_extract(request, '$.husband_nik') AS husband, json_extract(request, '$.wife_nik') AS wife"
        " FROM events WHERE kind = 'marriage'"
        " AND ? IN (json_extract(request, '$.husband_nik'), json_extract(request, '$.wife_nik'))"
        " ORDER BY id DESC LIMIT 1",
        (nik,),
    ).fetchone()
    if row is None:
        return None
    return row["wife"] if row["husband"] == nik else row["husband"]


# --- events and idempotency keys ---------------------------------------------------


def insert_event(
    conn: sqlite3.Connection,
    *,
    event_id: str,
    kind: str,
    institution_id: int,
    idempotency_key: str,
    request: str,
    result: str,
    actor: str | None,
    purpose: str | None,
    created_at: str,
) -> None:
    conn.execute(
        "INSERT INTO events (event_id, kind, institution_id, idempotency_key, request, result, actor, purpose,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event_id, kind, institution_id, idempotency_key, request, result, actor, purpose, created_at),
    )


def get_event(conn: sqlite3.Connection, *, institution_id: int, event_id: str) -> sqlite3.Row | None:
    """The event if this institution wrote it, else None."""
    return conn.execute(
        "SELECT * FROM events WHERE event_id = ? AND institution_id = ?", (event_id, institution_id)
    ).fetchone()


def get_idempotency_key(conn: sqlite3.Connection, *, institution_id: int, key: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM idempotency_keys WHERE institution_id = ? AND idempotency_key = ?", (institution_id, key)
    ).fetchone()


def insert_idempotency_key(
    conn: sqlite3.Connection,
    *,
    institution_id: int,
    key: str,
    request_hash: str,
    status: int,
    answer: str,
    event_id: str,
    created_at: str,
) -> None:
    conn.execute(
        "INSERT INTO idempotency_keys (institution_id, idempotency_key, request_hash, status, answer, event_id,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (institution_id, key, request_hash, status, answer, event_id, created_at),
    )


# --- institutions, quotas, access log ----------------------------------------------


def get_institution_by_key_hash(conn: sqlite3.Connection, key_hash: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM institutions WHERE key_hash = ?", (key_hash,)).fetchone()


def get_institution_by_name(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM institutions WHERE name = ?", (name,)).fetchone()


def insert_institution(
    conn: sqlite3.Connection, *, name: str, key_hash: str, fields: list[str], daily_quota: int, now: str
) -> int:
    cur = conn.execute(
        "INSERT INTO institutions (name, key_hash, fields, daily_quota, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (name, key_hash, json.dumps(fields), daily_quota, now, now),
    )
    return int(cur.lastrowid)


def update_institution(
    conn: sqlite3.Connection, *, institution_id: int, key_hash: str, fields: list[str], daily_quota: int, now: str
) -> None:
    conn.execute(
        "UPDATE institutions SET key_hash = ?, fields = ?, daily_quota = ?, updated_at = ? WHERE id = ?",
        (key_hash, json.dumps(fields), daily_quota, now, institution_id),
    )


def take_quota(conn: sqlite3.Connection, *, institution_id: int, day: str, daily_quota: int) -> bool:
    """Count one call for the day if the quota allows it; False when it is used up.

    The conditional UPDATE is atomic, so concurrent workers never exceed the quota.
    """
    conn.execute(
        "INSERT INTO quota_usage (institution_id, day, calls) VALUES (?, ?, 0) ON CONFLICT DO NOTHING",
        (institution_id, day),
    )
    row = conn.execute(
        "UPDATE quota_usage SET calls = calls + 1 WHERE institution_id = ? AND day = ? AND calls < ? RETURNING calls",
        (institution_id, day, daily_quota),
    ).fetchone()
    return row is not None


def log_call(
    conn: sqlite3.Connection,
    *,
    institution_id: int | None,
    method: str,
    endpoint: str,
    nik: str | None,
    kk_number: str | None,
    purpose: str | None,
    actor: str | None,
    status: int,
    at: str,
) -> None:
    conn.execute(
        "INSERT INTO access_log (institution_id, method, endpoint, nik, kk_number, purpose, actor, status, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (institution_id, method, endpoint, nik, kk_number, purpose, actor, status, at),
    )


def access_log(conn: sqlite3.Connection, *, nik: str | None = None, limit: int = 50) -> list[sqlite3.Row]:
    """Latest calls first, optionally only those about one NIK."""
    sql = "SELECT a.*, i.name AS institution_name FROM access_log a LEFT JOIN institutions i ON i.id = a.institution_id"
    params: tuple[object, ...] = ()
    if nik:
        sql += " WHERE a.nik = ?"
        params = (nik,)
    return conn.execute(sql + " ORDER BY a.id DESC LIMIT ?", (*params, limit)).fetchall()


# --- faces -------------------------------------------------------------------------


def save_enrolment(conn: sqlite3.Connection, *, nik: str, encoding: bytes, photo_sha256: str, now: str) -> None:
    conn.execute(
        "INSERT INTO face_enrolments (nik, encoding, photo_sha256, enrolled_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (nik) DO UPDATE SET encoding = excluded.encoding,"
        " photo_sha256 = excluded.photo_sha256, enrolled_at = excluded.enrolled_at",
        (nik, encoding, photo_sha256, now),
    )


def get_enrolment(conn: sqlite3.Connection, nik: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM face_enrolments WHERE nik = ?", (nik,)).fetchone()
