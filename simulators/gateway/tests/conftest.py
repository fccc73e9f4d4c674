"""One real gateway for the tests: granian on a free loopback port with its own temporary
SQLite file, two sending clients (the second added through the CLI while it runs), and a
short simulated hang.

Tests share the server, so each sends to its own phone number (`number()`) and uses its
own idempotency keys; fault tests switch the faults off again when they end.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from simulators.gateway.testing import RunningGateway, running_gateway
from simulators.processes import REPO

OTHER_KEY = "test-key-of-another-institution-0123"
HANG_SECONDS = 1.5
_numbers = itertools.count(1)


def number() -> str:
    """A phone number no other test of this session sends to."""
    return f"+628139{next(_numbers):07d}"


def new_key() -> str:
    return f"test-{uuid.uuid4()}"


def cli(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulators.gateway", *args, "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=check,
        timeout=60,
    )


@pytest.fixture(scope="session")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    with running_gateway(tmp_path_factory.mktemp("gateway"), env={"GATEWAY_HANG_SECONDS": str(HANG_SECONDS)}) as gw:
        cli("add-client", "--name", "Dinas Kesehatan", "--api-key", OTHER_KEY, db=gw.db)
        yield gw


def client(gateway: RunningGateway, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=gateway.url, headers=headers, timeout=30)


@pytest.fixture
def api(gateway: RunningGateway) -> Iterator[httpx.Client]:
    with client(gateway, gateway.api_key) as http:
        yield http


@pytest.fixture
def other_api(gateway: RunningGateway) -> Iterator[httpx.Client]:
    with client(gateway, OTHER_KEY) as http:
        yield http


def sms(
    to: str | None = None, text: str = "Kode verifikasi MPP Digital: 482913", **fields: object
) -> dict[str, object]:
    return {"channel": "sms", "to": number() if to is None else to, "text": text, **fields}


def send(http: httpx.Client, body: object, key: str | None = None) -> httpx.Response:
    return http.post("/v1/messages", json=body, headers={"Idempotency-Key": key or new_key()})
