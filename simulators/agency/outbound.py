"""Posting a status update to the platform, with an OAuth2 client-credentials token; and
reporting a case applied for at the portal (POST /api/v1/agency/cases), the same way.

One call of `deliver` is one attempt: it says whether the update is done ('sent'), must
be tried again later ('retry') or is refused for good ('failed'). The worker records the
outcome and schedules the retry; the Idempotency-Key (`<case id>:<status>`, a report's
`<case id>:created`) is the same on every attempt, so the platform applies an update once
however often it arrives.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote_plus

import httpx

SCOPE = "applications.status"
TOKEN_MARGIN_SECONDS = 30  # a cached token is renewed this long before it expires
# Answers worth trying again: the platform is busy, rate-limiting or failing for now.
_TRANSIENT = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Outcome:
    state: Literal["sent", "retry", "failed"]
    status_code: int | None = None
    error: str | None = None
    created: tuple[str, str] | None = None  # a report taken: the case's tracking number and status URL


class TokenError(Exception):
    """No access token: the token endpoint failed, refused the client or answered nonsense."""


class TokenCache:
    """Access tokens per token URL, reused until TOKEN_MARGIN_SECONDS before they expire.

    The client id and secret are form-encoded before HTTP Basic, as RFC 6749 §2.3.1
    asks (the platform's provider decodes them that way).
    """

    def __init__(
        self, client: httpx.Client, client_id: str, client_secret: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client, self._clock = client, clock
        self._auth = (quote_plus(client_id), quote_plus(client_secret))
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, token_url: str) -> str:
        with self._lock:
            cached = self._tokens.get(token_url)
            if cached and self._clock() < cached[1]:
                return cached[0]
        token, lifetime = self._fetch(token_url)
        with self._lock:
            self._tokens[token_url] = (token, self._clock() + lifetime - TOKEN_MARGIN_SECONDS)
        return token

    def forget(self, token_url: str, token: str) -> None:
        """Drop `token` (the platform refused it), unless another thread already replaced it."""
        with self._lock:
            if self._tokens.get(token_url, ("",))[0] == token:
                del self._tokens[token_url]

    def _fetch(self, token_url: str) -> tuple[str, float]:
        try:
            response = self._client.post(
                token_url, data={"grant_type": "client_credentials", "scope": SCOPE}, auth=self._auth
            )
        except httpx.HTTPError as exc:
            raise TokenError(f"token endpoint unreachable: {exc.__class__.__name__}: {exc}") from None
        if response.status_code != 200:
            raise TokenError(f"token endpoint answered {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, Mapping):
            raise TokenError("token endpoint answered something other than a JSON object")
        token, kind, lifetime = body.get("access_token"), body.get("token_type"), body.get("expires_in", 0)
        if not isinstance(token, str) or not token or not isinstance(kind, str) or kind.lower() != "bearer":
            raise TokenError("token endpoint answered no bearer access_token")
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime < 0:
            raise TokenError("token endpoint answered a malformed expires_in")
        return token, float(lifetime)


def deliver(client: httpx.Client, tokens: TokenCache, update: sqlite3.Row) -> Outcome:
    """POST one update (a status update, or a handed-over case's report) where it goes; on
    a 401, once more with a fresh token."""
    if update["kind"] == "report":
        url, body = update["report_url"], report_body(update)
    else:
        if not update["status_url"]:  # a handed-over case the platform never took
            return Outcome("failed", error="no status URL: the platform did not take the case's report")
        url, body = update["status_url"], {"status": update["status"], "note": update["note"]}
        if update["external_reference"]:
            body["external_reference"] = update["external_reference"]
    for fresh_token in (False, True):
        try:
            token = tokens.get(update["token_url"])
        except TokenError as exc:
            return Outcome("retry", error=str(exc))
        try:
            response = client.post(
                url,
                json=body,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": update["idempotency_key"]},
            )
        except httpx.HTTPError as exc:
            return Outcome("retry", error=f"{exc.__class__.__name__}: {exc}")
        if response.status_code != 401 or fresh_token:
            break
        tokens.forget(update["token_url"], token)
    outcome = _judge(response)
    if update["kind"] == "report" and outcome.state == "sent":
        return _created(response)
    return outcome


def report_body(update: sqlite3.Row) -> dict[str, object]:
    """POST /api/v1/agency/cases: a case applied for at the agency, for the platform to track."""
    application = json.loads(update["application"])
    service = application.get("service") or {}
    return {
        "subject": update["subject"],
        "service": service.get("code"),
        "region_code": application.get("region_code"),
        "external_reference": update["case_reference"],
        "status": update["status"],
        "note": update["note"],
    }


def _created(response: httpx.Response) -> Outcome:
    """The platform took the report: it must say the case's tracking number and status URL."""
    try:
        body = response.json()
    except ValueError:
        body = None
    number = body.get("tracking_number") if isinstance(body, Mapping) else None
    status_url = body.get("status_url") if isinstance(body, Mapping) else None
    if not isinstance(number, str) or not 0 < len(number) <= 64 or not _is_http_url(status_url):
        error = (
            f"platform answered {response.status_code} without tracking_number and status_url: {response.text[:200]}"
        )
        return Outcome("failed", response.status_code, error)
    return Outcome("sent", response.status_code, created=(number, status_url))  # type: ignore[arg-type]


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        return False
    return url.scheme in ("http", "https") and bool(url.host)


def _judge(response: httpx.Response) -> Outcome:
    code = response.status_code
    if 200 <= code < 300:
        return Outcome("sent", code)
    error = f"platform answered {code}: {response.text[:300]}"
    if code == 401 or code in _TRANSIENT or code >= 500:  # a 401 here came with a fresh token too
        return Outcome("retry", code, error)
    return Outcome("failed", code, error)
