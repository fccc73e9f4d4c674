"""SNAP, Bank Indonesia's payment API standard, as docs/payments-snap.md pins it down: its signatures, its
timestamps, its amounts and its answers. Pure functions, shared by the network client (``network``) and
the endpoints the network calls (``views.snap``)."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

#: How far a request's X-TIMESTAMP may be from our clock, either way.
TIMESTAMP_TOLERANCE = dt.timedelta(seconds=300)
#: SNAP's days are Indonesia's western time: X-EXTERNAL-ID is unique per caller per day there.
JAKARTA = dt.timezone(dt.timedelta(hours=7))
_EXTERNAL_ID = re.compile(r"^\d{1,36}$")
_AMOUNT = re.compile(r"^(0|[1-9]\d{0,14})\.00$")

# Service codes (the middle two characters of a responseCode).
TOKEN, CREATE_VA, VA_STATUS, VA_PAYMENT, QR_GENERATE, QR_QUERY, GENERAL = "73", "27", "26", "25", "47", "51", "00"


@dataclass
class SnapError(Exception):
    """A SNAP refusal: the HTTP status, the case within it and the message (``responseCode`` is built from
    the status, the service's code and the case)."""

    status: int
    case: str
    message: str

    def answer(self, service: str) -> dict:
        return {"responseCode": f"{self.status}{service}{self.case}", "responseMessage": self.message}


def unauthorized(reason: str) -> SnapError:
    return SnapError(401, "00", f"Unauthorized. {reason}")


def invalid_format(field: str) -> SnapError:
    return SnapError(400, "01", f"Invalid Field Format {field}")


def missing(field: str) -> SnapError:
    return SnapError(400, "02", f"Invalid Mandatory Field {field}")


NOT_FOUND = SnapError(404, "12", "Invalid Bill/Virtual Account [Not Found]")
INVALID_AMOUNT = SnapError(404, "13", "Invalid Amount")
PAID_BILL = SnapError(404, "14", "Paid Bill")
EXPIRED_BILL = SnapError(404, "19", "Bill expired")


def success(service: str, **fields) -> dict:
    return {"responseCode": f"200{service}00", "responseMessage": "Successful", **fields}


# --- time and money ------------------------------------------------------------------------------------------


def timestamp(now: dt.datetime) -> str:
    """X-TIMESTAMP: ISO 8601 to the second, with the offset (in Jakarta's time)."""
    return now.astimezone(JAKARTA).replace(microsecond=0).isoformat()


def parse_timestamp(value: str, now: dt.datetime) -> dt.datetime:
    """A request's X-TIMESTAMP, refused (401) when malformed, without an offset or too far from ``now``."""
    try:
        when = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise unauthorized("[X-TIMESTAMP]") from None
    if when.tzinfo is None or abs(when - now) > TIMESTAMP_TOLERANCE:
        raise unauthorized("[X-TIMESTAMP]")
    return when


def day_of(when: dt.datetime) -> dt.date:
    return when.astimezone(JAKARTA).date()


def money(rupiah: int) -> dict:
    """SNAP's amount object: whole rupiah with two decimals."""
    return {"value": f"{rupiah}.00", "currency": "IDR"}


def rupiah(amount, field: str) -> int:
    """Whole rupiah from SNAP's amount object (400 for cents, a negative, another currency or a malformed one)."""
    if not isinstance(amount, dict):
        raise missing(field) if amount is None else invalid_format(field)
    value, currency = amount.get("value"), amount.get("currency")
    if not isinstance(value, str) or not _AMOUNT.match(value) or currency != "IDR":
        raise invalid_format(field)
    return int(value[:-3])


def external_id(value: str | None) -> str:
    if not value:
        raise missing("X-EXTERNAL-ID")
    if not _EXTERNAL_ID.match(value):
        raise invalid_format("X-EXTERNAL-ID")
    return value


# --- signatures ------------------------------------------------------------------------------------------


def minified(body: dict) -> bytes:
    """The bytes a request sends and signs: JSON without whitespace, UTF-8."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def load_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def load_public_key(pem: bytes) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def token_signature(private_key: rsa.RSAPrivateKey, client_key: str, stamp: str) -> str:
    """The asymmetric signature of a B2B token request: SHA256withRSA over ``client key|timestamp``."""
    signed = private_key.sign(f"{client_key}|{stamp}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signed).decode()


def token_signature_valid(public_key: rsa.RSAPublicKey, client_key: str, stamp: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
        public_key.verify(raw, f"{client_key}|{stamp}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def string_to_sign(method: str, path: str, token: str, body: bytes, stamp: str) -> str:
    return f"{method.upper()}:{path}:{token}:{hashlib.sha256(body).hexdigest()}:{stamp}"


def call_signature(secret: str, method: str, path: str, token: str, body: bytes, stamp: str) -> str:
    """The symmetric signature of a transactional call: HMAC-SHA512 over the string to sign."""
    message = string_to_sign(method, path, token, body, stamp).encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha512).digest()).decode()


def call_signature_valid(secret: str, method: str, path: str, token: str, body: bytes, stamp: str, given: str) -> bool:
    return hmac.compare_digest(call_signature(secret, method, path, token, body, stamp), given or "")
