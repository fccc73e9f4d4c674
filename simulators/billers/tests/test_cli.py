"""`serve` refuses settings it cannot work with before it starts anything, and the demo data
is the same for the same seed and start date, with the README's demo subjects in every one."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from simulators.billers import demo, store
from simulators.billers.testing import TEST_API_KEY, running_billers
from simulators.processes import REPO


@pytest.mark.parametrize(
    ("arguments", "environ", "message"),
    [
        ([], {"BILLERS_API_KEY": ""}, "the API key is required, at least 16 characters"),
        (["--api-key", "short"], {}, "the API key is required"),
        (["--today", "6/12/2026"], {}, "BILLERS_TODAY must be a date YYYY-MM-DD"),
        ([], {"BILLERS_TODAY": "2026-02-29"}, "BILLERS_TODAY must be a date YYYY-MM-DD"),
        ([], {"BILLERS_SEED": "many"}, "BILLERS_SEED must be a whole number"),
        ([], {"BILLERS_ERROR_RATE": "often"}, "BILLERS_ERROR_RATE must be a number"),
        ([], {"BILLERS_LOST_ANSWER_RATE": "1.5"}, "BILLERS_LOST_ANSWER_RATE must be a number from 0 to 1"),
        ([], {"BILLERS_HANG_SECONDS": "0"}, "BILLERS_HANG_SECONDS must be more than 0"),
        (["--objects", "-1"], {}, "BILLERS_OBJECTS must not be negative"),
        ([], {"BILLERS_CUSTOMERS": "lots"}, "BILLERS_CUSTOMERS must be a whole number"),
    ],
)
def test_serve_refuses_a_bad_setting(tmp_path, arguments, environ, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLERS_")}
    env.update({"BILLERS_API_KEY": TEST_API_KEY, **environ})
    result = subprocess.run(
        [sys.executable, "-m", "simulators.billers", "serve", "--db", str(tmp_path / "b.sqlite3"), *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr


def _dump(path) -> list[tuple]:
    conn = store.connect(path)
    try:
        rows = conn.execute("SELECT s.*, c.* FROM subjects s JOIN charges c ON c.subject = s.number ORDER BY c.id")
        return [tuple(row) for row in rows]
    finally:
        conn.close()


def _load(path, *, seed: int, as_of: date) -> bool:
    conn = store.connect(path)
    try:
        return demo.load_once(conn, seed=seed, as_of=as_of)
    finally:
        conn.close()


def test_the_demo_data_is_the_same_for_a_seed_and_loaded_once(tmp_path):
    as_of = date(2026, 12, 6)
    assert _load(tmp_path / "a.sqlite3", seed=7, as_of=as_of) and _load(tmp_path / "b.sqlite3", seed=7, as_of=as_of)
    assert not _load(tmp_path / "a.sqlite3", seed=8, as_of=as_of)  # a database keeps what it was given
    assert _dump(tmp_path / "a.sqlite3") == _dump(tmp_path / "b.sqlite3")
    assert _load(tmp_path / "c.sqlite3", seed=8, as_of=as_of)
    assert _dump(tmp_path / "c.sqlite3") != _dump(tmp_path / "a.sqlite3")


def test_every_seed_and_start_date_has_the_demo_subjects_and_nothing_paid_after_it(tmp_path):
    as_of = date(2027, 3, 1)
    _load(tmp_path / "d.sqlite3", seed=99, as_of=as_of)
    conn = store.connect(tmp_path / "d.sqlite3")
    try:
        for obj in demo.DEMO_OBJECTS:
            unpaid = [r["period"] for r in store.charges_of(conn, "pbb", obj.nop) if r["paid_at"] is None]
            assert unpaid == sorted(str(as_of.year - back) for back in obj.unpaid_years_back)
        months = {c.number: len(c.unpaid_months_back) for c in demo.DEMO_CUSTOMERS}
        for number, count in months.items():
            unpaid = [r["period"] for r in store.charges_of(conn, "pdam", number) if r["paid_at"] is None]
            assert len(unpaid) == count and (not unpaid or unpaid[-1] == "2027-02")
        latest = conn.execute("SELECT max(substr(paid_at, 1, 10)) FROM charges").fetchone()[0]
        assert latest <= as_of.isoformat()
    finally:
        conn.close()


def _counts(path) -> dict[str, int]:
    conn = store.connect(path)
    try:
        return dict(conn.execute("SELECT service, count(*) FROM subjects GROUP BY service").fetchall())
    finally:
        conn.close()


def test_a_load_test_gets_as_many_generated_subjects_as_it_asks_for(tmp_path):
    as_of = date(2026, 12, 6)
    fixed_objects, fixed_customers = len(demo.DEMO_OBJECTS), len(demo.DEMO_CUSTOMERS)
    assert _load(tmp_path / "default.sqlite3", seed=7, as_of=as_of)
    assert _counts(tmp_path / "default.sqlite3") == {
        "pbb": fixed_objects + demo.GENERATED_OBJECTS,
        "pdam": fixed_customers + demo.GENERATED_CUSTOMERS,
    }
    conn = store.connect(tmp_path / "many.sqlite3")
    try:
        assert demo.load_once(conn, seed=7, as_of=as_of, objects=3000, customers=2500)
        numbers = [row[0] for row in conn.execute("SELECT number FROM subjects WHERE service = 'pbb'")]
        owing = conn.execute(
            "SELECT count(DISTINCT subject) FROM charges WHERE service = 'pdam' AND paid_at IS NULL"
        ).fetchone()[0]
    finally:
        conn.close()
    assert _counts(tmp_path / "many.sqlite3") == {"pbb": fixed_objects + 3000, "pdam": fixed_customers + 2500}
    assert len(set(numbers)) == len(numbers) and all(len(number) == 18 for number in numbers)
    assert owing == 2500 + sum(1 for customer in demo.DEMO_CUSTOMERS if customer.unpaid_months_back)


def test_serve_loads_the_subjects_it_is_asked_for(tmp_path):
    """BILLERS_OBJECTS and BILLERS_CUSTOMERS (or --objects, --customers) reach the generator of a new database."""
    with running_billers(tmp_path, today="2026-12-06", env={"BILLERS_OBJECTS": "50", "BILLERS_CUSTOMERS": "30"}) as b:
        served = {service: len(b.subjects(service)) for service in ("pbb", "pdam")}
    assert served == {"pbb": len(demo.DEMO_OBJECTS) + 50, "pdam": len(demo.DEMO_CUSTOMERS) + 30}
