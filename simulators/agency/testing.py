"""Run a real agency simulator for tests: its own database, granian on a free loopback port.

For the simulator's own tests and for the platform's end-to-end tests:

    from simulators.agency.testing import running_agency, signed_webhook

    with running_agency(tmp_path, webhook_secret=SECRET, client_id="siak", client_secret=CLIENT_SECRET) as agency:
        body, headers = signed_webhook(SECRET, {"type": "application.forwarded", "data": {...}})
        httpx.post(f"{agency.url}/webhooks/mpp", content=body, headers=headers)
        agency.cases(tracking_number="MPP-6472-2611-000123")
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from standardwebhooks import Webhook

from .. import standard_webhooks
from ..admin_client import get_admin_json, post_admin_json
from ..processes import running_server
from .settings import ENV_PREFIX

DEFAULT_ADMIN_TOKEN = "agency-test-admin-token-0123456789"


@dataclass(frozen=True)
class RunningAgency:
    url: str
    db: Path
    admin_token: str

    def _admin(self) -> dict[str, str]:
        return {"X-Admin-Token": self.admin_token}

    def cases(self, tracking_number: str | None = None) -> list[dict[str, object]]:
        """The stored cases, latest first, with their status updates (GET /cases)."""
        query = f"?{urlencode({'tracking_number': tracking_number})}" if tracking_number else ""
        return get_admin_json(f"{self.url}/cases{query}", self._admin())["cases"]  # type: ignore[index]

    def case(self, case_id: str) -> dict[str, object]:
        return get_admin_json(f"{self.url}/cases/{quote(case_id)}", self._admin())  # type: ignore[return-value]

    def profile(self) -> dict[str, object]:
        """GET /profile."""
        return get_admin_json(f"{self.url}/profile", {})  # type: ignore[return-value]

    def set_faults(self, **faults: float) -> None:
        """Switch the faults (latency_ms, error_rate, timeout_rate); none given: healthy."""
        faults = {"latency_ms": 0, "error_rate": 0, "timeout_rate": 0, **faults}
        post_admin_json(f"{self.url}/admin/faults", faults, self._admin())


@contextmanager
def running_agency(
    tmp_path: Path,
    *,
    webhook_secret: str,
    client_id: str,
    client_secret: str,
    processing_delay: float = 0,
    step_delay: float = 0,
    reject_rate: float = 0,
    seed: int | None = None,
    retry_base: float = 0.05,
    workers: int = 1,
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    env: Mapping[str, str] | None = None,
    startup_seconds: float = 60,
    profile: str | None = None,
    port: int | None = None,
    options: Sequence[str] = (),
) -> Iterator[RunningAgency]:
    """`python -m simulators.agency serve` on a free port, with <tmp_path>/agency.sqlite3,
    until the block ends. Entering it again with the same `tmp_path` restarts the
    simulator on the same database (and a new port). `profile` is --profile (default
    siak), `port` a fixed port (the portal's --public-url names it), `options` more
    command-line options (the portal's URLs; its client secret goes in `env`).

    AGENCY_* variables of the calling environment are not inherited (pass them in
    `env`); secrets go by environment, not on the command line. The server's output
    goes to <tmp_path>/agency.server.log. Raises RuntimeError if it does not come up.
    """
    db = tmp_path / "agency.sqlite3"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    environment.update(
        {
            "AGENCY_WEBHOOK_SECRET": webhook_secret,
            "AGENCY_CLIENT_ID": client_id,
            "AGENCY_CLIENT_SECRET": client_secret,
            "AGENCY_ADMIN_TOKEN": admin_token,
            **(env or {}),
        }
    )
    command = ["-m", "simulators.agency", "serve", "--db", str(db), "--workers", str(workers)]
    command += ["--processing-delay", str(processing_delay), "--reject-rate", str(reject_rate)]
    command += ["--step-delay", str(step_delay)] if step_delay else []
    command += ["--retry-base", str(retry_base), *(["--seed", str(seed)] if seed is not None else [])]
    command += [*(["--profile", profile] if profile else []), *options]
    log_path = tmp_path / "agency.server.log"
    with running_server(command, env=environment, log_path=log_path, startup_seconds=startup_seconds, port=port) as url:
        yield RunningAgency(url=url, db=db, admin_token=admin_token)


def signed_webhook(
    secret: str, payload: object, *, webhook_id: str | None = None, timestamp: datetime | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and Standard Webhooks headers the platform sends for `payload`."""
    body = json.dumps(payload)
    return body.encode(), signature_headers(secret, body, webhook_id=webhook_id, timestamp=timestamp)


def signature_headers(
    secret: str, body: str, *, webhook_id: str | None = None, timestamp: datetime | None = None
) -> dict[str, str]:
    """webhook-id (a new one unless given), webhook-timestamp (now unless given) and
    webhook-signature over exactly `body`."""
    return standard_webhooks.signature_headers(
        Webhook(secret), webhook_id or f"msg_{uuid.uuid4().hex}", body, timestamp or datetime.now(UTC)
    )
