"""Run a real payment-network simulator for tests: its own database and keys, granian on a free
loopback port; and a SNAP client that calls it as MPP Digital would.

For the simulator's own tests and for the platform's:

    from simulators.paynet.testing import running_paynet

    with running_paynet(tmp_path, platform_url=live_server_url) as paynet:
        # the platform's settings: PAYNET_URL=paynet.url, PAYNET_CLIENT_KEY=paynet.client_key,
        # PAYNET_CLIENT_SECRET=paynet.client_secret, PAYNET_PRIVATE_KEY_FILE=paynet.keys.platform_private,
        # PAYNET_BANK_CLIENT_KEY=paynet.bank_client_key, PAYNET_BANK_CLIENT_SECRET=paynet.bank_client_secret,
        # PAYNET_BANK_PUBLIC_KEY_FILE=paynet.keys.network_public
        paynet.pay(virtual_account_no="   880016472000000123456")   # a citizen pays; the platform is notified
        paynet.set_faults(lost_notification_rate=1)

    snap = paynet.snap_client()                                    # calls signed like the platform's
    snap.post("/v1.0/transfer-va/status", {...})
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .. import admin_client, processes
from . import snap
from .faults import PaynetFaults
from .keys import KeyFiles, ensure_keys, load_private_key
from .settings import ENV_PREFIX

TEST_CLIENT_KEY = "mpp-digital-test-client"
TEST_CLIENT_SECRET = "test-paynet-client-secret-0123456789"
TEST_BANK_CLIENT_KEY = "paynet-test-bank"
TEST_BANK_CLIENT_SECRET = "test-paynet-bank-secret-0123456789"
DEFAULT_ADMIN_TOKEN = "test-paynet-admin-token-0123456789"
TOKEN_PATH = "/v1.0/access-token/b2b"


@dataclass
class SnapClient:
    """MPP Digital's side of the calls: a B2B token signed with its RSA key, then transactional
    calls signed with HMAC-SHA512. Every part can be overridden to test a refusal."""

    url: str
    client_key: str
    client_secret: str
    private_key_file: Path
    _token: str | None = field(default=None, repr=False)

    def request_token(
        self, *, client_key: str | None = None, at: str | None = None, signature: str | None = None, body: Any = None
    ) -> httpx.Response:
        """POST the token request; each part given replaces the right one."""
        key, at = client_key or self.client_key, at or snap.timestamp()
        private_key = load_private_key(self.private_key_file, source="the test client")
        headers = {
            "Content-Type": "application/json",
            "X-TIMESTAMP": at,
            "X-CLIENT-KEY": key,
            "X-SIGNATURE": signature or snap.asymmetric_signature(private_key, key, at),
        }
        content = snap.minified({"grantType": "client_credentials"} if body is None else body)
        return httpx.post(self.url + TOKEN_PATH, content=content, headers=headers, timeout=30)

    def access_token(self) -> str:
        """A token, fetched once and reused."""
        if self._token is None:
            response = self.request_token()
            response.raise_for_status()
            self._token = response.json()["accessToken"]
        return self._token

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        external_id: str | None = None,
        at: str | None = None,
        token: str | None = None,
        secret: str | None = None,
        headers: Mapping[str, str | None] | None = None,
    ) -> httpx.Response:
        """A signed call; `headers` adds or replaces headers (None removes one)."""
        content = b"" if body is None else snap.minified(body)
        token, at = token or self.access_token(), at or snap.timestamp()
        signature = snap.symmetric_signature(secret or self.client_secret, method, path, token, content, at)
        sent = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "X-TIMESTAMP": at,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": self.client_key,
            "X-EXTERNAL-ID": external_id or snap.new_external_id(),
            "CHANNEL-ID": snap.PLATFORM_CHANNEL_ID,
        }
        for name, value in (headers or {}).items():
            sent.pop(name, None)
            if value is not None:
                sent[name] = value
        return httpx.request(method, self.url + path, content=content, headers=sent, timeout=30)

    def post(self, path: str, body: Any, **options: Any) -> httpx.Response:
        return self.call("POST", path, body, **options)


@dataclass(frozen=True)
class RunningPaynet(admin_client.AdminApi):
    """The running simulator, its keys and secrets, and its admin side."""

    client_key: str
    client_secret: str
    bank_client_key: str
    bank_client_secret: str
    partner_service_id: str
    keys: KeyFiles
    db: Path

    # latency_ms, error_rate, timeout_rate, duplicate_notification_rate, late_notification_ms,
    # lost_notification_rate, wrong_signature_rate
    FAULTS = PaynetFaults

    def snap_client(self) -> SnapClient:
        """A client calling as MPP Digital, with its key, secret and private key."""
        return SnapClient(self.url, self.client_key, self.client_secret, self.keys.platform_private)

    def pay(
        self, *, virtual_account_no: str | None = None, qr_reference: str | None = None, paid_at: str | None = None
    ) -> dict[str, Any]:
        """A citizen pays the bill of this VA number or billing code, or this QR (at `paid_at`,
        ISO 8601, now by default); returns the payment."""
        body = {"virtualAccountNo": virtual_account_no} if qr_reference is None else {"qrReference": qr_reference}
        return self._admin("POST", "/admin/pay", json={**body, **({"paidAt": paid_at} if paid_at else {})})

    def payments(self, trx_id: str | None = None) -> list[dict[str, Any]]:
        """The payments, latest first (at most 100), optionally those of one bill."""
        return self._admin("GET", "/admin/payments", params=_only(trxId=trx_id))["payments"]

    def notifications(self, trx_id: str | None = None) -> list[dict[str, Any]]:
        """The notifications, latest first (at most 100), each with every delivery attempt."""
        return self._admin("GET", "/admin/notifications", params=_only(trxId=trx_id))["notifications"]

    def adjust_settlement(self, **line: Any) -> dict[str, Any]:
        """Add a settlement-file adjustment (kind extra, amount or omit; README.md)."""
        return self._admin("POST", "/admin/settlement-lines", json=line)


def _only(**params: str | None) -> dict[str, str]:
    return {name: value for name, value in params.items() if value is not None}


@contextmanager
def running_paynet(
    tmp_path: Path,
    *,
    platform_url: str | None = None,
    keys_dir: Path | None = None,
    client_key: str = TEST_CLIENT_KEY,
    client_secret: str = TEST_CLIENT_SECRET,
    bank_client_key: str = TEST_BANK_CLIENT_KEY,
    bank_client_secret: str = TEST_BANK_CLIENT_SECRET,
    partner_service_id: str = "88001",
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    retry_base: float = 0.05,
    max_attempts: int = 5,
    hang_seconds: float = 1,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
) -> Iterator[RunningPaynet]:
    """`python -m simulators.paynet serve` on a free port, with <tmp_path>/paynet.sqlite3 and the
    four keys in `keys_dir` (default <tmp_path>/keys, written when missing), until the block
    ends. Entering it again with the same `tmp_path` restarts it on the same database.

    Notifications go to `platform_url` (none without it), retried every `retry_base` seconds
    and doubling, `max_attempts` times; a simulated timeout hangs `hang_seconds`. PAYNET_*
    variables of the calling environment are not inherited (pass them in `env`); secrets go by
    environment, not on the command line. The server's output goes to
    <tmp_path>/paynet.server.log. Raises RuntimeError if it does not come up.
    """
    db = tmp_path / "paynet.sqlite3"
    key_files, _written = ensure_keys(keys_dir or tmp_path / "keys")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    environment.update(
        {
            "PAYNET_CLIENT_KEY": client_key,
            "PAYNET_CLIENT_SECRET": client_secret,
            "PAYNET_PLATFORM_PUBLIC_KEY_FILE": str(key_files.platform_public),
            "PAYNET_NETWORK_PRIVATE_KEY_FILE": str(key_files.network_private),
            "PAYNET_BANK_CLIENT_KEY": bank_client_key,
            "PAYNET_BANK_CLIENT_SECRET": bank_client_secret,
            "PAYNET_PLATFORM_URL": platform_url or "",
            "PAYNET_PARTNER_SERVICE_ID": partner_service_id,
            "PAYNET_ADMIN_TOKEN": admin_token,
            "PAYNET_HANG_SECONDS": str(hang_seconds),
            **(env or {}),
        }
    )
    command = ["-m", "simulators.paynet", "serve", "--db", str(db), "--workers", str(workers)]
    command += ["--retry-base", str(retry_base), "--max-attempts", str(max_attempts)]
    with processes.running_server(command, env=environment, log_path=tmp_path / "paynet.server.log") as url:
        yield RunningPaynet(
            url=url,
            admin_token=admin_token,
            client_key=client_key,
            client_secret=client_secret,
            bank_client_key=bank_client_key,
            bank_client_secret=bank_client_secret,
            partner_service_id=partner_service_id,
            keys=key_files,
            db=db,
        )
