"""The simulator's settings: `serve` takes them as options, passes them to the granian
workers as PAYNET_* environment variables, and create_app reads them back here.

PAYNET_CLIENT_KEY, PAYNET_CLIENT_SECRET, PAYNET_BANK_CLIENT_KEY and PAYNET_BANK_CLIENT_SECRET
are the platform's names too, so one environment serves both sides. Secrets travel in the
environment rather than on granian's command line, where `ps` would show them. A malformed
setting, or a key file that cannot be read, fails start-up (ValueError) instead of serving
with a guess.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

import httpx

from . import keys, qris

ENV_PREFIX = "PAYNET_"
DEFAULT_DB = "var/paynet.sqlite3"
#: Setting name -> its variable (without the prefix).
_VARIABLES = {
    "db_path": "DB",
    "client_key": "CLIENT_KEY",
    "client_secret": "CLIENT_SECRET",
    "platform_public_key_file": "PLATFORM_PUBLIC_KEY_FILE",
    "network_private_key_file": "NETWORK_PRIVATE_KEY_FILE",
    "bank_client_key": "BANK_CLIENT_KEY",
    "bank_client_secret": "BANK_CLIENT_SECRET",
    "platform_url": "PLATFORM_URL",
    "partner_service_id": "PARTNER_SERVICE_ID",
    "merchant_name": "MERCHANT_NAME",
    "merchant_city": "MERCHANT_CITY",
    "retry_base": "RETRY_BASE",
    "max_attempts": "MAX_ATTEMPTS",
    "admin_token": "ADMIN_TOKEN",
}


@dataclass(frozen=True)
class Settings:
    db_path: str
    client_key: str  # MPP Digital's client key at the network (X-CLIENT-KEY, X-PARTNER-ID)
    client_secret: str  # HMAC secret of MPP Digital's transactional calls
    platform_public_key_file: str  # verifies MPP Digital's token requests
    network_private_key_file: str = ""  # signs the network's token requests; required with a platform URL
    bank_client_key: str = ""  # the network's client key at MPP Digital; required with a platform URL
    bank_client_secret: str = ""  # HMAC secret of the network's notifications; required with a platform URL
    platform_url: str = ""  # MPP Digital's base (…/snap/v1.0/… is appended); none: nothing is sent
    partner_service_id: str = "88001"  # the region bank's VA prefix, 1 to 8 digits
    merchant_name: str = "MPP DIGITAL"  # QR tag 59
    merchant_city: str = "SAMARINDA"  # QR tag 60
    retry_base: float = 0.5  # first retry delay of a notification; it doubles up to 60 s
    max_attempts: int = 10  # a notification not taken after this many attempts is given up (recorded)
    admin_token: str = ""

    def __post_init__(self) -> None:
        if not self.client_key or not self.client_secret:
            raise ValueError("the platform's client key and secret are required (--client-key, --client-secret)")
        keys.load_public_key(self.platform_public_key_file, source="--platform-public-key-file")
        if self.platform_url:
            if not _is_http_url(self.platform_url):
                raise ValueError(f"the platform URL must be an http(s) URL, got {self.platform_url!r}")
            keys.load_private_key(self.network_private_key_file, source="--network-private-key-file")
            if not self.bank_client_key or not self.bank_client_secret:
                raise ValueError(
                    "with a platform URL the network's client key and secret at the platform are required"
                    " (--bank-client-key, --bank-client-secret)"
                )
        if not (self.partner_service_id.isdigit() and 1 <= len(self.partner_service_id) <= 8):
            raise ValueError("the partner service id must be 1 to 8 digits")
        for name, value, limit in (
            ("merchant name", self.merchant_name, qris.MAX_NAME),
            ("merchant city", self.merchant_city, qris.MAX_CITY),
        ):
            if not (value.isascii() and value.isprintable() and 1 <= len(value) <= limit):
                raise ValueError(f"the {name} must be 1 to {limit} printable ASCII characters")
        if not 0 < self.retry_base <= 60:
            raise ValueError("the retry base must be more than 0 and at most 60 seconds")
        if not 1 <= self.max_attempts <= 100:
            raise ValueError("the maximum number of notification attempts must be from 1 to 100")

    @property
    def padded_partner_service_id(self) -> str:
        """partnerServiceId on the wire: eight characters, left-padded with spaces."""
        return self.partner_service_id.rjust(8)

    def as_env(self) -> dict[str, str]:
        """The PAYNET_* variables that from_env reads back into these settings."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        return {ENV_PREFIX + _VARIABLES[name]: _text(value) for name, value in values.items()}

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """The settings from PAYNET_* variables; one left unset or empty takes its default."""
        given = {name: environ.get(ENV_PREFIX + variable, "").strip() for name, variable in _VARIABLES.items()}
        values: dict[str, object] = {name: value for name, value in given.items() if value}
        if "retry_base" in values:
            values["retry_base"] = _number(float, given["retry_base"], ENV_PREFIX + "RETRY_BASE")
        if "max_attempts" in values:
            values["max_attempts"] = _number(int, given["max_attempts"], ENV_PREFIX + "MAX_ATTEMPTS")
        values.setdefault("db_path", DEFAULT_DB)
        for required in ("client_key", "client_secret", "platform_public_key_file"):
            values.setdefault(required, "")
        return cls(**values)  # type: ignore[arg-type]


def _text(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _number(kind: type[float] | type[int], raw: str, name: str) -> float | int:
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
