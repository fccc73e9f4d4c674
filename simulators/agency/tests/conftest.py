"""A real agency server for the tests (granian on a free loopback port, its own
temporary SQLite file) and the stand-in platform it reports to.

Most tests use one server worker, so that which token served which call is certain;
`agency_two_workers` runs two, each with its worker thread, for what must hold across
processes (one case per webhook id, one delivery per status update). `agency` is SIAK;
`profile_agency(code)` starts (once per session) the simulator as another profile.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from simulators.agency import profiles
from simulators.agency.testing import RunningAgency, running_agency, signed_webhook

from .platform_stub import PlatformStub

SECRET = "whsec_" + base64.b64encode(b"agency-tests-webhook-secret-0123").decode()
CLIENT_ID = "siak-disdukcapil-6472"
CLIENT_SECRET = "s3cret: with spaces & symbols"  # exercises the form-encoding of Basic credentials
HANG_SECONDS = 1
RETRY_BASE = 0.05
_numbers = itertools.count(1)


def tracking_number() -> str:
    return f"MPP-6472-2611-{next(_numbers):06d}"


def application(platform: PlatformStub, number: str, **data: object) -> dict[str, object]:
    """An application.forwarded payload as the platform sends it."""
    return {
        "type": "application.forwarded",
        "timestamp": "2026-11-25T10:00:00Z",
        "data": {
            "tracking_number": number,
            "service": {"code": "akta-kelahiran", "name": "Penerbitan Akta Kelahiran"},
            "region_code": "64.72",
            "submitted_at": "2026-11-25T09:59:00+08:00",
            "due_at": "2026-11-30T23:59:59+08:00",
            "applicant": {"nik": "6472035204900001", "name": "SITI RAHMAWATI"},
            "beneficiary": {"nik": "6472035402200001", "name": "NUR AISYAH SANTOSO"},
            "form": {"child_name": "NUR AISYAH SANTOSO", "birth_date": "2026-11-20"},
            "attachments": [
                {"type": "surat-keterangan-lahir", "sha256": "0" * 64, "url": f"{platform.url}/files/skl.pdf"}
            ],
            "callback": {"status_url": platform.status_url(number), "token_url": platform.token_url()},
            **data,
        },
    }


Forward = Callable[..., httpx.Response]


@pytest.fixture(scope="session")
def platform() -> Iterator[PlatformStub]:
    with PlatformStub(client_id=CLIENT_ID, client_secret=CLIENT_SECRET).serving() as stub:
        # The statuses of every shipped profile, as the platform's mapping would know them.
        stub.accept_statuses(*(s.code for name in profiles.available() for s in profiles.load(name).statuses))
        yield stub


@contextmanager
def start_agency(tmp_path: Path, env: dict[str, str] | None = None, **options: object) -> Iterator[RunningAgency]:
    """The agency with the tests' secrets and fast retries; `options` as running_agency takes them."""
    with running_agency(
        tmp_path,
        webhook_secret=SECRET,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        retry_base=RETRY_BASE,
        env={"AGENCY_HANG_SECONDS": str(HANG_SECONDS), **(env or {})},
        **options,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def agency(tmp_path_factory: pytest.TempPathFactory, platform: PlatformStub) -> Iterator[RunningAgency]:
    with start_agency(tmp_path_factory.mktemp("agency")) as running:
        yield running


@pytest.fixture(scope="session")
def agency_two_workers(tmp_path_factory: pytest.TempPathFactory, platform: PlatformStub) -> Iterator[RunningAgency]:
    with start_agency(tmp_path_factory.mktemp("agency2"), workers=2) as running:
        yield running


@pytest.fixture(scope="session")
def profile_agency(
    tmp_path_factory: pytest.TempPathFactory, platform: PlatformStub
) -> Iterator[Callable[[str], RunningAgency]]:
    """profile_agency("imigrasi"): the simulator as that profile, started on first use (one per session)."""
    with ExitStack() as stack:
        running: dict[str, RunningAgency] = {}

        def start(profile: str) -> RunningAgency:
            if profile not in running:
                directory = tmp_path_factory.mktemp(f"agency-{profile}")
                running[profile] = stack.enter_context(start_agency(directory, profile=profile))
            return running[profile]

        yield start


def forward_to(url: str, payload: object, *, secret: str = SECRET, webhook_id: str | None = None) -> httpx.Response:
    body, headers = signed_webhook(secret, payload, webhook_id=webhook_id)
    return httpx.post(f"{url}/webhooks/mpp", content=body, headers=headers, timeout=30)


@pytest.fixture
def forward(agency: RunningAgency) -> Forward:
    """POST a signed payload to the session's agency: forward(payload, webhook_id=…, secret=…)."""

    def send(payload: object, **kwargs: str) -> httpx.Response:
        return forward_to(agency.url, payload, **kwargs)

    return send
