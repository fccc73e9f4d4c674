"""Run a real gateway for tests: its own database, granian on a free loopback port.

For the gateway's own tests and for the platform's end-to-end tests:

    from simulators.gateway.testing import running_gateway

    with running_gateway(tmp_path) as gateway:
        httpx.post(f"{gateway.url}/v1/messages", json={"channel": "sms", "to": "+6281234567890", "text": "Halo"},
                   headers={"Authorization": f"Bearer {gateway.api_key}", "Idempotency-Key": "notification-1"})
        assert gateway.messages(to="+6281234567890")[0]["text"] == "Halo"
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import admin_client, processes
from ..clients import save_client
from . import store
from .faults import GatewayFaults

DEFAULT_API_KEY = "test-gateway-key-0123456789abcdef"
DEFAULT_ADMIN_TOKEN = "test-gateway-admin-token-0123456789"


@dataclass(frozen=True)
class RunningGateway(admin_client.AdminApi):
    api_key: str
    db: Path

    FAULTS = GatewayFaults  # latency_ms, error_rate, timeout_rate, drop_after_accept_rate, seed

    def messages(self, to: str | None = None, reference: str | None = None) -> list[dict[str, Any]]:
        """What the simulated phone received, newest first (every client's messages)."""
        params = {name: value for name, value in (("to", to), ("reference", reference)) if value is not None}
        return self._admin("GET", "/admin/messages", params=params)["messages"]


@contextmanager
def running_gateway(
    tmp_path: Path,
    *,
    api_key: str = DEFAULT_API_KEY,
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    client_name: str = "MPP Digital",
    delivery_delay: float = 0,
    env: Mapping[str, str] | None = None,
) -> Iterator[RunningGateway]:
    """`python -m simulators.gateway serve` on a free port, with <tmp_path>/gateway.sqlite3
    holding the client `client_name` with `api_key`, until the block ends.

    GATEWAY_* variables of the calling environment are not inherited (pass them in `env`,
    e.g. GATEWAY_HANG_SECONDS). The server's output goes to <db>.server.log. Raises
    RuntimeError if it does not come up.
    """
    db = tmp_path / "gateway.sqlite3"
    conn = store.connect(db)
    try:
        save_client(conn, name=client_name, key=api_key)
    finally:
        conn.close()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    environment.update(
        {"GATEWAY_ADMIN_TOKEN": admin_token, "GATEWAY_DELIVERY_DELAY": str(delivery_delay), **(env or {})}
    )
    command = ["-m", "simulators.gateway", "serve", "--db", str(db)]
    with processes.running_server(command, env=environment, log_path=db.with_name(db.name + ".server.log")) as url:
        yield RunningGateway(url=url, api_key=api_key, admin_token=admin_token, db=db)
