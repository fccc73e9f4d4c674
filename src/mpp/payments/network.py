"""HTTP client for the payment network (a bank or payment provider speaking SNAP; docs/payments-snap.md), the
real one or its simulator, known only by PAYNET_URL and our keys there.

Each call signs its body with HMAC-SHA512 under an access token the network gave us for a request signed with
our RSA key; the token is kept in the cache until a minute before it ends. Every call has a timeout
(PAYNET_TIMEOUT_SECONDS) and an ``X-EXTERNAL-ID`` of its own.

``NetworkUnavailable``: try again later (not configured, no answer, 408, 429, 5xx, an answer outside the
contract). ``NetworkRefused``: the network said no; the same call will be refused again.
"""

import csv
import datetime as dt
import io
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import httpx
from django.conf import settings
from django.core.cache import cache as shared_cache
from django.utils import timezone

from mpp.core import http

from . import snap

_TOKEN_KEY = "payments:network-token"
#: Ask for a new token this long before the old one ends.
_TOKEN_MARGIN_SECONDS = 60
_RETRIED = frozenset({408, 429})


class NetworkUnavailable(Exception):
    """Worth retrying later."""


class NetworkRefused(Exception):
    """The network refused the call (its responseCode and message)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code} {message}")
        self.code, self.message = code, message


def configured() -> bool:
    return bool(
        settings.PAYNET_URL
        and settings.PAYNET_CLIENT_KEY
        and settings.PAYNET_CLIENT_SECRET
        and settings.PAYNET_PRIVATE_KEY_FILE
    )


@cache
def _private_key(path: str):
    return snap.load_private_key(Path(path).read_bytes())


def _post(path: str, headers: dict, body: bytes) -> dict:
    try:
        answer = http.client().post(
            settings.PAYNET_URL + path,
            content=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=settings.PAYNET_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as exc:
        raise NetworkUnavailable(f"{path}: {exc!r}") from exc
    return _answer(path, answer)


def _answer(path: str, answer: httpx.Response) -> dict:
    if answer.status_code in _RETRIED or answer.status_code >= 500:
        raise NetworkUnavailable(f"{path}: HTTP {answer.status_code}")
    try:
        data = answer.json()
        code, message = str(data["responseCode"]), str(data.get("responseMessage", ""))
    except (ValueError, KeyError, TypeError):
        raise NetworkUnavailable(f"{path}: an answer outside the contract (HTTP {answer.status_code})") from None
    if answer.status_code != 200 or not code.startswith("200"):
        raise NetworkRefused(code, message)
    return data


def _token() -> str:
    token = shared_cache.get(_TOKEN_KEY)
    if token:
        return token
    stamp = snap.timestamp(timezone.now())
    signature = snap.token_signature(_private_key(settings.PAYNET_PRIVATE_KEY_FILE), settings.PAYNET_CLIENT_KEY, stamp)
    headers = {"X-TIMESTAMP": stamp, "X-CLIENT-KEY": settings.PAYNET_CLIENT_KEY, "X-SIGNATURE": signature}
    data = _post("/v1.0/access-token/b2b", headers, snap.minified({"grantType": "client_credentials"}))
    try:
        token, lifetime = str(data["accessToken"]), int(data.get("expiresIn", 900))
    except (KeyError, ValueError) as exc:
        raise NetworkUnavailable("token answer outside the contract") from exc
    shared_cache.set(_TOKEN_KEY, token, max(lifetime - _TOKEN_MARGIN_SECONDS, 1))
    return token


def new_external_id() -> str:
    """A fresh X-EXTERNAL-ID: 30 random digits (unique per day by a wide margin)."""
    return str(secrets.randbelow(10**30)).zfill(30)


def call(path: str, body: dict, *, method: str = "POST") -> dict | bytes:
    """A signed transactional call; a POST answers JSON, a GET (the settlement file) its bytes."""
    if not configured():
        raise NetworkUnavailable("the payment network is not configured (PAYNET_URL and our keys there)")
    token = _token()
    raw = snap.minified(body) if method == "POST" else b""
    stamp = snap.timestamp(timezone.now())
    headers = {
        "Authorization": f"Bearer {token}",
        "X-TIMESTAMP": stamp,
        "X-SIGNATURE": snap.call_signature(settings.PAYNET_CLIENT_SECRET, method, path, token, raw, stamp),
        "X-PARTNER-ID": settings.PAYNET_CLIENT_KEY,
        "X-EXTERNAL-ID": new_external_id(),
        "CHANNEL-ID": "95231",
    }
    if method == "POST":
        return _post(path, headers, raw)
    try:
        answer = http.client().get(settings.PAYNET_URL + path, headers=headers, timeout=settings.PAYNET_TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise NetworkUnavailable(f"{path}: {exc!r}") from exc
    if answer.status_code == 200:
        return answer.content
    _answer(path, answer)
    raise NetworkUnavailable(f"{path}: HTTP {answer.status_code}")


def _service_id() -> str:
    return settings.PAYNET_PARTNER_SERVICE_ID.rjust(8)


@dataclass(frozen=True)
class Opened:
    """How a bill is paid at the network: the code to type, and the QRIS for it."""

    pay_code: str
    qr_content: str
    qr_reference: str


def open_bill(
    *,
    bill_id: str,
    customer_no: str,
    name: str,
    amount: int,
    expires_at: dt.datetime,
    billing: bool,
    revenue: str,
    description: str,
) -> Opened:
    """A VA (or, for a state fee, a billing code) and a dynamic QRIS for a bill. Creating the same bill again
    answers the same numbers, so a retry after a lost answer is safe."""
    service_id = "" if billing else _service_id()
    customer = "" if billing else customer_no
    created = call(
        "/v1.0/transfer-va/create-va",
        {
            "partnerServiceId": service_id,
            "customerNo": customer,
            "virtualAccountNo": service_id + customer,
            "virtualAccountName": name[:100],
            "trxId": bill_id,
            "totalAmount": snap.money(amount),
            "virtualAccountTrxType": "C",
            "expiredDate": snap.timestamp(expires_at),
            "additionalInfo": {"kind": "billing" if billing else "va", "revenue": revenue, "description": description},
        },
    )
    try:
        va_number = str(created["virtualAccountData"]["virtualAccountNo"])
    except (KeyError, TypeError) as exc:
        raise NetworkUnavailable("create-va answer outside the contract") from exc
    generated = call(
        "/v1.0/qr/qr-mpm-generate",
        {
            "partnerReferenceNo": bill_id,
            "amount": snap.money(amount),
            "merchantId": settings.PAYNET_CLIENT_KEY,
            "validityPeriod": snap.timestamp(expires_at),
            "additionalInfo": {"virtualAccountNo": va_number},
        },
    )
    try:
        qr_content, qr_reference = str(generated["qrContent"]), str(generated["referenceNo"])
    except KeyError as exc:
        raise NetworkUnavailable("qr-mpm-generate answer outside the contract") from exc
    return Opened(va_number.replace(" ", ""), qr_content, qr_reference)


def va_parts(pay_code: str, billing: bool) -> dict:
    """The VA fields of a bill's code as SNAP sends them (a billing code has no prefix)."""
    if billing:
        return {"partnerServiceId": " " * 8, "customerNo": pay_code, "virtualAccountNo": " " * 8 + pay_code}
    service_id = _service_id()
    customer = pay_code[len(service_id.strip()) :]
    return {"partnerServiceId": service_id, "customerNo": customer, "virtualAccountNo": service_id + customer}


def inquiry(pay_code: str, billing: bool) -> dict:
    """The network's record of a bill's VA: ``virtualAccountData`` with ``paymentFlagStatus`` 00 paid, 01 not
    paid, 02 expired (and the payment's fields when paid)."""
    answer = call("/v1.0/transfer-va/status", {**va_parts(pay_code, billing), "inquiryRequestId": new_external_id()})
    data = answer.get("virtualAccountData")
    if not isinstance(data, dict):
        raise NetworkUnavailable("inquiry answer outside the contract")
    return data


def settlement(day: dt.date) -> list[dict]:
    """The network's settlement file of ``day``: one dict per payment (amount in whole rupiah)."""
    raw = call(f"/v1.0/settlements/{day.isoformat()}", {}, method="GET")
    rows = list(csv.DictReader(io.StringIO(raw.decode())))
    try:
        return [row | {"amount": int(row["amount"])} for row in rows]
    except (KeyError, ValueError) as exc:
        raise NetworkUnavailable("settlement file outside the contract") from exc
