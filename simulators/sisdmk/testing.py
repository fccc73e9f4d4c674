"""Run a real SISDMK for tests: its own database, seeded from a small Dukcapil population of
its own, granian on a free loopback port.

For the simulator's own tests and for the platform's:

    from simulators.sisdmk.testing import running_sisdmk

    with running_sisdmk(tmp_path) as sisdmk:
        httpx.get(f"{sisdmk.url}/v1/health-workers/6472054211950001",
                  headers={"Authorization": f"Bearer {sisdmk.api_key}"})
        sisdmk.set_faults(error_rate=1)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import admin_client, processes
from ..clients import save_client
from ..dukcapil import store as dukcapil_store
from ..dukcapil.seeding import load_population
from . import store
from .seeding import load_workforce

DEFAULT_API_KEY = "test-sisdmk-key-0123456789abcdef"
DEFAULT_ADMIN_TOKEN = "test-sisdmk-admin-token-0123456789"
PERSONS, WORKERS, SEED = 3_000, 300, 42


@dataclass(frozen=True)
class RunningSisdmk(admin_client.AdminApi):
    """set_faults takes latency_ms, error_rate and timeout_rate."""

    api_key: str
    db: Path
    dukcapil_db: Path


def prepare_databases(
    directory: Path,
    *,
    persons: int = PERSONS,
    workers: int = WORKERS,
    seed: int = SEED,
    clients: Mapping[str, str] | None = None,
) -> tuple[Path, Path]:
    """Seed <directory>/dukcapil.sqlite3 with `persons` persons, then <directory>/sisdmk.sqlite3
    with `workers` health workers drawn from them and the clients {name: key}; returns both paths.
    A no-op for what is already seeded with these parameters."""
    dukcapil_db, db = directory / "dukcapil.sqlite3", directory / "sisdmk.sqlite3"
    population = dukcapil_store.connect(dukcapil_db)
    try:
        load_population(population, persons=persons, seed=seed)
    finally:
        population.close()
    conn = store.connect(db)
    try:
        load_workforce(conn, dukcapil_db=dukcapil_db, workers=workers, seed=seed)
        for name, key in (clients or {}).items():
            save_client(conn, name=name, key=key)
    finally:
        conn.close()
    return db, dukcapil_db


@contextmanager
def running_sisdmk(
    tmp_path: Path,
    *,
    api_key: str = DEFAULT_API_KEY,
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    client_name: str = "MPP Digital",
    env: Mapping[str, str] | None = None,
) -> Iterator[RunningSisdmk]:
    """`python -m simulators.sisdmk serve` on a free port, its database seeded in `tmp_path`
    (PERSONS persons, WORKERS workers, the demo ones included) holding the client
    `client_name` with `api_key`, until the block ends.

    SISDMK_* variables of the calling environment are not inherited (pass them in `env`,
    e.g. SISDMK_HANG_SECONDS). The server's output goes to <db>.server.log. Raises
    RuntimeError if it does not come up.
    """
    db, dukcapil_db = prepare_databases(tmp_path, clients={client_name: api_key})
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SISDMK_")}
    environment.update({"SISDMK_ADMIN_TOKEN": admin_token, **(env or {})})
    command = ["-m", "simulators.sisdmk", "serve", "--db", str(db)]
    with processes.running_server(command, env=environment, log_path=db.with_name(db.name + ".server.log")) as url:
        yield RunningSisdmk(url=url, api_key=api_key, admin_token=admin_token, db=db, dukcapil_db=dukcapil_db)
