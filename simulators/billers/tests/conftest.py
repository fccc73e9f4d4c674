"""One real billers simulator for the tests: granian with two workers on a free loopback
port, its own temporary SQLite file with the demo data as of TODAY, and a short simulated hang.

Tests share the server. The demo subjects of README.md are only read; a test that pays or
adds bills takes a generated subject no other test has used (`fresh()`). Tests that move the
clock or switch faults put them back when they end (the `clock` and `faults` fixtures).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from simulators.billers.testing import RunningBillers, running_billers

TODAY = "2026-12-06"
HANG_SECONDS = 1
# The demo subjects README.md lists, as of TODAY.
NOP_THIS_YEAR = "64.72.010.001.002-0123.0"  # only 2026's SPPT, Rp312.750
NOP_THREE_YEARS = "64.72.030.004.015-0457.0"  # 2024, 2025 and 2026, Rp1.150.000 each
NOP_PAID_UP = "64.72.090.001.007-0089.0"
NOP_OLD_ARREARS = "64.72.060.004.021-0310.0"  # only 2023's SPPT, Rp228.400
CUSTOMER_TWO_MONTHS = "0101234567"  # 2026-10 and 2026-11, 24 m³ each (R2: Rp136.500)
CUSTOMER_PAID_UP = "0300012345"
DEMO = {NOP_THIS_YEAR, NOP_THREE_YEARS, NOP_PAID_UP, NOP_OLD_ARREARS, CUSTOMER_TWO_MONTHS, CUSTOMER_PAID_UP}
DEMO |= {"0102345678", "0203456789"}
_handed_out: set[str] = set()


@pytest.fixture(scope="session")
def billers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBillers]:
    with running_billers(
        tmp_path_factory.mktemp("billers"), today=TODAY, hang_seconds=HANG_SECONDS, workers=2
    ) as running:
        yield running


@pytest.fixture
def api(billers: RunningBillers) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=billers.url, headers={"X-Api-Key": billers.api_key}, timeout=30) as client:
        yield client


@pytest.fixture
def clock(billers: RunningBillers) -> Iterator[RunningBillers]:
    yield billers
    billers.reset_today()


@pytest.fixture
def faults(billers: RunningBillers) -> Iterator[RunningBillers]:
    yield billers
    billers.clear_faults()


def fresh(billers: RunningBillers, service: str) -> str:
    """A generated tax object or customer with something unpaid that no other test has used."""
    for subject in billers.subjects(service):
        number = subject["subject"]
        if subject["unpaid"] and number not in DEMO and number not in _handed_out:
            _handed_out.add(number)
            return number
    raise AssertionError(f"no fresh {service} subject left")


def new_key() -> str:
    return f"payment-{uuid.uuid4()}"


def bill_path(service: str, number: str) -> str:
    return f"/api/{service}/v1/{'objects' if service == 'pbb' else 'customers'}/{number}/bill"


def inquire(api: httpx.Client, service: str, number: str) -> dict:
    response = api.get(bill_path(service, number))
    assert response.status_code == 200, response.text
    return response.json()


def confirmation(bill: dict, **fields: object) -> dict[str, object]:
    """The platform's confirmation that `bill` was paid; `fields` override."""
    return {
        "bill_id": bill["bill_id"],
        "amount": bill["amount_due"],
        "paid_at": "2026-12-06T10:15:00+08:00",
        "reference": f"PAY-{uuid.uuid4().hex[:12].upper()}",
        "channel": "va",
        **fields,
    }


def pay(api: httpx.Client, service: str, body: object, key: str | None = None) -> httpx.Response:
    return api.post(f"/api/{service}/v1/payments", json=body, headers={"Idempotency-Key": key or new_key()})
