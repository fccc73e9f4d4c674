"""One real payment network for the tests: granian on a free loopback port with its own
temporary SQLite file and keys, notifying a platform stub in this process, with fast retries
and a short simulated hang; and a second one with two server workers and no platform URL.

Tests share the servers, so each creates its own bills (`va_body()` and the like give every
one a new trxId and VA number) and looks only at those; fault tests switch the faults off
again when they end.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from simulators.paynet.keys import KeyFiles, ensure_keys, load_public_key
from simulators.paynet.snap import JAKARTA
from simulators.paynet.testing import (
    TEST_BANK_CLIENT_KEY,
    TEST_BANK_CLIENT_SECRET,
    RunningPaynet,
    SnapClient,
    running_paynet,
)

from .platform_stub import PlatformStub

HANG_SECONDS = 1
MAX_ATTEMPTS = 4
PARTNER_SERVICE_ID = "   88001"
CREATE_VA, STATUS = "/v1.0/transfer-va/create-va", "/v1.0/transfer-va/status"
QR_GENERATE, QR_QUERY = "/v1.0/qr/qr-mpm-generate", "/v1.0/qr/qr-mpm-query"
_numbers = itertools.count(1)
T = TypeVar("T")


def later(**delta: float) -> str:
    """An ISO 8601 time this far from now, to the second, in WIB."""
    return (datetime.now(JAKARTA) + timedelta(**delta)).replace(microsecond=0).isoformat()


def va_body(**fields: object) -> dict[str, object]:
    """A create-va body for a new retribusi bill of Rp30.000; `fields` override."""
    number = next(_numbers)
    customer_no = f"6472{number:012d}"
    return {
        "partnerServiceId": PARTNER_SERVICE_ID,
        "customerNo": customer_no,
        "virtualAccountNo": PARTNER_SERVICE_ID + customer_no,
        "virtualAccountName": "SITI RAHAYU",
        "trxId": f"TAG-6472-{number:06d}",
        "totalAmount": {"value": "30000.00", "currency": "IDR"},
        "virtualAccountTrxType": "C",
        "expiredDate": later(days=2),
        "additionalInfo": {"kind": "va", "revenue": "retribusi", "description": "Retribusi persetujuan bangunan"},
        **fields,
    }


def billing_body(**fields: object) -> dict[str, object]:
    """A create-va body for a new PNBP bill of Rp50.000 (the network issues the billing code)."""
    pnbp = {
        "partnerServiceId": "",
        "customerNo": "",
        "virtualAccountNo": "",
        "virtualAccountName": "BUDI SANTOSO",
        "totalAmount": {"value": "50000.00", "currency": "IDR"},
        "additionalInfo": {"kind": "billing", "revenue": "pnbp", "description": "PNBP paspor"},
    }
    return va_body(**{**pnbp, **fields})


def create(client: SnapClient, body: dict[str, object]) -> dict[str, object]:
    """Create the bill; its virtualAccountData."""
    response = client.post(CREATE_VA, body)
    assert response.status_code == 200, response.text
    return response.json()["virtualAccountData"]


def generate_qr(client: SnapClient, data: dict[str, object], **fields: object) -> dict[str, object]:
    """A dynamic QR for the bill of `data` (virtualAccountData); the answer."""
    body = {
        "partnerReferenceNo": data["trxId"],
        "amount": data["totalAmount"],
        "merchantId": client.client_key,
        "validityPeriod": later(hours=1),
        "additionalInfo": {"virtualAccountNo": data["virtualAccountNo"]},
        **fields,
    }
    response = client.post(QR_GENERATE, body)
    assert response.status_code == 200, response.text
    return response.json()


def status_of(client: SnapClient, data: dict[str, object]) -> dict[str, object]:
    """The inquiry status of the bill of `data`: its virtualAccountData."""
    body = {key: data[key] for key in ("partnerServiceId", "customerNo", "virtualAccountNo")}
    response = client.post(STATUS, {**body, "inquiryRequestId": f"inq-{next(_numbers)}"})
    assert response.status_code == 200, response.text
    return response.json()["virtualAccountData"]


def wait_until(condition: Callable[[], T], timeout: float = 10) -> T:
    """condition()'s first true value; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s")
        time.sleep(0.05)
    return value


def finished(paynet: RunningPaynet, trx_id: str) -> dict[str, Any]:
    """The bill's notification once it is no longer pending."""
    return wait_until(lambda: [n for n in paynet.notifications(trx_id=trx_id) if n["state"] != "pending"])[0]


@pytest.fixture(scope="session")
def key_files(tmp_path_factory: pytest.TempPathFactory) -> KeyFiles:
    return ensure_keys(tmp_path_factory.mktemp("keys"))[0]


@pytest.fixture(scope="session")
def platform(key_files: KeyFiles) -> Iterator[PlatformStub]:
    stub = PlatformStub(
        TEST_BANK_CLIENT_KEY, TEST_BANK_CLIENT_SECRET, load_public_key(key_files.network_public, source="tests")
    )
    with stub.serving() as running:
        yield running


def _start(directory: Path, key_files: KeyFiles, **options: Any) -> AbstractContextManager[RunningPaynet]:
    return running_paynet(
        directory, keys_dir=key_files.directory, max_attempts=MAX_ATTEMPTS, hang_seconds=HANG_SECONDS, **options
    )


@pytest.fixture(scope="session")
def paynet(
    tmp_path_factory: pytest.TempPathFactory, key_files: KeyFiles, platform: PlatformStub
) -> Iterator[RunningPaynet]:
    with _start(tmp_path_factory.mktemp("paynet"), key_files, platform_url=platform.url) as running:
        yield running


@pytest.fixture(scope="session")
def paynet_two_workers(tmp_path_factory: pytest.TempPathFactory, key_files: KeyFiles) -> Iterator[RunningPaynet]:
    """Two server processes sharing one database, and no platform URL: nothing is notified."""
    with _start(tmp_path_factory.mktemp("paynet2"), key_files, workers=2) as running:
        yield running


@pytest.fixture(scope="session")
def client(paynet: RunningPaynet) -> SnapClient:
    return paynet.snap_client()


@pytest.fixture
def faults(paynet: RunningPaynet) -> Iterator[RunningPaynet]:
    yield paynet
    paynet.clear_faults()
