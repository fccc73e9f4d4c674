"""The simulator's settings: `serve` takes them as options, passes them to the granian
workers as LAPOR_* environment variables, and create_app reads them back here.

Secrets (the platform's API key, the callback signing secret) travel in the environment
rather than on granian's command line, where `ps` would show them. A malformed setting
fails start-up (ValueError) instead of serving with a guess.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from .. import standard_webhooks

ENV_PREFIX = "LAPOR_"
DEFAULT_DB = "var/lapor.sqlite3"
MIN_API_KEY_LENGTH = 16


@dataclass(frozen=True)
class Settings:
    db_path: str
    api_key: str  # the platform's key (X-Api-Key); LAPOR! has one client here, MPP Digital
    webhook_secret: str = ""  # whsec_<base64>: signs the callbacks; required with a callback URL
    callback_url: str = ""  # where every update is POSTed; none: the platform polls only
    retry_base: float = 0.5  # first retry delay of a callback; it doubles up to 60 s
    max_attempts: int = 10  # a callback not taken after this many attempts is given up (recorded)
    admin_token: str = ""

    def __post_init__(self) -> None:
        if len(self.api_key) < MIN_API_KEY_LENGTH:
            raise ValueError(f"the API key is required, at least {MIN_API_KEY_LENGTH} characters (--api-key)")
        if self.callback_url or self.webhook_secret:
            standard_webhooks.webhook(self.webhook_secret, source="--webhook-secret or LAPOR_WEBHOOK_SECRET")
        if self.callback_url and not _is_http_url(self.callback_url):
            raise ValueError(f"the callback URL must be an http(s) URL, got {self.callback_url!r}")
        if not 0 < self.retry_base <= 60:
            raise ValueError("the retry base must be more than 0 and at most 60 seconds")
        if not 1 <= self.max_attempts <= 100:
            raise ValueError("the maximum number of callback attempts must be from 1 to 100")

    def as_env(self) -> dict[str, str]:
        """The LAPOR_* variables that from_env reads back into these settings."""
        values = {
            "DB": self.db_path,
            "API_KEY": self.api_key,
            "WEBHOOK_SECRET": self.webhook_secret,
            "CALLBACK_URL": self.callback_url,
            "RETRY_BASE": repr(self.retry_base),
            "MAX_ATTEMPTS": str(self.max_attempts),
            "ADMIN_TOKEN": self.admin_token,
        }
        return {ENV_PREFIX + name: value for name, value in values.items()}

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """The settings from LAPOR_* variables; one left unset or empty takes its default."""

        def get(name: str) -> str:
            return environ.get(ENV_PREFIX + name, "").strip()

        optional: dict[str, float | int] = {}
        if get("RETRY_BASE"):
            optional["retry_base"] = _parse(float, get("RETRY_BASE"), ENV_PREFIX + "RETRY_BASE")
        if get("MAX_ATTEMPTS"):
            optional["max_attempts"] = _parse(int, get("MAX_ATTEMPTS"), ENV_PREFIX + "MAX_ATTEMPTS")
        return cls(
            db_path=get("DB") or DEFAULT_DB,
            api_key=get("API_KEY"),
            webhook_secret=get("WEBHOOK_SECRET"),
            callback_url=get("CALLBACK_URL"),
            admin_token=get("ADMIN_TOKEN"),
            **optional,  # type: ignore[arg-type]
        )


def _parse(kind: type[float] | type[int], raw: str, name: str) -> float | int:
    """A finite number (a whole one for `int`), or ValueError naming the setting."""
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name} must be {what}, got {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    return value


def _is_http_url(value: str) -> bool:
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        return False
    return url.scheme in ("http", "https") and bool(url.host)


def db_path(explicit: str | None = None) -> Path:
    """The database file: the explicit path, else env LAPOR_DB, else var/lapor.sqlite3."""
    return Path(explicit or os.environ.get(ENV_PREFIX + "DB") or DEFAULT_DB)
