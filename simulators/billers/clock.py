"""The simulator's "today": the date on which penalties and late fees are reckoned.

It is the real date in Samarinda (WITA, UTC+8) unless BILLERS_TODAY fixes one at start-up;
PUT /admin/clock sets another at run time and DELETE /admin/clock goes back to the start-up
one. The run-time date is kept in the database (the meta table), so every server worker
reckons with the same day; `serve` clears it, so a restart begins from the environment. A
set date stays put (it does not advance), so a test or a demo sees the same amounts until
it moves the clock.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime, timedelta, timezone

from .. import sqlite_store

WITA = timezone(timedelta(hours=8), "WITA")
_META_KEY = "today"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(raw: str, name: str) -> date:
    """A calendar date written YYYY-MM-DD, or ValueError naming the setting or field."""
    if _DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueError(f"{name} must be a date YYYY-MM-DD, got {raw!r}")


def today(conn: sqlite3.Connection, start_up: date | None) -> date:
    """The date set at run time, else the start-up one, else the real date in WITA."""
    stored = sqlite_store.get_meta(conn, _META_KEY)
    if stored is not None:
        return date.fromisoformat(stored)
    return start_up or datetime.now(WITA).date()


def shown(conn: sqlite3.Connection, start_up: date | None) -> dict[str, str]:
    """The date in force and where it comes from: "admin" (set at run time), "environment"
    (BILLERS_TODAY) or "real"."""
    set_at_run_time = sqlite_store.get_meta(conn, _META_KEY) is not None
    source = "admin" if set_at_run_time else "environment" if start_up else "real"
    return {"today": today(conn, start_up).isoformat(), "source": source}


def set_today(conn: sqlite3.Connection, value: date) -> None:
    sqlite_store.set_meta(conn, _META_KEY, value.isoformat())


def reset(conn: sqlite3.Connection) -> None:
    """Back to the start-up date (`serve` calls it before any worker starts)."""
    conn.execute("DELETE FROM meta WHERE key = ?", (_META_KEY,))
