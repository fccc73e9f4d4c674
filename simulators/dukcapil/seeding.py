"""Loading a population into the simulator's database: demo persons plus generated ones,
in one transaction, skipped when the same population is already there.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass

from .. import sqlite_store
from . import store
from .demo_persons import DEMO_FAMILIES, family_row, person_rows
from .population import GENERATOR_VERSION, generate
from .regions import pilot_villages, region_rows


class PopulationExists(Exception):
    """The database holds a population made with other parameters (use replace=True)."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    loaded: bool  # False: the same population was already there
    persons: int
    families: int
    seconds: float


_BATCH = 20_000


def load_population(conn: sqlite3.Connection, *, persons: int, seed: int, replace: bool = False) -> LoadResult:
    """Load the demo persons plus generated ones, `persons` in all, in one transaction.

    A no-op when the database already holds the population of these parameters.
    Raises PopulationExists when it holds another one and `replace` is false, and
    ValueError when `persons` is smaller than the number of demo persons. Replacing
    drops face enrolments too (their NIKs may be gone); institutions and the access
    log stay.
    """
    started = time.perf_counter()
    demo_count = sum(len(f.members) for f in DEMO_FAMILIES)
    if persons < demo_count:
        raise ValueError(f"--persons must be at least {demo_count} (the demo persons)")
    params = json.dumps({"persons": persons, "seed": seed, "generator": GENERATOR_VERSION}, sort_keys=True)
    current = sqlite_store.get_meta(conn, "population")
    if current == params:
        families = conn.execute("SELECT count(*) FROM families").fetchone()[0]
        return LoadResult(False, store.count_persons(conn), families, time.perf_counter() - started)
    if (current is not None or store.count_persons(conn)) and not replace:
        raise PopulationExists(f"the database holds another population ({current}); pass --replace")

    conn.execute("PRAGMA cache_size=-262144")  # 256 MiB while building the indexes
    with sqlite_store.transaction(conn):
        store.clear_population(conn)
        store.drop_population_indexes(conn)
        store.insert_regions(conn, region_rows(pilot_villages()))
        for family in DEMO_FAMILIES:
            store.insert_families(conn, [family_row(family)])
            store.insert_persons(conn, person_rows(family))
        n_families = len(DEMO_FAMILIES)
        family_batch: list[tuple[object, ...]] = []
        person_batch: list[tuple[object, ...]] = []
        for household in generate(persons=persons - demo_count, seed=seed, villages=pilot_villages()):
            family_batch.append(household.family)
            person_batch.extend(household.persons)
            if len(person_batch) >= _BATCH:
                store.insert_families(conn, family_batch)
                store.insert_persons(conn, person_batch)
                n_families += len(family_batch)
                family_batch, person_batch = [], []
        store.insert_families(conn, family_batch)
        store.insert_persons(conn, person_batch)
        n_families += len(family_batch)
        store.create_population_indexes(conn)
        sqlite_store.set_meta(conn, "population", params)
    return LoadResult(True, persons, n_families, time.perf_counter() - started)
