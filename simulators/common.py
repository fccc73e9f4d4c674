"""What the simulators share, written once: JSON errors and request reading, per-thread
SQLite connections with their meta table and write transactions, the admin-token guard,
fault injection, and starting a simulator as a real process for tests.

Each simulator keeps its own names (environment prefix, admin header, database file);
the behaviour behind them is the same everywhere, so a fix here fixes every simulator.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, NoReturn, TypeVar
from urllib.parse import unquote

import httpx
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

REPO = Path(__file__).resolve().parents[1]

# --- JSON errors ---------------------------------------------------------------------


class Refusal(Exception):
    """Raise from a view to answer `{"error": code, "message": message}` with `status`."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, dict(headers or {})


def json_error(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> Response:
    response = jsonify(error=code, message=message)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def install_error_handlers(app: Flask, *, what: str) -> None:
    """Refusals, Werkzeug's HTTP errors (404, 405, 413, …) and anything unexpected, all as JSON.

    `what` names the simulator in the message of a 500 ("the registry simulator failed").
    """

    @app.errorhandler(Refusal)
    def refused(exc: Refusal) -> Response:
        return json_error(exc.status, exc.code, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = "payload_too_large" if exc.code == 413 else (exc.name or "error").lower().replace(" ", "_")
        return json_error(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error")
        return json_error(500, "internal_error", f"{what} failed; see its log")


def require_admin(expected: str, *, header: str, variable: str) -> None:
    """Refuse the request unless its `header` carries the admin token (env `variable`).

    Without a configured token the admin endpoints are off (403), so a simulator started
    without one cannot be switched by anyone.
    """
    if not expected:
        raise Refusal(403, "admin_disabled", f"set {variable} to use the admin endpoints")
    given = request.headers.get(header, "")
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise Refusal(401, "unauthorized", f"send {header}: <{variable}>")


def json_body() -> object:
    """The request body parsed as JSON; a 400 Refusal when it is not JSON."""
    try:
        return json.loads(request.get_data())
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested deeper than the parser goes
        raise Refusal(400, "malformed_json", "the body is not valid JSON") from None


def header_text(name: str) -> str | None:
    """A header the platform sends percent-encoded as UTF-8 (HTTP headers are ASCII), decoded."""
    value = request.headers.get(name)
    return unquote(value) if value is not None else None


# --- serving -------------------------------------------------------------------------


def exec_granian(factory: str, *, host: str, port: int, workers: int, threads: int) -> NoReturn:
    """Replace this process with granian serving the WSGI app made by `factory`
    ("package.module:function"), so a supervisor's signals reach the server."""
    argv = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--factory",
        factory,
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        # Each request holds a thread; simulated timeouts hold theirs for seconds.
        "--blocking-threads",
        str(threads),
        "--workers-kill-timeout",
        "5",
        "--no-ws",
        "--log-level",
        "warning",
        "--working-dir",
        str(REPO),
    ]
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter and arguments, no shell


# --- SQLite --------------------------------------------------------------------------


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


# --- fault injection -----------------------------------------------------------------


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


def faults_from_env(environ: Mapping[str, str], prefix: str) -> Faults:
    """The start-up faults from <prefix>LATENCY_MS, <prefix>ERROR_RATE and <prefix>TIMEOUT_RATE;
    ValueError (failing start-up) on a malformed value."""
    latency = _number(environ, f"{prefix}LATENCY_MS")
    error_rate = _number(environ, f"{prefix}ERROR_RATE")
    timeout_rate = _number(environ, f"{prefix}TIMEOUT_RATE")
    return Faults(
        latency_ms=_latency("latency_ms", latency) if latency is not None else 0,
        error_rate=rate(f"{prefix}ERROR_RATE", error_rate) if error_rate is not None else 0.0,
        timeout_rate=rate(f"{prefix}TIMEOUT_RATE", timeout_rate) if timeout_rate is not None else 0.0,
    )


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


def update_faults(conn: sqlite3.Connection, defaults: AnyFaults, body: object) -> AnyFaults:
    """Apply a (partial) JSON update to the faults in force; ValueError on a bad body."""
    parsers = type(defaults).PARSERS
    if not isinstance(body, dict) or not body:
        *others, last = parsers
        raise ValueError(f"send a JSON object with {', '.join(others)} and/or {last}")
    unknown = sorted(set(body) - set(parsers))
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(unknown)}")
    changes = {name: parse(name, body[name]) for name, parse in parsers.items() if name in body}
    faults = replace(current_faults(conn, defaults), **changes)
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
    """GET: the faults in force; POST: set some of them (422 on a bad body); DELETE: back to
    the start-up ones. The caller checks the admin token first."""
    if request.method == "POST":
        try:
            return jsonify(update_faults(conn, defaults, request.get_json(silent=True, force=True)).as_dict())
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


# --- a real simulator process for tests ----------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310 - our loopback URL
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # The process group this module started (start_new_session), nothing else.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextmanager
def running_server(
    command: Sequence[str], *, env: Mapping[str, str], log_path: Path, startup_seconds: float = 60
) -> Iterator[str]:
    """Run `python <command> --port <free port>` from the repository root until the block
    ends, and yield its base URL once GET /healthz answers 200.

    The output goes to `log_path`. Raises RuntimeError if the server does not come up.
    """
    with log_path.open("ab") as log:
        for _attempt in range(3):  # a free port can be taken between probing and binding
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
                [sys.executable, *command, "--port", str(port)],
                cwd=REPO,
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            deadline = time.monotonic() + startup_seconds
            while time.monotonic() < deadline and process.poll() is None and not _is_up(url):
                time.sleep(0.2)
            if process.poll() is None and _is_up(url):
                break
            _stop(process)
        else:
            raise RuntimeError(f"`{' '.join(command)}` did not start; see {log_path}")
        try:
            yield url
        finally:
            _stop(process)


def post_admin_json(url: str, body: object, headers: Mapping[str, str]) -> object:
    """POST `body` as JSON to a simulator's admin endpoint and return the decoded answer."""
    req = urllib.request.Request(  # noqa: S310 - our loopback URL
        url, data=json.dumps(body).encode(), method="POST", headers={**headers, "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def get_admin_json(url: str, headers: Mapping[str, str]) -> object:
    """GET a simulator's admin endpoint and return the decoded answer."""
    req = urllib.request.Request(url, headers=dict(headers))  # noqa: S310 - our loopback URL
    with urllib.request.urlopen(req, timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


@dataclass(frozen=True)
class AdminApi:
    """The admin side of a running simulator whose admin endpoints take X-Admin-Token; a
    simulator's Running… dataclass subclasses it (FAULTS: its Faults class)."""

    url: str
    admin_token: str

    FAULTS: ClassVar[type[Faults]] = Faults

    def _admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(
            method, f"{self.url}{path}", headers={"X-Admin-Token": self.admin_token}, timeout=10, **kwargs
        )
        response.raise_for_status()
        return response.json()

    def set_faults(self, **faults: float | int | None) -> dict[str, Any]:
        """Exactly these faults (the FAULTS fields); the rest off."""
        return self._admin("POST", "/admin/faults", json={**self.FAULTS().as_dict(), **faults})

    def clear_faults(self) -> dict[str, Any]:
        return self._admin("DELETE", "/admin/faults")
