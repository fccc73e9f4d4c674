"""Loading the workforce: read persons from the Dukcapil simulator's file (read-only), add the
demo workers and generated ones in one transaction, skipped when the same workforce is there.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from .. import sqlite_store
from ..dukcapil.population import REFERENCE_DATE
from . import store
from .demo_workers import DEMO_WORKERS
from .professions import PROFESSIONS
from .workforce import MAX_AGE, MIN_AGE, Person, Workforce, WorkforceGenerator

# Bump when the generator changes what a seed produces, so `seed` reloads instead of no-op.
GENERATOR_VERSION = 1
DEFAULT_WORKERS = 2_500


class WorkforceExists(Exception):
    """The database holds a workforce made with other parameters or population (use replace=True)."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    loaded: bool  # False: the same workforce was already there
    workers: int
    registrations: int
    seconds: float


def _open_population(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise ValueError(f"{path} does not exist; seed the Dukcapil simulator first")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def _population_id(population: sqlite3.Connection) -> str:
    population_id = sqlite_store.get_meta(population, "population")
    if population_id is None:
        raise ValueError("the Dukcapil database holds no population; seed it first")
    return population_id


def _born_between(oldest: int, youngest: int) -> tuple[str, str]:
    def born(years: int) -> str:
        return (REFERENCE_DATE - timedelta(days=int(years * 365.2425))).isoformat()

    return born(oldest), born(youngest)


def _read_persons(population: sqlite3.Connection) -> list[Person]:
    """Living adults of working age, in NIK order."""
    rows = population.execute(
        "SELECT p.nik, p.name, p.sex, p.birth_date, p.occupation, f.village_code"
        " FROM persons p JOIN families f ON f.kk_number = p.kk_number"
        " WHERE p.is_deceased = 0 AND p.birth_date BETWEEN ? AND ? ORDER BY p.nik",
        _born_between(MAX_AGE, MIN_AGE),
    )
    return [Person(*row) for row in rows]


def _read_regions(population: sqlite3.Connection) -> dict[str, str]:
    """Kabupaten/kota and kecamatan: code -> name."""
    return dict(population.execute("SELECT code, name FROM regions WHERE level IN (2, 3)").fetchall())


def _add_demo_workers(workforce: Workforce, population: sqlite3.Connection, regions: dict[str, str]) -> None:
    for demo in DEMO_WORKERS:
        person = population.execute(
            "SELECT p.nik, p.name, p.sex, p.birth_date, f.village_code"
            " FROM persons p JOIN families f ON f.kk_number = p.kk_number WHERE p.nik = ?",
            (demo.nik,),
        ).fetchone()
        if person is None:
            raise ValueError(f"demo person {demo.nik} is not in the Dukcapil database")
        workforce.workers.append(
            (demo.nik, person["name"], person["sex"], person["birth_date"], demo.profession, person["village_code"][:5])
        )
        workforce.registrations.extend(
            (s.number, demo.nik, demo.profession, s.issued_on, s.expires_on, s.state, s.state_since)
            for s in demo.registrations
        )
        workforce.places.extend(
            (
                p.sip_number,
                demo.nik,
                p.str_number,
                p.facility,
                p.facility_type,
                p.region_code,
                regions.get(p.region_code, p.region_code),
                p.since,
                p.valid_until,
                p.ended_on,
                None,
                None,
                p.since,
            )
            for p in demo.places
        )


def load_workforce(
    conn: sqlite3.Connection, *, dukcapil_db: Path, workers: int = DEFAULT_WORKERS, seed: int, replace: bool = False
) -> LoadResult:
    """Load the demo workers plus generated ones, `workers` in all, in one transaction.

    A no-op when the database already holds the workforce of these parameters drawn from
    the same Dukcapil population. Raises WorkforceExists when it holds another one and
    `replace` is false (replacing also drops the practice places clients registered), and
    ValueError when the Dukcapil file is missing, holds no population or lacks a demo person,
    or when `workers` is smaller than the number of demo workers. Fewer workers are
    generated when the population has too few adults of working age.
    """
    started = time.perf_counter()
    if workers < len(DEMO_WORKERS):
        raise ValueError(f"--workers must be at least {len(DEMO_WORKERS)} (the demo workers)")
    population = _open_population(Path(dukcapil_db))
    try:
        params = json.dumps(
            {
                "workers": workers,
                "seed": seed,
                "generator": GENERATOR_VERSION,
                "population": _population_id(population),
            },
            sort_keys=True,
        )
        current = sqlite_store.get_meta(conn, "workforce")
        if current == params:
            return LoadResult(
                False, store.count_workers(conn), store.count_registrations(conn), time.perf_counter() - started
            )
        if (current is not None or store.count_workers(conn)) and not replace:
            raise WorkforceExists(f"the database holds another workforce ({current}); pass --replace")
        regions = _read_regions(population)
        workforce = Workforce()
        _add_demo_workers(workforce, population, regions)
        generator = WorkforceGenerator(seed=seed, regions=regions)
        for person, profession in generator.choose(_read_persons(population), workers - len(DEMO_WORKERS)):
            generator.add(workforce, person, profession)
    finally:
        population.close()

    with sqlite_store.transaction(conn):
        store.clear_workforce(conn)
        store.insert_workers(conn, workforce.workers)
        store.insert_registrations(conn, workforce.registrations)
        store.insert_practice_places(conn, workforce.places)
        sqlite_store.set_meta(conn, "workforce", params)
    return LoadResult(True, len(workforce.workers), len(workforce.registrations), time.perf_counter() - started)


def professions_summary(conn: sqlite3.Connection) -> dict[str, int]:
    """Workers per profession label, for the seed command's report."""
    counts = dict(conn.execute("SELECT profession, count(*) FROM workers GROUP BY profession").fetchall())
    return {p.label: counts.get(p.code, 0) for p in PROFESSIONS.values()}
