"""Fault injection: make a simulator slow, failing or hanging on purpose. The start-up
faults come from the environment (<prefix>LATENCY_MS, <prefix>ERROR_RATE,
<prefix>TIMEOUT_RATE, <prefix>HANG_SECONDS, and a subclass's own); an admin endpoint overrides them at runtime,
stored in the simulator's database (fault_settings) so every server worker applies them.

Each simulator keeps its own environment prefix and admin header, and may add kinds of
fault (a Faults subclass); the mechanics are the same everywhere, so a fix here fixes
every simulator.
"""

from __future__ import annotations

import random
import secrets
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import ClassVar, TypeVar

from flask import Response, g, jsonify, request

from .web import Refusal, json_error


def fault_settings_schema(*extra_columns: str) -> str:
    """The table of the runtime fault override, shared by all server workers; a simulator
    with more kinds of fault (a Faults subclass) adds their columns."""
    columns = ["latency_ms INTEGER NOT NULL", "error_rate REAL NOT NULL", "timeout_rate REAL NOT NULL", *extra_columns]
    return (
        "CREATE TABLE IF NOT EXISTS fault_settings (id INTEGER PRIMARY KEY CHECK (id = 1), "
        + ", ".join(columns)
        + ", updated_at TEXT NOT NULL);"
    )


#: Part of every simulator's schema: the runtime override, shared by all server workers.
FAULT_SETTINGS_SCHEMA = fault_settings_schema()
# Longer than any sensible client timeout, short enough not to pile up threads.
DEFAULT_HANG_SECONDS = 10.0


def rate(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number from 0 to 1")
    return float(value)


def _latency(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120_000:
        raise ValueError(f"{name} must be a whole number of milliseconds from 0 to 120000")
    return value


@dataclass(frozen=True, slots=True)
class Faults:
    """The faults every simulator knows. A simulator with more subclasses it: new fields with
    defaults, their parsers added to PARSERS and their columns to fault_settings_schema()."""

    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0

    #: How each setting is read from a JSON update: (name, value) -> value, ValueError if bad.
    PARSERS: ClassVar[Mapping[str, Callable[[str, object], object]]] = {
        "latency_ms": _latency,
        "error_rate": rate,
        "timeout_rate": rate,
    }

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


AnyFaults = TypeVar("AnyFaults", bound=Faults)


def _number(environ: Mapping[str, str], name: str) -> float | int | None:
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw) if raw.lstrip("-").isdigit() else float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None


def faults_from_env(environ: Mapping[str, str], prefix: str, kind: type[AnyFaults] = Faults) -> AnyFaults:  # type: ignore[assignment]
    """The start-up faults of `kind`, each from <prefix><NAME> (<prefix>LATENCY_MS,
    <prefix>ERROR_RATE, <prefix>TIMEOUT_RATE and a subclass's own); one left unset is off.
    ValueError (failing start-up) on a malformed value."""
    values = {}
    for name, parse in kind.PARSERS.items():
        variable = f"{prefix}{name.upper()}"
        value = _number(environ, variable)
        if value is not None:
            values[name] = parse(variable, value)
    return kind(**values)


def hang_seconds_from_env(environ: Mapping[str, str], prefix: str) -> float:
    """How long a simulated timeout hangs before its 504 (<prefix>HANG_SECONDS; not
    <prefix>TIMEOUT_SECONDS: that is the platform's client timeout, and both may share
    one environment)."""
    name = f"{prefix}HANG_SECONDS"
    value = _number(environ, name)
    if value is None:
        return DEFAULT_HANG_SECONDS
    if not 0 < value <= 300:
        raise ValueError(f"{name} must be more than 0 and at most 300")
    return float(value)


def current_faults(conn: sqlite3.Connection, defaults: AnyFaults) -> AnyFaults:
    """The faults in force: the runtime override if one is set, else the start-up ones."""
    names = [field.name for field in fields(defaults)]
    row = conn.execute(f"SELECT {', '.join(names)} FROM fault_settings WHERE id = 1").fetchone()  # noqa: S608
    return defaults if row is None else type(defaults)(*row)


def update_faults(
    conn: sqlite3.Connection, defaults: AnyFaults, body: object, *, replace_all: bool = False
) -> AnyFaults:
    """Apply a (partial) JSON update to the faults in force, or with `replace_all` set exactly
    these (the ones left out off); ValueError on a bad body."""
    parsers = type(defaults).PARSERS
    if not isinstance(body, dict) or not body:
        *others, last = parsers
        raise ValueError(f"send a JSON object with {', '.join(others)} and/or {last}")
    unknown = sorted(set(body) - set(parsers))
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(unknown)}")
    changes = {name: parse(name, body[name]) for name, parse in parsers.items() if name in body}
    faults = replace(type(defaults)() if replace_all else current_faults(conn, defaults), **changes)
    values = faults.as_dict()
    # Column names are the dataclass's field names, never the caller's keys.
    columns, assignments = ", ".join(values), ", ".join(f"{name} = excluded.{name}" for name in values)
    conn.execute(
        f"INSERT INTO fault_settings (id, {columns}, updated_at) VALUES (1, {', '.join('?' * len(values))}, ?)"  # noqa: S608
        f" ON CONFLICT (id) DO UPDATE SET {assignments}, updated_at = excluded.updated_at",
        (*values.values(), datetime.now(UTC).isoformat()),
    )
    return faults


def reset_faults(conn: sqlite3.Connection) -> None:
    """Back to the start-up faults (`serve` calls it, so a restart begins from the environment)."""
    conn.execute("DELETE FROM fault_settings")


def faults_endpoint(conn: sqlite3.Connection, defaults: Faults) -> Response:
    """GET: the faults in force; POST: set some of them; PUT: set exactly these, the rest off
    (422 on a bad body); DELETE: back to the start-up ones. The caller checks the admin token
    first (and routes PUT only if it offers it)."""
    if request.method in ("POST", "PUT"):
        body = request.get_json(silent=True, force=True)
        try:
            return jsonify(update_faults(conn, defaults, body, replace_all=request.method == "PUT").as_dict())
        except ValueError as exc:
            raise Refusal(422, "invalid_body", str(exc)) from None
    if request.method == "DELETE":
        reset_faults(conn)
    return jsonify(current_faults(conn, defaults).as_dict())


def happens(probability: float, rng: random.Random | None = None) -> bool:
    """Draw a fault; a zero rate draws nothing, so a seeded sequence counts only active faults."""
    return bool(probability) and (rng or random).random() < probability


def delay_and_draw(faults: Faults, rng: random.Random | None = None) -> str | None:
    """Sleep the latency, then say what to do to this call: 'timeout', 'error' or None."""
    if faults.latency_ms:
        time.sleep(faults.latency_ms / 1000)
    if happens(faults.timeout_rate, rng):
        return "timeout"
    if happens(faults.error_rate, rng):
        return "error"
    return None


def fault_answer(
    outcome: str | None,
    *,
    hang_seconds: float,
    timeout: tuple[str, str],
    error: tuple[str, str],
    error_headers: Mapping[str, str] | None = None,
) -> Response | None:
    """The answer to a call that drew `outcome` (delay_and_draw): for 'timeout', a 504 after
    hanging `hang_seconds`; for 'error', a 503; each with its (code, message). None: no fault."""
    if outcome == "timeout":
        time.sleep(hang_seconds)
        return json_error(504, *timeout)
    if outcome == "error":
        return json_error(503, *error, error_headers)
    return None


def guard_keyed_api(
    *,
    prefix: str,
    conn: sqlite3.Connection,
    defaults: Faults,
    hang_seconds: float,
    api_key: str,
    name: str,
    nothing_was: str,
    key_hint: str,
) -> Response | None:
    """A ``before_request`` for an API under ``prefix`` with an ``X-Api-Key``: faults first (an overloaded system
    fails everyone; drawn ones kept in ``g.faults`` for the handlers), then the key (401)."""
    # Read the body before any early answer: granian closes a keep-alive connection whose
    # request body was left unread, and a client that reuses it sees "Server disconnected".
    request.get_data()
    if not request.path.startswith(prefix):
        return None
    g.faults = current_faults(conn, defaults)
    failed = fault_answer(
        delay_and_draw(g.faults),
        hang_seconds=hang_seconds,
        timeout=("timeout", f"{name} did not answer in time (simulated); nothing was {nothing_was}"),
        error=("unavailable", f"{name} is unavailable (simulated); nothing was {nothing_was}"),
    )
    if failed is not None:
        return failed
    if not secrets.compare_digest(request.headers.get("X-Api-Key", "").encode(), api_key.encode()):
        raise Refusal(401, "unauthorized", f"send X-Api-Key: <{key_hint}>")
    return None
