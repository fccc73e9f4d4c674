"""The simulator's settings: `serve` takes them as options, passes them to the granian
workers as BILLERS_* environment variables, and create_app reads them back here.

The platform's API key travels in the environment rather than on granian's command line,
where `ps` would show it. A malformed setting fails start-up (ValueError) instead of
serving with a guess.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import clock

ENV_PREFIX = "BILLERS_"
DEFAULT_DB = "var/billers.sqlite3"
DEFAULT_SEED = 2026
MIN_API_KEY_LENGTH = 16


@dataclass(frozen=True)
class Settings:
    db_path: str
    api_key: str  # the platform's key (X-Api-Key); both back ends have one client here, MPP Digital
    today: date | None = None  # the simulated date at start-up; None: the real date in Samarinda (WITA)
    seed: int = DEFAULT_SEED  # the demo data of a new database (used once, at its first start)
    admin_token: str = ""

    def __post_init__(self) -> None:
        if len(self.api_key) < MIN_API_KEY_LENGTH:
            raise ValueError(f"the API key is required, at least {MIN_API_KEY_LENGTH} characters (--api-key)")

    def as_env(self) -> dict[str, str]:
        """The BILLERS_* variables that from_env reads back into these settings."""
        values = {
            "DB": self.db_path,
            "API_KEY": self.api_key,
            "TODAY": "" if self.today is None else self.today.isoformat(),
            "SEED": str(self.seed),
            "ADMIN_TOKEN": self.admin_token,
        }
        return {ENV_PREFIX + name: value for name, value in values.items()}

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """The settings from BILLERS_* variables; one left unset or empty takes its default."""

        def get(name: str) -> str:
            return environ.get(ENV_PREFIX + name, "").strip()

        return cls(
            db_path=get("DB") or DEFAULT_DB,
            api_key=get("API_KEY"),
            today=clock.parse_date(get("TODAY"), ENV_PREFIX + "TODAY") if get("TODAY") else None,
            seed=_whole_number(get("SEED"), ENV_PREFIX + "SEED") if get("SEED") else DEFAULT_SEED,
            admin_token=get("ADMIN_TOKEN"),
        )


def _whole_number(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def db_path(explicit: str | None = None) -> Path:
    """The database file: the explicit path, else env BILLERS_DB, else var/billers.sqlite3."""
    return Path(explicit or os.environ.get(ENV_PREFIX + "DB") or DEFAULT_DB)
