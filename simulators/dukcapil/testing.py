"""Run a real simulator for tests: its own database, granian on a free loopback port.

For the simulator's own tests and for the platform's end-to-end tests:

    from simulators.dukcapil.testing import prepare_database, running_simulator

    prepare_database(db, persons=2_000, institutions=[("MPP Digital", "all", 100_000, KEY)])
    with running_simulator(db) as sim:
        httpx.get(f"{sim.url}/api/v1/persons/6472035204900001", headers={"Authorization": f"Bearer {KEY}"})
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import store
from .institutions import parse_fields, save_institution

REPO = Path(__file__).resolve().parents[2]
DEFAULT_ADMIN_TOKEN = "test-admin-token-0123456789"
#: The institution key the platform's tests give MPP Digital in a test registry.
PLATFORM_TEST_KEY = "platform-test-key-0123456789abcdef"
_FAULT_VARIABLES = ("DUKCAPIL_LATENCY_MS", "DUKCAPIL_ERROR_RATE", "DUKCAPIL_TIMEOUT_RATE", "DUKCAPIL_DB")


@dataclass(frozen=True)
class RunningSimulator:
    url: str
    db: Path
    admin_token: str


def prepare_database(
    db: Path, *, persons: int = 2_000, seed: int = 7, institutions: Iterable[tuple[str, str, int, str]] = ()
) -> None:
    """Seed `db` (demo persons included) and add institutions given as (name, fields, quota, key)."""
    from .seeding import load_population

    conn = store.connect(db)
    try:
        load_population(conn, persons=persons, seed=seed)
        for name, fields, quota, key in institutions:
            save_institution(conn, name=name, fields=parse_fields(fields), daily_quota=quota, key=key)
    finally:
        conn.close()


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
def running_simulator(
    db: Path,
    *,
    workers: int = 1,
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    env: Mapping[str, str] | None = None,
    startup_seconds: float = 60,
) -> Iterator[RunningSimulator]:
    """`python -m simulators.dukcapil serve` on a free port until the block ends.

    Fault variables of the calling environment are not inherited (pass them in `env`).
    The server's output goes to <db>.server.log. Raises RuntimeError if it does not
    come up.
    """
    environment = {k: v for k, v in os.environ.items() if k not in _FAULT_VARIABLES}
    environment.update({"DUKCAPIL_ADMIN_TOKEN": admin_token, **(env or {})})
    log_path = db.with_name(db.name + ".server.log")
    with log_path.open("ab") as log:
        for _attempt in range(3):  # a free port can be taken between probing and binding
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            command = [sys.executable, "-m", "simulators.dukcapil", "serve", "--port", str(port)]
            command += ["--workers", str(workers), "--db", str(db)]
            process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
                command, cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            deadline = time.monotonic() + startup_seconds
            while time.monotonic() < deadline and process.poll() is None and not _is_up(url):
                time.sleep(0.2)
            if process.poll() is None and _is_up(url):
                break
            _stop(process)
        else:
            raise RuntimeError(f"the Dukcapil simulator did not start; see {log_path}")
        try:
            yield RunningSimulator(url=url, db=db, admin_token=admin_token)
        finally:
            _stop(process)


def set_faults(simulator: RunningSimulator, **faults: float) -> None:
    """Switch the running simulator's faults (latency_ms, error_rate, timeout_rate); none given: healthy."""
    body = json.dumps({"latency_ms": 0, "error_rate": 0, "timeout_rate": 0, **faults}).encode()
    request = urllib.request.Request(  # noqa: S310 - our loopback URL
        f"{simulator.url}/_sim/faults",
        data=body,
        method="POST",
        headers={"X-Sim-Admin": simulator.admin_token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        response.read()
