"""Accepting a message exactly once per idempotency key, and what a message looks like.

Delivery is simulated by time alone: a message is `accepted` until its deliver_at
(accepted_at plus the configured delivery delay) and `delivered` from then on. Nothing has
to run in the background, and every server worker agrees on a message's status.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

from ..clients import Client
from . import store
from .schemas import MessageRequest


class KeyReused(Exception):
    """The client sent another message before under this idempotency key."""


def accept(
    conn: sqlite3.Connection, client: Client, key: str, request: MessageRequest, *, delivery_delay: float
) -> tuple[sqlite3.Row, bool]:
    """Store the message unless the client already used `key`; returns (message, is new).

    The INSERT comes first and the UNIQUE constraint decides: checking before inserting
    would let two simultaneous retries both pass the check. A key used before with another
    body raises KeyReused.
    """
    accepted_at, fingerprint = datetime.now(UTC), request.fingerprint()
    try:
        store.insert_message(
            conn,
            id=str(uuid.uuid4()),
            client_id=client.id,
            idempotency_key=key,
            fingerprint=fingerprint,
            channel=request.channel,
            to_number=request.to,
            text=request.text,
            reference=request.reference,
            segments=request.segments,
            accepted_at=_timestamp(accepted_at),
            deliver_at=_timestamp(accepted_at + timedelta(seconds=delivery_delay)),
        )
    except sqlite3.IntegrityError:
        earlier = store.message_by_key(conn, client.id, key)
        if earlier is None:  # not the key's constraint (a UUID collision): a real error
            raise
        if earlier["fingerprint"] != fingerprint:
            raise KeyReused(earlier["id"]) from None
        return earlier, False
    return store.message_by_key(conn, client.id, key), True  # type: ignore[return-value]


def status(row: sqlite3.Row, now: datetime | None = None) -> str:
    return "delivered" if (now or datetime.now(UTC)) >= datetime.fromisoformat(row["deliver_at"]) else "accepted"


def view(row: sqlite3.Row) -> dict[str, object]:
    """The message as GET /v1/messages/<id> shows it to its sender."""
    current = status(row)
    return {
        "id": row["id"],
        "channel": row["channel"],
        "to": row["to_number"],
        "text": row["text"],
        "reference": row["reference"],
        "status": current,
        "segments": row["segments"],
        "accepted_at": row["accepted_at"],
        "delivered_at": row["deliver_at"] if current == "delivered" else None,
    }


def admin_view(row: sqlite3.Row) -> dict[str, object]:
    """The message as the simulated phone (GET /admin/messages) shows it: also who sent it and with which key."""
    return {**view(row), "client": row["client_name"], "idempotency_key": row["idempotency_key"]}


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")
