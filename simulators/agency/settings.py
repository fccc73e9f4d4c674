"""The simulator's settings: `serve` takes them as options, passes them to the granian
workers as AGENCY_* environment variables, and create_app reads them back here.

Secrets travel in the environment rather than on granian's command line, where `ps`
would show them. A malformed setting fails start-up (ValueError) instead of serving
with a guess.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from standardwebhooks import Webhook

from .. import standard_webhooks
from . import profiles
from .profiles import DEFAULT_PROFILE, Profile

ENV_PREFIX = "AGENCY_"
DEFAULT_DB = "var/agency.sqlite3"
DEFAULT_REGION_CODE = "64.72"
_REGION_CODE = re.compile(r"\d{2}(\.\d{2}){0,2}(\.\d{4})?")
PROFILE_CODE = re.compile(r"[a-z][a-z0-9-]*")


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
    profile_name: str = DEFAULT_PROFILE  # a profile in profiles/, or the path of a profile file
    step_delay: float = 0.0  # seconds between a case's consecutive status updates, at the earliest
    # The handed-over portal (a profile with `portal`): off unless the OIDC issuer is set.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    public_url: str = ""  # this simulator's base URL as the browser reaches it
    platform_url: str = ""  # MPP Digital's base URL, for /api/v1/agency/cases and /o/token/
    region_code: str = DEFAULT_REGION_CODE
    session_secret: str = ""  # signs the portal's session cookie; derived from the OIDC secret if unset
    profile: Profile = field(init=False, repr=False, compare=False)

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
        if not 0 <= self.step_delay <= 3600:
            raise ValueError("the step delay must be from 0 to 3600 seconds")
        object.__setattr__(self, "profile", profiles.load(self.profile_name))
        self._check_portal()

    def _check_portal(self) -> None:
        given = {
            "--oidc-issuer": self.oidc_issuer,
            "--oidc-client-id": self.oidc_client_id,
            "--oidc-client-secret": self.oidc_client_secret,
            "--public-url": self.public_url,
            "--platform-url": self.platform_url,
        }
        if not any(given.values()):
            return
        if self.profile.portal is None:
            options = ", ".join(option for option, value in given.items() if value)
            raise ValueError(f"the {self.profile.code} profile has no portal: leave out {options}")
        missing = [option for option, value in given.items() if not value]
        if missing:
            raise ValueError(f"the portal needs {', '.join(missing)} as well")
        for option in ("--oidc-issuer", "--public-url", "--platform-url"):
            if not _is_base_url(given[option]):
                raise ValueError(f"{option} must be an http(s) URL without query or fragment, got {given[option]!r}")
        if not _REGION_CODE.fullmatch(self.region_code):
            raise ValueError(f"the region code must look like 64.72, got {self.region_code!r}")

    @property
    def portal_enabled(self) -> bool:
        return self.profile.portal is not None and bool(self.oidc_issuer)

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
            "PROFILE": self.profile_name,
            "STEP_DELAY": repr(self.step_delay),
            "OIDC_ISSUER": self.oidc_issuer,
            "OIDC_CLIENT_ID": self.oidc_client_id,
            "OIDC_CLIENT_SECRET": self.oidc_client_secret,
            "PUBLIC_URL": self.public_url,
            "PLATFORM_URL": self.platform_url,
            "REGION_CODE": self.region_code,
            "SESSION_SECRET": self.session_secret,
        }
        return {ENV_PREFIX + name: value for name, value in values.items()}

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """The settings from AGENCY_* variables; one left unset or empty takes its default."""

        def get(name: str) -> str:
            return environ.get(ENV_PREFIX + name, "").strip()

        numbers = {
            "processing_delay": "PROCESSING_DELAY",
            "reject_rate": "REJECT_RATE",
            "retry_base": "RETRY_BASE",
            "step_delay": "STEP_DELAY",
        }
        texts = {
            "oidc_issuer": "OIDC_ISSUER",
            "oidc_client_id": "OIDC_CLIENT_ID",
            "oidc_client_secret": "OIDC_CLIENT_SECRET",
            "public_url": "PUBLIC_URL",
            "platform_url": "PLATFORM_URL",
            "region_code": "REGION_CODE",
            "session_secret": "SESSION_SECRET",
        }
        profile_name = get("PROFILE") or DEFAULT_PROFILE
        return cls(
            db_path=get("DB") or default_db(profile_name),
            webhook_secret=get("WEBHOOK_SECRET"),
            client_id=get("CLIENT_ID"),
            client_secret=get("CLIENT_SECRET"),
            seed=whole_number(get("SEED"), ENV_PREFIX + "SEED") if get("SEED") else None,
            admin_token=get("ADMIN_TOKEN"),
            profile_name=profile_name,
            **{field: number(get(name), ENV_PREFIX + name) for field, name in numbers.items() if get(name)},
            **{
                field: get(name).rstrip("/") if field.endswith(("_url", "issuer")) else get(name)
                for field, name in texts.items()
                if get(name)
            },
        )


def default_db(profile_name: str) -> str:
    """SIAK keeps var/agency.sqlite3; another profile var/agency-<code>.sqlite3."""
    if profile_name == DEFAULT_PROFILE:
        return DEFAULT_DB
    stem = Path(profile_name).stem if not PROFILE_CODE.fullmatch(profile_name) else profile_name
    return f"var/agency-{stem}.sqlite3"


def _is_base_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.query and not parts.fragment


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


def db_path(explicit: str | None = None, profile_name: str = DEFAULT_PROFILE) -> Path:
    """The database file: the explicit path, else env AGENCY_DB, else the profile's default."""
    return Path(explicit or os.environ.get(ENV_PREFIX + "DB") or default_db(profile_name))
