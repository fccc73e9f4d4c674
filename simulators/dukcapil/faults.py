"""Fault injection: make the registry slow, failing or hanging, as the real face
service was when it was overloaded for days in February 2023.

Defaults come from the environment when the server starts (DUKCAPIL_LATENCY_MS,
DUKCAPIL_ERROR_RATE, DUKCAPIL_TIMEOUT_RATE, DUKCAPIL_HANG_SECONDS); POST /_sim/faults
overrides them at run time. The override lives in the simulator's database so every
server worker applies it; `serve` clears it at start, so a restart begins from the
environment again.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from . import store
from .institutions import now_wib
from .schemas import InvalidInput

# Longer than any sensible client timeout, short enough not to pile up threads.
DEFAULT_HANG_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _rate(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number from 0 to 1")
    return float(value)


def _latency(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120_000:
        raise ValueError("latency_ms must be a whole number of milliseconds from 0 to 120000")
    return value


def _number(environ: Mapping[str, str], name: str) -> float | int | None:
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw) if raw.lstrip("-").isdigit() else float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None


def from_env(environ: Mapping[str, str]) -> Faults:
    """The start-up faults; ValueError (failing start-up) on a malformed value."""
    latency = _number(environ, "DUKCAPIL_LATENCY_MS")
    error_rate = _number(environ, "DUKCAPIL_ERROR_RATE")
    timeout_rate = _number(environ, "DUKCAPIL_TIMEOUT_RATE")
    return Faults(
        latency_ms=_latency(latency) if latency is not None else 0,
        error_rate=_rate("DUKCAPIL_ERROR_RATE", error_rate) if error_rate is not None else 0.0,
        timeout_rate=_rate("DUKCAPIL_TIMEOUT_RATE", timeout_rate) if timeout_rate is not None else 0.0,
    )


def hang_seconds_from_env(environ: Mapping[str, str]) -> float:
    """How long a simulated timeout hangs before its 504 (not DUKCAPIL_TIMEOUT_SECONDS:
    that is the platform's client timeout, and both may share one environment)."""
    value = _number(environ, "DUKCAPIL_HANG_SECONDS")
    if value is None:
        return DEFAULT_HANG_SECONDS
    if not 0 < value <= 300:
        raise ValueError("DUKCAPIL_HANG_SECONDS must be more than 0 and at most 300")
    return float(value)


def current(conn: sqlite3.Connection, defaults: Faults) -> Faults:
    """The faults in force: the runtime override if one is set, else the start-up ones."""
    row = store.get_fault_override(conn)
    if row is None:
        return defaults
    return Faults(latency_ms=row["latency_ms"], error_rate=row["error_rate"], timeout_rate=row["timeout_rate"])


def update(conn: sqlite3.Connection, defaults: Faults, body: object) -> Faults:
    """Apply a (partial) JSON update to the faults in force; InvalidInput on a bad body."""
    if not isinstance(body, dict) or not body:
        raise InvalidInput("invalid_body", "send a JSON object with latency_ms, error_rate and/or timeout_rate")
    unknown = sorted(set(body) - {"latency_ms", "error_rate", "timeout_rate"})
    if unknown:
        raise InvalidInput("invalid_body", f"unknown settings: {', '.join(unknown)}")
    now = current(conn, defaults)
    try:
        faults = Faults(
            latency_ms=_latency(body["latency_ms"]) if "latency_ms" in body else now.latency_ms,
            error_rate=_rate("error_rate", body["error_rate"]) if "error_rate" in body else now.error_rate,
            timeout_rate=_rate("timeout_rate", body["timeout_rate"]) if "timeout_rate" in body else now.timeout_rate,
        )
    except ValueError as exc:
        raise InvalidInput("invalid_body", str(exc)) from None
    store.set_fault_override(conn, **faults.as_dict(), now=now_wib().isoformat())
    return faults


def reset(conn: sqlite3.Connection) -> None:
    store.clear_fault_override(conn)


def draw(faults: Faults, rng: random.Random | None = None) -> str | None:
    """What to do to this call: 'timeout', 'error' or None (after the latency)."""
    roll = rng or random
    if faults.timeout_rate and roll.random() < faults.timeout_rate:
        return "timeout"
    if faults.error_rate and roll.random() < faults.error_rate:
        return "error"
    return None
