"""Telling the platform of a payment, as the contract's "Network → MPP Digital" says: a B2B
token from <platform>/snap/v1.0/access-token/b2b (signed with the network's RSA key), then
POST <platform>/snap/v1.0/transfer-va/payment signed with HMAC-SHA512 under the secret the
platform gave the network.

One call of `Notifier.deliver` is one POST: 2xx is taken ('sent'); no answer, 401 (the token may have
expired: it is dropped and fetched afresh next time), 408, 425, 429 and 5xx are tried again
later ('retry'); any other 4xx is the platform's final word ('refused'). The worker records
each and schedules the retries.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from . import snap
from .settings import Settings

TOKEN_PATH = "/snap/v1.0/access-token/b2b"
PAYMENT_PATH = "/snap/v1.0/transfer-va/payment"
TOKEN_MARGIN_SECONDS = 60  # a token is renewed a minute before it expires
_TRANSIENT = frozenset({401, 408, 425, 429})


@dataclass(frozen=True)
class Delivery:
    """One POST of a notification and what came of it."""

    external_id: str
    signature: str  # "valid", or "corrupted" by the wrong_signature fault
    outcome: str  # "sent", "retry" or "refused"
    status_code: int | None = None
    response_code: str | None = None
    error: str | None = None


class TokenError(Exception):
    """No access token: the platform's token endpoint failed, refused the network or answered nonsense."""


def platform_endpoint(platform_url: str, path: str) -> str:
    return platform_url.rstrip("/") + path


class PlatformTokens:
    """The network's access token at the platform, reused until a minute before it expires.
    One fetch at a time: two copies of a notification sent at once share one token."""

    def __init__(self, client: httpx.Client, settings: Settings, private_key: rsa.RSAPrivateKey) -> None:
        self._client, self._settings, self._private_key = client, settings, private_key
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def get(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._token[1]:
                token, lifetime = self._fetch()
                self._token = (token, time.monotonic() + lifetime - TOKEN_MARGIN_SECONDS)
            return self._token[0]

    def forget(self, token: str) -> None:
        """Drop `token` (the platform refused it), unless it was replaced meanwhile."""
        with self._lock:
            if self._token is not None and self._token[0] == token:
                self._token = None

    def _fetch(self) -> tuple[str, float]:
        at, client_key = snap.timestamp(), self._settings.bank_client_key
        headers = {
            "Content-Type": "application/json",
            "X-TIMESTAMP": at,
            "X-CLIENT-KEY": client_key,
            "X-SIGNATURE": snap.asymmetric_signature(self._private_key, client_key, at),
        }
        url = platform_endpoint(self._settings.platform_url, TOKEN_PATH)
        try:
            response = self._client.post(
                url, content=snap.minified({"grantType": "client_credentials"}), headers=headers
            )
        except httpx.HTTPError as exc:
            raise TokenError(f"token endpoint unreachable: {exc.__class__.__name__}: {exc}") from None
        if response.status_code != 200:
            raise TokenError(f"token endpoint answered {response.status_code}: {response.text[:200]}")
        body = _json(response)
        token, lifetime = body.get("accessToken"), str(body.get("expiresIn", "")).strip()
        if not isinstance(token, str) or not token or not lifetime.isdigit():
            raise TokenError("token endpoint answered no accessToken with a whole expiresIn")
        return token, float(lifetime)


class Notifier:
    """Sends notifications to the platform: one HTTP client, the settings and the token."""

    def __init__(self, client: httpx.Client, settings: Settings, private_key: rsa.RSAPrivateKey) -> None:
        self._client, self._settings = client, settings
        self.tokens = PlatformTokens(client, settings, private_key)

    def deliver(self, url: str, body: bytes, *, corrupt: bool) -> Delivery:
        """POST one copy of a notification under a new X-EXTERNAL-ID; `corrupt` spoils its signature."""
        external_id, signature_state = snap.new_external_id(), "corrupted" if corrupt else "valid"
        try:
            token = self.tokens.get()
        except TokenError as exc:
            return Delivery(external_id, signature_state, "retry", error=str(exc))
        at = snap.timestamp()
        secret = self._settings.bank_client_secret + ("-corrupted" if corrupt else "")
        path = httpx.URL(url).raw_path.decode("ascii")
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "X-TIMESTAMP": at,
            "X-SIGNATURE": snap.symmetric_signature(secret, "POST", path, token, body, at),
            "X-PARTNER-ID": self._settings.bank_client_key,
            "X-EXTERNAL-ID": external_id,
            "CHANNEL-ID": snap.NETWORK_CHANNEL_ID,
        }
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Delivery(external_id, signature_state, "retry", error=f"{exc.__class__.__name__}: {exc}")
        if response.status_code == 401:
            self.tokens.forget(token)
        return _judged(external_id, signature_state, response)


def _judged(external_id: str, signature_state: str, response: httpx.Response) -> Delivery:
    code = response.status_code
    response_code = _json(response).get("responseCode")
    response_code = response_code if isinstance(response_code, str) else None
    if 200 <= code < 300:
        return Delivery(external_id, signature_state, "sent", code, response_code)
    outcome = "retry" if code in _TRANSIENT or code >= 500 else "refused"
    error = f"the platform answered {code}: {response.text[:300]}"
    return Delivery(external_id, signature_state, outcome, code, response_code, error)


def _json(response: httpx.Response) -> Mapping[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
