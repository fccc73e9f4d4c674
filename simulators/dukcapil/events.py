"""Writing a civil-registration event: once per idempotency key, recorded in the events table.

One BEGIN IMMEDIATE transaction holds the key lookup, the change and the records, so two
simultaneous requests with one key cannot both change the registry: the second waits for
the write lock and then finds the first one's answer. Only an event that changed the
registry is remembered; a refused one (4xx) changes nothing and leaves its key unused.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .. import sqlite_store
from ..web import Refusal
from . import store
from .civil_registration import Change


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, object]
    is_replay: bool


def write(
    conn: sqlite3.Connection,
    *,
    institution_id: int,
    key: str,
    kind: str,
    request_hash: str,
    body: object,
    apply: Callable[[], Change],
    actor: str | None,
    purpose: str | None,
    now: Callable[[], datetime],
) -> Answer:
    """Run `apply` unless the institution used `key` before, and record the event.

    A key used before with the same request (same `request_hash`) answers what it
    answered then, changing nothing; with another request it raises Refusal 409
    idempotency_conflict. Whatever `apply` raises rolls the transaction back.
    """
    with sqlite_store.transaction(conn):
        earlier = store.get_idempotency_key(conn, institution_id=institution_id, key=key)
        if earlier is not None:
            if earlier["request_hash"] != request_hash:
                raise Refusal(
                    409,
                    "idempotency_conflict",
                    f"this Idempotency-Key was used for another request (event {earlier['event_id']});"
                    " a new event needs a new key",
                )
            return Answer(earlier["status"], json.loads(earlier["answer"]), is_replay=True)
        change = apply()
        event_id = str(uuid.uuid4())
        answer = {"event_id": event_id, **change.result}
        created_at = now().isoformat()
        store.insert_event(
            conn,
            event_id=event_id,
            kind=kind,
            institution_id=institution_id,
            idempotency_key=key,
            request=json.dumps(body, ensure_ascii=False),
            result=json.dumps(answer, ensure_ascii=False),
            actor=(actor or None) and actor[:200],
            purpose=(purpose or None) and purpose[:500],
            created_at=created_at,
        )
        store.insert_idempotency_key(
            conn,
            institution_id=institution_id,
            key=key,
            request_hash=request_hash,
            status=change.status,
            answer=json.dumps(answer, ensure_ascii=False),
            event_id=event_id,
            created_at=created_at,
        )
    return Answer(change.status, answer, is_replay=False)


def event_view(row: sqlite3.Row) -> dict[str, object]:
    """An event as GET /api/v1/events/<event_id> shows it to the institution that wrote it."""
    return {
        "event_id": row["event_id"],
        "kind": row["kind"],
        "created_at": row["created_at"],
        "idempotency_key": row["idempotency_key"],
        "actor": row["actor"],
        "purpose": row["purpose"],
        "request": json.loads(row["request"]),
        "result": json.loads(row["result"]),
    }
