"""A simulator's SQLite file: opening it (WAL, a busy timeout, the schema in place), where it
is, write transactions, numbered sequences, the meta table of what it was seeded with, and
one connection per server thread.

Each simulator keeps its own database file, environment variable and schema; the handling
is the same everywhere, so a fix here fixes every simulator.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def open_database(path: str | os.PathLike[str], schema: str) -> sqlite3.Connection:
    """Open (creating if needed) a simulator's SQLite file in autocommit mode with `schema` in place.

    WAL lets a CLI command write while a server reads, and several server workers write
    concurrently; busy_timeout makes writers wait for each other instead of failing.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.executescript(schema)
    return conn


def db_path(explicit: str | os.PathLike[str] | None, variable: str, default: str) -> Path:
    """A simulator's database file: the explicit path, else env `variable`, else `default`."""
    return Path(explicit or os.environ.get(variable) or default)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on an exception) on an autocommit connection: takes
    the write lock at once, so what a transaction reads cannot change under it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


#: Part of the schema of a simulator that numbers what it issues (case numbers, report ids).
SEQUENCES_SCHEMA = """
CREATE TABLE IF NOT EXISTS sequences (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


def next_value(conn: sqlite3.Connection, name: str) -> int:
    """The next number of the sequence `name` (1, 2, …), inside the caller's transaction."""
    return conn.execute(
        "INSERT INTO sequences (name, value) VALUES (?, 1)"
        " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
        (name,),
    ).fetchone()[0]


#: Part of the schema of a simulator that remembers what it was seeded with.
META_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


class ThreadConnections(threading.local):
    """One SQLite connection per server thread and database file (sqlite3 connections
    must not cross threads), opened on first use with the simulator's `connect`."""

    def __init__(self) -> None:
        self.by_path: dict[str, sqlite3.Connection] = {}

    def get(self, path: str, connect: Callable[[str], sqlite3.Connection]) -> sqlite3.Connection:
        conn = self.by_path.get(path)
        if conn is None:
            conn = self.by_path[path] = connect(path)
        return conn
