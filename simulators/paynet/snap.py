"""SNAP as docs/payments-snap.md writes it, the pieces both directions share: timestamps,
amounts, the two signatures, response codes and the errors of the contract's table.

The simulator verifies the platform's calls with them, signs its own notifications to the
platform with them, and the tests (testing.py, the platform stub) sign and verify with the
same functions, so a disagreement with the contract shows up in one place.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import time
from datetime import datetime, timedelta, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

#: Asia/Jakarta (WIB): no daylight saving, so a fixed offset is exact.
JAKARTA = timezone(timedelta(hours=7), "WIB")
MAX_CLOCK_SKEW_SECONDS = 300
TOKEN_LIFETIME_SECONDS = 900
PLATFORM_CHANNEL_ID, NETWORK_CHANNEL_ID = "95231", "95221"
CURRENCY = "IDR"

#: The contract's service codes of the network's paths; any other path's is GENERAL_SERVICE.
SERVICE_CODES = {
    "/v1.0/access-token/b2b": "73",
    "/v1.0/transfer-va/create-va": "27",
    "/v1.0/transfer-va/status": "26",
    "/v1.0/qr/qr-mpm-generate": "47",
    "/v1.0/qr/qr-mpm-query": "51",
}
GENERAL_SERVICE = "00"

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
_AMOUNT = re.compile(r"(0|[1-9]\d{0,15})\.(\d{2})")
_EXTERNAL_ID = re.compile(r"\d{1,36}")
_CHANNEL_ID = re.compile(r"\d{5}")


# --- answers and errors --------------------------------------------------------------


class SnapError(Exception):
    """An error answer of the contract's table: HTTP `status`, the `case` of its response code
    and its message; the service code comes from the path unless fixed here (Conflict, Too Early)."""

    def __init__(self, status: int, case: str, message: str, *, service: str | None = None) -> None:
        super().__init__(message)
        self.status, self.case, self.message, self.service = status, case, message, service

    def body(self, service: str) -> dict[str, str]:
        return {"responseCode": f"{self.status}{self.service or service}{self.case}", "responseMessage": self.message}


def service_of(path: str) -> str:
    return SERVICE_CODES.get(path, GENERAL_SERVICE)


def success(service: str, **fields: object) -> dict[str, object]:
    return {"responseCode": f"200{service}00", "responseMessage": "Successful", **fields}


def invalid_field(field: str) -> SnapError:
    return SnapError(400, "01", f"Invalid Field Format {field}")


def missing_field(field: str) -> SnapError:
    return SnapError(400, "02", f"Invalid Mandatory Field {field}")


def unauthorized(reason: str) -> SnapError:
    return SnapError(401, "00", f"Unauthorized. {reason}")


def not_found() -> SnapError:
    return SnapError(404, "12", "Invalid Bill/Virtual Account [Not Found]")


def invalid_amount() -> SnapError:
    return SnapError(404, "13", "Invalid Amount")


def paid_bill() -> SnapError:
    return SnapError(404, "14", "Paid Bill")


def bill_expired() -> SnapError:
    return SnapError(404, "19", "Bill expired")


def conflict() -> SnapError:
    return SnapError(409, "00", "Conflict", service=GENERAL_SERVICE)


def duplicate_va() -> SnapError:
    return SnapError(409, "01", "Duplicate VA Number")


def too_early() -> SnapError:
    return SnapError(425, "00", "Too Early", service=GENERAL_SERVICE)


def general_error() -> SnapError:
    return SnapError(500, "00", "General Error")


def timeout() -> SnapError:
    return SnapError(504, "00", "Timeout")


# --- timestamps ----------------------------------------------------------------------


def timestamp(at: datetime | None = None) -> str:
    """X-TIMESTAMP (and every time the network writes): ISO 8601 to the second, in WIB."""
    return (at or datetime.now(JAKARTA)).astimezone(JAKARTA).isoformat(timespec="seconds")


def parse_timestamp(raw: object) -> datetime | None:
    """An ISO 8601 date and time with an offset (Z or ±hh:mm), or None."""
    if not isinstance(raw, str) or not _TIMESTAMP.fullmatch(raw):
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def is_fresh(at: datetime, now: float | None = None) -> bool:
    """Within MAX_CLOCK_SKEW_SECONDS of this clock, either way."""
    return abs(at.timestamp() - (time.time() if now is None else now)) <= MAX_CLOCK_SKEW_SECONDS


def jakarta_day(at: datetime) -> str:
    return at.astimezone(JAKARTA).date().isoformat()


# --- amounts -------------------------------------------------------------------------


def money(rupiah: int) -> dict[str, str]:
    """Whole rupiah on the wire: {"value": "30000.00", "currency": "IDR"}."""
    return {"value": f"{rupiah}.00", "currency": CURRENCY}


def parse_money(raw: object, field: str) -> int:
    """Whole rupiah from {"value": "30000.00", "currency": "IDR"}; a SnapError naming the field
    for a missing part, cents, a negative value or another currency."""
    if not isinstance(raw, dict):
        raise missing_field(field) if raw is None else invalid_field(field)
    value, currency = raw.get("value"), raw.get("currency")
    if value is None or currency is None:
        raise missing_field(f"{field}.{'value' if value is None else 'currency'}")
    match = _AMOUNT.fullmatch(value) if isinstance(value, str) else None
    if match is None or match.group(2) != "00":
        raise invalid_field(f"{field}.value")
    if currency != CURRENCY:
        raise invalid_field(f"{field}.currency")
    return int(match.group(1))


# --- headers -------------------------------------------------------------------------


def is_external_id(value: str) -> bool:
    return bool(_EXTERNAL_ID.fullmatch(value))


def is_channel_id(value: str) -> bool:
    return bool(_CHANNEL_ID.fullmatch(value))


def new_external_id() -> str:
    """A numeric X-EXTERNAL-ID (22 digits: microseconds and six random ones), unique in practice."""
    return f"{time.time_ns() // 1000}{secrets.randbelow(10**6):06d}"


def minified(body: object) -> bytes:
    """The bytes a sender sends (and hashes) for a JSON body."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


# --- signatures ----------------------------------------------------------------------


def asymmetric_signature(private_key: rsa.RSAPrivateKey, client_key: str, at: str) -> str:
    """X-SIGNATURE of a token request: RSASSA-PKCS1-v1_5-SHA256 over "<client key>|<timestamp>"."""
    signed = private_key.sign(f"{client_key}|{at}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signed).decode()


def asymmetric_signature_is_valid(public_key: rsa.RSAPublicKey, client_key: str, at: str, signature: str) -> bool:
    try:
        public_key.verify(
            base64.b64decode(signature, validate=True),
            f"{client_key}|{at}".encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def string_to_sign(method: str, path: str, token: str, body: bytes, at: str) -> str:
    """METHOD:path:token:lowercase hex SHA-256 of the body bytes:timestamp."""
    return f"{method.upper()}:{path}:{token}:{hashlib.sha256(body).hexdigest()}:{at}"


def symmetric_signature(secret: str, method: str, path: str, token: str, body: bytes, at: str) -> str:
    """X-SIGNATURE of a transactional call: base64 HMAC-SHA512 of string_to_sign under the client secret."""
    digest = hmac.new(secret.encode(), string_to_sign(method, path, token, body, at).encode(), hashlib.sha512)
    return base64.b64encode(digest.digest()).decode()


def symmetric_signature_is_valid(
    secret: str, method: str, path: str, token: str, body: bytes, at: str, signature: str
) -> bool:
    expected = symmetric_signature(secret, method, path, token, body, at)
    return secrets.compare_digest(expected.encode(), signature.encode())
