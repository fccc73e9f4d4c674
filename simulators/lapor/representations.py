"""Reports, updates and callbacks as JSON: one shape for each, the same in the API's answers,
in polling, in the callbacks and on the admin endpoints."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime


def update(row: sqlite3.Row) -> dict[str, object]:
    """An update (store._SELECT_UPDATES); report.created ones carry the report as filed."""
    shown: dict[str, object] = {
        "seq": row["seq"],
        "id": row["id"],
        "type": row["type"],
        "lapor_id": row["lapor_id"],
        "reference": row["reference"],
        "status": row["status"],
        "note": row["note"],
        "agency": row["agency"],
        "at": row["at"],
    }
    if row["type"] == "report.created":
        shown["report"] = {
            "title": row["title"],
            "content": row["content"],
            "category": row["category"],
            "region_code": row["region_code"],
            "agency": row["agency"],
            "anonymous": bool(row["anonymous"]),
            "confidential": bool(row["confidential"]),
            "reporter": _reporter(row["reporter"]),
        }
    return shown


def callback_body(shown: dict[str, object]) -> str:
    """The exact JSON text POSTed (and signed) for an update: the same on every attempt."""
    return json.dumps({"type": shown["type"], "timestamp": shown["at"], "data": shown}, ensure_ascii=False)


def report(row: sqlite3.Row, updates: list[sqlite3.Row]) -> dict[str, object]:
    return {
        "lapor_id": row["lapor_id"],
        "reference": row["reference"],
        "channel": row["channel"],
        "status": row["status"],
        "title": row["title"],
        "content": row["content"],
        "category": row["category"],
        "region_code": row["region_code"],
        "agency": row["agency"],
        "anonymous": bool(row["anonymous"]),
        "confidential": bool(row["confidential"]),
        "reporter": _reporter(row["reporter"]),
        "attachments": row["attachments"],
        "occurred_on": row["occurred_on"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "updates": [update(u) for u in updates],
    }


def callback(row: sqlite3.Row) -> dict[str, object]:
    """A callback as /admin/callbacks shows it (store.callbacks)."""
    return {
        "webhook_id": row["webhook_id"],
        "seq": row["update_seq"],
        "type": row["type"],
        "lapor_id": row["lapor_id"],
        "url": row["url"],
        "state": row["state"],
        "attempts": row["attempts"],
        "duplicates": row["duplicates"],
        "last_status_code": row["last_status_code"],
        "last_error": row["last_error"],
        "next_attempt_at": _iso(row["next_attempt_at"]) if row["state"] == "pending" else None,
        "created_at": _iso(row["created_at"]),
        "finished_at": _iso(row["finished_at"]),
    }


def _reporter(stored: str | None) -> dict[str, str] | None:
    return None if stored is None else json.loads(stored)


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
