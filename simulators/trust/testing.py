"""Run the demo CA's trust services for tests: their own database, granian on a loopback port.

    from simulators.trust.testing import running_trust

    with running_trust(tmp_path, ca_dir=ca_dir, port=port) as trust:
        httpx.post(f"{trust.url}/tsa", content=request_der,
                   headers={"Content-Type": "application/timestamp-query"})
        trust.revoke(serial)

The CA's certificates name the OCSP responder's URL, so the caller chooses the port first
(``processes.free_port()``), makes the CA with ``http://127.0.0.1:<port>`` and then starts this.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import admin_client, processes

DEFAULT_ADMIN_TOKEN = "test-trust-admin-token-0123456789"


@dataclass(frozen=True)
class RunningTrust(admin_client.AdminApi):
    db: Path
    ca_dir: Path

    def revoke(self, serial: int | str, reason: str = "key_compromise") -> dict[str, Any]:
        value = format(serial, "x") if isinstance(serial, int) else serial
        return self._admin("POST", "/admin/revocations", json={"serial": value, "reason": reason})

    def release(self, serial: int | str) -> dict[str, Any]:
        value = format(serial, "x") if isinstance(serial, int) else serial
        return self._admin("DELETE", f"/admin/revocations/{value}")

    def status(self) -> dict[str, Any]:
        return self._admin("GET", "/admin/revocations")


@contextmanager
def running_trust(
    tmp_path: Path,
    *,
    ca_dir: Path,
    port: int,
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    env: Mapping[str, str] | None = None,
) -> Iterator[RunningTrust]:
    """`python -m simulators.trust serve` on `port` for the CA in `ca_dir` until the block ends.
    TRUST_* variables of the calling environment are not inherited (pass them in `env`)."""
    db = tmp_path / "trust.sqlite3"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRUST_")}
    environment.update({"TRUST_ADMIN_TOKEN": admin_token, **(env or {})})
    command = ["-m", "simulators.trust", "serve", "--db", str(db), "--ca-dir", str(ca_dir)]
    log_path = db.with_name(db.name + ".server.log")
    with processes.running_server(command, env=environment, log_path=log_path, port=port) as url:
        yield RunningTrust(url=url, admin_token=admin_token, db=db, ca_dir=ca_dir)
