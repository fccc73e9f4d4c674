"""Institutions that may call the registry: API keys, data-sharing agreements, daily quotas
and the access log a real registry keeps of every call.

Keys are random 32-byte tokens shown once and stored only as their SHA-256 hash. An
agreement is the set of fields the institution may read (and whether it may write
events); a quota counts calls per calendar day in Asia/Jakarta, writes included.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from . import store
from .records import PERSON_FIELDS

# Every field a person record has, "family" (reading a whole KK) and "events" (writing
# civil-registration events: births, deaths, moves, marriages).
AGREEMENT_FIELDS = (*PERSON_FIELDS, "family", "events")
# Western Indonesia Time has had no daylight saving since 1964, so a fixed offset is
# exact and needs no tz database.
WIB = timezone(timedelta(hours=7), "WIB")
MIN_GIVEN_KEY_LENGTH = 16


@dataclass(frozen=True, slots=True)
class Institution:
    id: int
    name: str
    fields: frozenset[str]
    daily_quota: int


def now_wib() -> datetime:
    return datetime.now(WIB)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_fields(spec: str) -> list[str]:
    """'all' or a comma-separated list of AGREEMENT_FIELDS; ValueError names unknown ones."""
    if spec.strip().lower() == "all":
        return list(AGREEMENT_FIELDS)
    fields = [f.strip() for f in spec.split(",") if f.strip()]
    unknown = sorted(set(fields) - set(AGREEMENT_FIELDS))
    if unknown or not fields:
        raise ValueError(f"unknown fields {unknown}; choose from {', '.join(AGREEMENT_FIELDS)} or 'all'")
    return [f for f in AGREEMENT_FIELDS if f in fields]


def save_institution(
    conn: sqlite3.Connection, *, name: str, fields: list[str], daily_quota: int, key: str | None = None
) -> tuple[str, bool]:
    """Create the institution, or update the one of that name; returns (key, created).

    Without `key` a new random key is issued (for an existing institution this
    rotates its key). A given key is for demos and tests and must be at least
    MIN_GIVEN_KEY_LENGTH characters; ValueError otherwise or for a bad quota.
    """
    if daily_quota < 0:
        raise ValueError("quota must be zero or more")
    if key is not None and len(key) < MIN_GIVEN_KEY_LENGTH:
        raise ValueError(f"a given key must be at least {MIN_GIVEN_KEY_LENGTH} characters")
    key = key or secrets.token_urlsafe(32)
    now = now_wib().isoformat()
    existing = store.get_institution_by_name(conn, name)
    if existing is None:
        store.insert_institution(
            conn, name=name, key_hash=hash_key(key), fields=fields, daily_quota=daily_quota, now=now
        )
        return key, True
    store.update_institution(
        conn,
        institution_id=existing["id"],
        key_hash=hash_key(key),
        fields=fields,
        daily_quota=daily_quota,
        now=now,
    )
    return key, False


def authenticate(conn: sqlite3.Connection, key: str) -> Institution | None:
    """The institution holding this key, or None."""
    row = store.get_institution_by_key_hash(conn, hash_key(key))
    if row is None:
        return None
    return Institution(
        id=row["id"], name=row["name"], fields=frozenset(json.loads(row["fields"])), daily_quota=row["daily_quota"]
    )


def take_quota(conn: sqlite3.Connection, institution: Institution, *, at: datetime) -> bool:
    """Count one call against today's quota; False when the quota is used up."""
    return store.take_quota(
        conn,
        institution_id=institution.id,
        day=at.astimezone(WIB).date().isoformat(),
        daily_quota=institution.daily_quota,
    )


def seconds_until_quota_resets(at: datetime) -> int:
    """Seconds until the next midnight in Jakarta, when quotas start afresh."""
    local = at.astimezone(WIB)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - local).total_seconds()) + 1)


def record_call(
    conn: sqlite3.Connection,
    *,
    institution: Institution | None,
    method: str,
    endpoint: str,
    nik: str | None,
    kk_number: str | None,
    purpose: str | None,
    actor: str | None,
    status: int,
    at: datetime,
) -> None:
    """Append one call to the access log (also refused ones: 401, 403, 429, faults)."""
    store.log_call(
        conn,
        institution_id=institution.id if institution else None,
        method=method,
        endpoint=endpoint,
        nik=(nik or None) and nik[:32],  # a path may carry anything; a NIK has 16 digits
        kk_number=(kk_number or None) and kk_number[:32],
        purpose=(purpose or None) and purpose[:500],
        actor=(actor or None) and actor[:200],
        status=status,
        at=at.isoformat(),
    )
