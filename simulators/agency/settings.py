"""The simulator's settings: `serve` takes them as options, passes them to the granian
workers as AGENCY_* environment variables, and create_app reads them back here.

Secrets travel in the environment rather than on granian's command line, where `ps`
would show them. A malformed setting fails start-up (ValueError) instead of serving
with a guess.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from standardwebhooks import Webhook

from .. import standard_webhooks

ENV_PREFIX = "AGENCY_"
DEFAULT_DB = "var/agency.sqlite3"


@dataclass(frozen=True)
class Settings:
    db_path: str
    webhook_secret: str
    client_id: str
    client_secret: str
    processing_delay: float = 2.0  # seconds between receiving a case and its first status update
    reject_rate: float = 0.0  # share of cases rejected besides those with form.simulate_reject
    seed: int | None = None  # makes the reject-rate draw a function of the tracking number
    retry_base: float = 0.5  # first retry delay of a status update; it doubles up to 60 s
    admin_token: str = ""

    def __post_init__(self) -> None:
        webhook(self.webhook_secret)  # raises ValueError on a secret the library cannot use
        if not self.client_id or not self.client_secret:
            raise ValueError("the OAuth2 client id and secret are required (--client-id, --client-secret)")
        if not 0 <= self.processing_delay <= 3600:
            raise ValueError("the processing delay must be from 0 to 3600 seconds")
        if not 0 <= self.reject_rate <= 1:
            raise ValueError("the reject rate must be from 0 to 1")
        if not 0 < self.retry_base <= 60:
            raise ValueError("the retry base must be more than 0 and at most 60 seconds")

    def as_env(self) -> dict[str, str]:
        """The AGENCY_* variables that from_env reads back into these settings."""
        values = {
            "DB": self.db_path,
            "WEBHOOK_SECRET": self.webhook_secret,
            "CLIENT_ID": self.client_id,
            "CLIENT_SECRET": self.client_secret,
            "PROCESSING_DELAY": repr(self.processing_delay),
            "REJECT_RATE": repr(self.reject_rate),
            "SEED": "" if self.seed is None else str(self.seed),
            "RETRY_BASE": repr(self.retry_base),
            "ADMIN_TOKEN": self.admin_token,
        }
        return {ENV_PREFIX + name: value for name, value in values.items()}

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """The settings from AGENCY_* variables; one left unset or empty takes its default."""

        def get(name: str) -> str:
            return environ.get(ENV_PREFIX + name, "").strip()

        numbers = {"processing_delay": "PROCESSING_DELAY", "reject_rate": "REJECT_RATE", "retry_base": "RETRY_BASE"}
        return cls(
            db_path=get("DB") or DEFAULT_DB,
            webhook_secret=get("WEBHOOK_SECRET"),
            client_id=get("CLIENT_ID"),
            client_secret=get("CLIENT_SECRET"),
            seed=whole_number(get("SEED"), ENV_PREFIX + "SEED") if get("SEED") else None,
            admin_token=get("ADMIN_TOKEN"),
            **{field: number(get(name), ENV_PREFIX + name) for field, name in numbers.items() if get(name)},
        )


def number(raw: str, name: str) -> float:
    """A finite number, or ValueError naming the setting."""
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    return value


def whole_number(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def webhook(secret: str) -> Webhook:
    """The verifier for `secret` (whsec_<base64>, as the platform shows it)."""
    return standard_webhooks.webhook(secret, source="--webhook-secret or AGENCY_WEBHOOK_SECRET")


def db_path(explicit: str | None = None) -> Path:
    """The database file: the explicit path, else env AGENCY_DB, else var/agency.sqlite3."""
    return Path(explicit or os.environ.get(ENV_PREFIX + "DB") or DEFAULT_DB)
