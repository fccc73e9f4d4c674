"""A real registry server for the tests: granian on a free loopback port, its own
temporary SQLite file seeded small through the CLI, and institutions with known keys.

The server runs with two workers so that what must be shared between workers
(quotas, runtime faults) is tested as it runs in production.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from simulators.dukcapil import store
from simulators.dukcapil.testing import REPO, running_simulator

PERSONS = 2_000
SEED = 7
ADMIN_TOKEN = "test-admin-token-0123456789"
FULL_KEY = "test-key-full-agreement-0123456789"
LIMITED_KEY = "test-key-limited-agreement-0123456789"
QUOTA_KEY = "test-key-small-quota-0123456789"
QUOTA = 3
LIMITED_FIELDS = "nik,name,birth_date,sex"
HANG_SECONDS = 3


@dataclass(frozen=True)
class Registry:
    url: str
    db: Path

    def client(self, key: str | None = FULL_KEY, **headers: str) -> httpx.Client:
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def admin(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-Sim-Admin": ADMIN_TOKEN}, timeout=30)

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        conn = store.connect(self.db)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulators.dukcapil", *args, "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry database with PERSONS persons (demo persons included) and three institutions."""
    db = tmp_path_factory.mktemp("dukcapil") / "registry.sqlite3"
    cli("seed", "--persons", str(PERSONS), "--seed", str(SEED), db=db)
    for name, fields, quota, key in (
        ("MPP Digital", "all", 100_000, FULL_KEY),
        ("Dinas Kesehatan", LIMITED_FIELDS, 100_000, LIMITED_KEY),
        ("Quota Test", "all", QUOTA, QUOTA_KEY),
    ):
        cli("add-institution", "--name", name, "--fields", fields, "--quota", str(quota), "--key", key, db=db)
    return db


@pytest.fixture(scope="session")
def registry(seeded_db: Path) -> Iterator[Registry]:
    env = {"DUKCAPIL_HANG_SECONDS": str(HANG_SECONDS)}
    with running_simulator(seeded_db, workers=2, admin_token=ADMIN_TOKEN, env=env) as sim:
        yield Registry(url=sim.url, db=seeded_db)


@pytest.fixture
def api(registry: Registry) -> Iterator[httpx.Client]:
    with registry.client() as client:
        yield client
