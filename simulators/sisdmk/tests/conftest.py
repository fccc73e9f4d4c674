"""One real SISDMK for the tests: granian on a free loopback port, its own temporary SQLite
file seeded from a small Dukcapil population of its own, and a short simulated hang.

Tests share the server, so those that register practice places each take a worker of their
own (`fresh_worker`); fault tests switch the faults off again when they end.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from simulators.processes import REPO
from simulators.sisdmk.demo_workers import DEMO_WORKERS
from simulators.sisdmk.testing import RunningSisdmk, running_sisdmk

HANG_SECONDS = 1.5
_taken: set[str] = {worker.nik for worker in DEMO_WORKERS}


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulators.sisdmk", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="session")
def sisdmk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSisdmk]:
    with running_sisdmk(tmp_path_factory.mktemp("sisdmk"), env={"SISDMK_HANG_SECONDS": str(HANG_SECONDS)}) as sim:
        yield sim


@pytest.fixture
def api(sisdmk: RunningSisdmk) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {sisdmk.api_key}", "X-Actor": "Petugas%20uji", "X-Purpose": "uji"}
    with httpx.Client(base_url=sisdmk.url, headers=headers, timeout=30) as client:
        yield client


def fresh_worker(sisdmk: RunningSisdmk, *professions: str) -> sqlite3.Row:
    """A generated worker no other test took, with a valid lifelong STR and no practice place:
    nik, number (the STR), profession."""
    for row in query(
        sisdmk.db,
        "SELECT r.nik, r.number, r.profession FROM registrations r"
        " WHERE r.state = 'aktif' AND r.expires_on IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM practice_places p WHERE p.nik = r.nik) ORDER BY r.nik",
    ):
        if row["nik"] not in _taken and (not professions or row["profession"] in professions):
            _taken.add(row["nik"])
            return row
    raise LookupError("no fresh worker left")
