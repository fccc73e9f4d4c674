"""API clients of a simulator: one per platform or institution, each with a name and an API key.

Shared by the simulators that let clients in by a bearer key (gateway, SISDMK); each keeps
the `clients` table below in its own SQLite file (SCHEMA is part of its schema). Keys are
stored only as their SHA-256 hash.

Dukcapil's institutions are not these clients: they carry a data agreement and a daily
quota (simulators/dukcapil/institutions.py).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import request

from .web import Refusal

MIN_GIVEN_KEY_LENGTH = 16

SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Client:
    id: int
    name: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def save_client(conn: sqlite3.Connection, *, name: str, key: str | None = None) -> tuple[str, str]:
    """Create the client, or give the one of that name this key; returns (key, what happened).

    What happened is "created", "updated" (a new key for an existing name) or "unchanged",
    so running the same command twice is harmless. Without `key` a random one is issued. A
    given key must be at least MIN_GIVEN_KEY_LENGTH characters and not another client's;
    ValueError otherwise.
    """
    if not name.strip():
        raise ValueError("a client needs a name")
    if key is not None and len(key) < MIN_GIVEN_KEY_LENGTH:
        raise ValueError(f"a given key must be at least {MIN_GIVEN_KEY_LENGTH} characters")
    key = key or secrets.token_urlsafe(32)
    key_hash, now = hash_key(key), datetime.now(UTC).isoformat()
    holder = _by_key_hash(conn, key_hash)
    if holder is not None and holder["name"] != name:
        raise ValueError(f"this key already belongs to {holder['name']!r}")
    existing = conn.execute("SELECT * FROM clients WHERE name = ?", (name,)).fetchone()
    if existing is None:
        conn.execute(
            "INSERT INTO clients (name, key_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (name, key_hash, now, now),
        )
        return key, "created"
    if existing["key_hash"] == key_hash:
        return key, "unchanged"
    conn.execute("UPDATE clients SET key_hash = ?, updated_at = ? WHERE name = ?", (key_hash, now, name))
    return key, "updated"


def authenticate(conn: sqlite3.Connection, key: str) -> Client | None:
    row = _by_key_hash(conn, hash_key(key))
    return None if row is None else Client(id=row["id"], name=row["name"])


def client_of_request(conn: sqlite3.Connection) -> Client:
    """The client whose key the request carries (Authorization: Bearer <key>); a 401 Refusal otherwise."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    client = authenticate(conn, key.strip()) if scheme.lower() == "bearer" and key.strip() else None
    if client is None:
        raise Refusal(401, "unauthorized", "send Authorization: Bearer <API key>", {"WWW-Authenticate": "Bearer"})
    return client


def _by_key_hash(conn: sqlite3.Connection, key_hash: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM clients WHERE key_hash = ?", (key_hash,)).fetchone()
