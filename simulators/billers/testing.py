"""Run a real billers simulator for tests: its own database, granian on a free loopback port.

For the simulator's own tests and for the platform's:

    from simulators.billers.testing import TEST_API_KEY, running_billers

    with running_billers(tmp_path, today="2026-12-06") as billers:
        bill = httpx.get(f"{billers.url}/api/pdam/v1/customers/0101234567/bill",
                         headers={"X-Api-Key": billers.api_key}).json()
        billers.set_today("2027-01-02")          # the penalties of another day
        billers.add_bill("pdam", "0101234567", period="2026-12", amount=98_000, usage_m3=17)
        billers.set_faults(lost_answer_rate=1)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import admin_client, processes
from .faults import BillersFaults
from .settings import ENV_PREFIX

TEST_API_KEY = "test-billers-key-0123456789abcdef"
DEFAULT_ADMIN_TOKEN = "test-billers-admin-token-0123456789"


@dataclass(frozen=True)
class RunningBillers(admin_client.AdminApi):
    """The running simulator and its back offices (the admin endpoints)."""

    api_key: str
    db: Path

    FAULTS = BillersFaults  # latency_ms, error_rate, timeout_rate, lost_answer_rate

    def today(self) -> dict[str, Any]:
        """{"today": "YYYY-MM-DD", "source": "admin" | "environment" | "real"}"""
        return self._admin("GET", "/admin/clock")

    def set_today(self, today: str) -> dict[str, Any]:
        """Reckon penalties and late fees as on `today` (YYYY-MM-DD), for every worker."""
        return self._admin("PUT", "/admin/clock", json={"today": today})

    def reset_today(self) -> dict[str, Any]:
        """Back to the start-up date."""
        return self._admin("DELETE", "/admin/clock")

    def subjects(self, service: str, *, limit: int = 1000) -> list[dict[str, Any]]:
        """The tax objects ("pbb") or customers ("pdam") in number order, each with its unpaid periods."""
        collection = _collection(service)
        return self._admin("GET", f"/admin/{service}/{collection}", params={"limit": limit})[collection]

    def subject(self, service: str, number: str) -> dict[str, Any]:
        """A tax object or customer with all its own bills, paid or not."""
        return self._admin("GET", f"/admin/{service}/{_collection(service)}/{quote(number)}")

    def add_bill(self, service: str, number: str, **bill: Any) -> dict[str, Any]:
        """Raise a bill of the back end's own: period and amount (PDAM: and usage_m3). Returns the subject."""
        return self._admin("POST", f"/admin/{service}/{_collection(service)}/{quote(number)}/bills", json=bill)

    def payments(self, service: str | None = None) -> list[dict[str, Any]]:
        """The payments recorded, latest first (at most 1000)."""
        params = {"limit": 1000, **({"service": service} if service else {})}
        return self._admin("GET", "/admin/payments", params=params)["payments"]


def _collection(service: str) -> str:
    return {"pbb": "objects", "pdam": "customers"}[service]


@contextmanager
def running_billers(
    tmp_path: Path,
    *,
    api_key: str = TEST_API_KEY,
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    today: str | None = None,
    seed: int | None = None,
    hang_seconds: float = 1,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
) -> Iterator[RunningBillers]:
    """`python -m simulators.billers serve` on a free port, with <tmp_path>/billers.sqlite3 (the
    demo data loaded on its first start, as of `today`), until the block ends. Entering it
    again with the same `tmp_path` restarts it on the same database.

    `today` fixes the simulated date (default: the real one in WITA); a simulated timeout or
    lost answer hangs `hang_seconds`. BILLERS_* variables of the calling environment are not
    inherited (pass them in `env`); the key goes by environment, not on the command line. The
    server's output goes to <tmp_path>/billers.server.log. Raises RuntimeError if it does not
    come up.
    """
    db = tmp_path / "billers.sqlite3"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    environment.update(
        {
            "BILLERS_API_KEY": api_key,
            "BILLERS_ADMIN_TOKEN": admin_token,
            "BILLERS_TODAY": today or "",
            "BILLERS_HANG_SECONDS": str(hang_seconds),
            **({"BILLERS_SEED": str(seed)} if seed is not None else {}),
            **(env or {}),
        }
    )
    command = ["-m", "simulators.billers", "serve", "--db", str(db), "--workers", str(workers)]
    with processes.running_server(command, env=environment, log_path=tmp_path / "billers.server.log") as url:
        yield RunningBillers(url=url, admin_token=admin_token, api_key=api_key, db=db)
