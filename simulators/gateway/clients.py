"""Sending clients: one per platform or institution, each with a name and an API key.

Keys are stored only as their SHA-256 hash. Messages belong to the client that sent them:
idempotency keys are per client, and a client reads only its own messages.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from . import store

MIN_GIVEN_KEY_LENGTH = 16


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
    holder = store.client_by_key_hash(conn, key_hash)
    if holder is not None and holder["name"] != name:
        raise ValueError(f"this key already belongs to {holder['name']!r}")
    existing = store.client_by_name(conn, name)
    if existing is None:
        store.insert_client(conn, name=name, key_hash=key_hash, now=now)
        return key, "created"
    if existing["key_hash"] == key_hash:
        return key, "unchanged"
    store.update_client_key(conn, name=name, key_hash=key_hash, now=now)
    return key, "updated"


def authenticate(conn: sqlite3.Connection, key: str) -> Client | None:
    row = store.client_by_key_hash(conn, hash_key(key))
    return None if row is None else Client(id=row["id"], name=row["name"])
