"""Run a real simulator for tests: its own database, granian on a free loopback port.

For the simulator's own tests and for the platform's end-to-end tests:

    from simulators.dukcapil.testing import prepare_database, running_simulator

    prepare_database(db, persons=2_000, institutions=[("MPP Digital", "all", 100_000, KEY)])
    with running_simulator(db) as sim:
        httpx.get(f"{sim.url}/api/v1/persons/6472035204900001", headers={"Authorization": f"Bearer {KEY}"})
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..admin_client import post_admin_json
from ..processes import REPO as REPO
from ..processes import running_server
from . import store
from .institutions import parse_fields, save_institution

DEFAULT_ADMIN_TOKEN = "test-admin-token-0123456789"
#: The institution key the platform's tests give MPP Digital in a test registry; with the
#: fields "all" its agreement includes "events", so it may write civil-registration events.
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
    command = ["-m", "simulators.dukcapil", "serve", "--workers", str(workers), "--db", str(db)]
    log_path = db.with_name(db.name + ".server.log")
    with running_server(command, env=environment, log_path=log_path, startup_seconds=startup_seconds) as url:
        yield RunningSimulator(url=url, db=db, admin_token=admin_token)


def set_faults(simulator: RunningSimulator, **faults: float) -> None:
    """Switch the running simulator's faults (latency_ms, error_rate, timeout_rate); none given: healthy."""
    faults = {"latency_ms": 0, "error_rate": 0, "timeout_rate": 0, **faults}
    post_admin_json(f"{simulator.url}/_sim/faults", faults, {"X-Sim-Admin": simulator.admin_token})
