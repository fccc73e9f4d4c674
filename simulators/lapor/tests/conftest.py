"""One real LAPOR! simulator for the tests: granian on a free loopback port with its own
temporary SQLite file, its callbacks going to a receiver in this process, fast retries and
a short simulated hang.

Tests share the server, so each files its own reports (`reference()`, `new_key()`) and looks
only at those; fault tests switch the faults off again when they end.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import httpx
import pytest

from simulators.lapor.testing import (
    TEST_API_KEY,
    TEST_WEBHOOK_SECRET,
    CallbackReceiver,
    RunningLapor,
    receiving_callbacks,
    running_lapor,
)

HANG_SECONDS = 1
MAX_ATTEMPTS = 4
_numbers = itertools.count(1)


def reference() -> str:
    """A platform tracking number no other test of this session uses."""
    return f"ADU-6472-2612-{next(_numbers):06d}"


def new_key() -> str:
    return f"complaint-{uuid.uuid4()}"


def report_body(**fields: object) -> dict[str, object]:
    """A complaint as the platform forwards it; `fields` override."""
    return {
        "reference": reference(),
        "title": "Pungutan liar di loket perizinan",
        "content": "Petugas meminta uang Rp200.000 di luar tarif resmi untuk mempercepat izin usaha saya.",
        "category": "illegal_fees",
        "region_code": "64.72",
        "agency": "DPMPTSP Kota Samarinda",
        "anonymous": False,
        "confidential": True,
        "reporter": {"name": "Budi Santoso", "contact": "budi@example.id"},
        "attachments": 2,
        "occurred_on": "2026-11-30",
        **fields,
    }


@pytest.fixture(scope="session")
def receiver() -> Iterator[CallbackReceiver]:
    with receiving_callbacks() as running:
        yield running


@pytest.fixture(scope="session")
def lapor(tmp_path_factory: pytest.TempPathFactory, receiver: CallbackReceiver) -> Iterator[RunningLapor]:
    with running_lapor(
        tmp_path_factory.mktemp("lapor"),
        api_key=TEST_API_KEY,
        webhook_secret=TEST_WEBHOOK_SECRET,
        callback_url=receiver.url,
        max_attempts=MAX_ATTEMPTS,
        hang_seconds=HANG_SECONDS,
    ) as running:
        yield running


@pytest.fixture
def api(lapor: RunningLapor) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=lapor.url, headers={"X-Api-Key": lapor.api_key}, timeout=30) as client:
        yield client


@pytest.fixture
def faults(lapor: RunningLapor) -> Iterator[RunningLapor]:
    yield lapor
    lapor.clear_faults()


def file(api: httpx.Client, body: object, key: str | None = None) -> httpx.Response:
    return api.post("/api/v1/reports", json=body, headers={"Idempotency-Key": key or new_key()})
