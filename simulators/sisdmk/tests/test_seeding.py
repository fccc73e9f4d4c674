"""Seeding from the Dukcapil population: enough workers for the demo, fast, deterministic,
idempotent, read-only towards the population; and the command line around it."""

from __future__ import annotations

import time

import pytest

from simulators.dukcapil import store as dukcapil_store
from simulators.dukcapil.seeding import load_population
from simulators.sisdmk import store
from simulators.sisdmk.demo_workers import DEMO_WORKERS
from simulators.sisdmk.seeding import WorkforceExists, load_workforce

from .conftest import cli, query


def test_the_demo_population_gives_at_least_2000_workers_fast_and_a_second_seed_is_a_no_op(tmp_path):
    population = dukcapil_store.connect(tmp_path / "dukcapil.sqlite3")
    load_population(population, persons=100_000, seed=42)  # as `make run` seeds it
    population.close()
    args = ("seed", "--db", str(tmp_path / "sisdmk.sqlite3"), "--dukcapil-db", str(tmp_path / "dukcapil.sqlite3"))
    started = time.perf_counter()
    first = cli(*args)
    assert time.perf_counter() - started < 10
    assert first.stdout.startswith("loaded: 2,500 health workers")
    assert cli(*args).stdout.startswith("already loaded: 2,500 health workers")
    rows = query(tmp_path / "sisdmk.sqlite3", "SELECT profession, count(*) FROM workers GROUP BY 1")
    assert all(count >= 50 for _, count in rows) and len(rows) == 5


def test_the_same_seed_gives_the_same_workforce(sisdmk, tmp_path):
    tables = ("workers", "registrations", "practice_places")
    dumps = []
    for name in ("a", "b"):
        conn = store.connect(tmp_path / f"{name}.sqlite3")
        load_workforce(conn, dukcapil_db=sisdmk.dukcapil_db, workers=200, seed=5)
        dumps.append([conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables])
        conn.close()
    assert dumps[0] == dumps[1]


def test_another_workforce_needs_replace_and_the_demo_workers_survive_it(sisdmk, tmp_path):
    conn = store.connect(tmp_path / "s.sqlite3")
    assert load_workforce(conn, dukcapil_db=sisdmk.dukcapil_db, workers=100, seed=1).loaded
    assert not load_workforce(conn, dukcapil_db=sisdmk.dukcapil_db, workers=100, seed=1).loaded
    with pytest.raises(WorkforceExists):
        load_workforce(conn, dukcapil_db=sisdmk.dukcapil_db, workers=120, seed=1)
    result = load_workforce(conn, dukcapil_db=sisdmk.dukcapil_db, workers=120, seed=2, replace=True)
    assert result.loaded and result.workers == 120
    for demo in DEMO_WORKERS:
        assert [r["number"] for r in store.registrations_of(conn, demo.nik)] == [
            s.number for s in sorted(demo.registrations, key=lambda s: s.issued_on, reverse=True)
        ]
    conn.close()


def test_seeding_only_reads_the_population(sisdmk, tmp_path):
    before = sisdmk.dukcapil_db.stat().st_mtime_ns
    conn = store.connect(tmp_path / "s.sqlite3")
    load_workforce(conn, dukcapil_db=sisdmk.dukcapil_db, workers=50, seed=3)
    conn.close()
    assert sisdmk.dukcapil_db.stat().st_mtime_ns == before


def test_seed_without_a_population_or_with_too_few_workers_exits_2(tmp_path):
    missing = cli("seed", "--db", str(tmp_path / "s.sqlite3"), "--dukcapil-db", str(tmp_path / "none"), check=False)
    assert missing.returncode == 2 and "seed the Dukcapil simulator first" in missing.stderr
    few = cli("seed", "--db", str(tmp_path / "s.sqlite3"), "--workers", "2", check=False)
    assert few.returncode == 2 and "at least 4" in few.stderr


def test_demo_workers_prints_each_nik_and_what_it_shows():
    lines = cli("demo-workers").stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == [w.nik for w in DEMO_WORKERS]
    assert "3 practice places" in lines[2] and "revoked" in lines[4]


def test_add_client_twice_is_harmless(tmp_path):
    args = ("add-client", "--name", "MPP Digital", "--api-key", "repeatable-key-0123456789", "--db")
    first, again = cli(*args, str(tmp_path / "s.sqlite3")), cli(*args, str(tmp_path / "s.sqlite3"))
    assert first.stdout == again.stdout == "repeatable-key-0123456789\n"
    assert "created" in first.stderr and "unchanged" in again.stderr
