"""The network's calls to us, as SNAP has them (docs/payments-snap.md): its token request, signed with its RSA
key, and its payment notifications, signed with HMAC-SHA512 under that token.

The token is stateless: our signature over the network's client key, valid 900 seconds (``django.core.signing``),
so checking it costs no query. Each notification is answered once per ``X-EXTERNAL-ID`` and day (``SnapCall``):
the same id with the same body gets the first answer again, with another body a 409; and ``services.take_payment``
records a payment once by its own reference whatever the id.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

from . import services, snap
from .models import Channel, SnapCall

TOKEN_SECONDS = 900
_TOKEN_SALT = "mpp.payments.snap-token"
_CHANNELS = {"va": Channel.VA, "qris": Channel.QRIS}


@cache
def _bank_public_key(path: str):
    return snap.load_public_key(Path(path).read_bytes())


def _configured() -> bool:
    return bool(
        settings.PAYNET_BANK_CLIENT_KEY and settings.PAYNET_BANK_CLIENT_SECRET and settings.PAYNET_BANK_PUBLIC_KEY_FILE
    )


def issue_token(headers, now: dt.datetime) -> dict:
    """Answer a B2B token request of the network (SnapError 401 for an unknown key, a bad signature or time)."""
    if not _configured():
        raise snap.unauthorized("[Not configured]")
    client_key = headers.get("X-CLIENT-KEY", "")
    stamp = headers.get("X-TIMESTAMP", "")
    snap.parse_timestamp(stamp, now)
    if client_key != settings.PAYNET_BANK_CLIENT_KEY:
        raise snap.unauthorized("[Unknown client]")
    signature = headers.get("X-SIGNATURE", "")
    public_key = _bank_public_key(settings.PAYNET_BANK_PUBLIC_KEY_FILE)
    if not snap.token_signature_valid(public_key, client_key, stamp, signature):
        raise snap.unauthorized("[Signature]")
    token = signing.dumps({"c": client_key}, salt=_TOKEN_SALT, compress=True)
    return snap.success(snap.TOKEN, accessToken=token, tokenType="Bearer", expiresIn=str(TOKEN_SECONDS))


@dataclass(frozen=True)
class Call:
    """An authenticated transactional call: its caller, its day and id, the hash of its body."""

    partner: str
    day: dt.date
    external_id: str
    body_sha256: str


def authenticate(method: str, path: str, headers, body: bytes, now: dt.datetime) -> Call:
    """Check a transactional call of the network: token, timestamp, signature, partner and external id."""
    if not _configured():
        raise snap.unauthorized("[Not configured]")
    scheme, _space, token = headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not token:
        raise snap.unauthorized("[Token]")
    try:
        claims = signing.loads(token, salt=_TOKEN_SALT, max_age=TOKEN_SECONDS)
    except signing.BadSignature:
        raise snap.unauthorized("[Token]") from None
    if claims.get("c") != settings.PAYNET_BANK_CLIENT_KEY or headers.get("X-PARTNER-ID") != claims["c"]:
        raise snap.unauthorized("[Partner]")
    stamp = headers.get("X-TIMESTAMP", "")
    when = snap.parse_timestamp(stamp, now)
    signature = headers.get("X-SIGNATURE", "")
    if not snap.call_signature_valid(settings.PAYNET_BANK_CLIENT_SECRET, method, path, token, body, stamp, signature):
        raise snap.unauthorized("[Signature]")
    external_id = snap.external_id(headers.get("X-EXTERNAL-ID"))
    return Call(claims["c"], snap.day_of(when), external_id, hashlib.sha256(body).hexdigest())


def answered(call: Call) -> tuple[int, dict] | None:
    """The answer given before to this call's external id, or None for a new one (409 for another body)."""
    before = SnapCall.objects.filter(partner=call.partner, day=call.day, external_id=call.external_id).first()
    if before is None:
        return None
    if before.body_sha256 != call.body_sha256:
        return 409, {"responseCode": "4090000", "responseMessage": "Conflict"}
    return before.status, before.answer


@transaction.atomic
def answer_once(call: Call, take, now: dt.datetime) -> tuple[int, dict]:
    """The answer to a call: the one given before to its external id, or what ``take()`` answers now (a refusal
    included), kept in the same transaction as what it recorded: one commit per notification."""
    before = answered(call)
    if before is not None:
        return before
    try:
        status, answer = take()
    except snap.SnapError as refused:
        status, answer = refused.status, refused.answer(snap.VA_PAYMENT)
    return remember(call, status, answer, now)


def remember(call: Call, status: int, answer: dict, now: dt.datetime) -> tuple[int, dict]:
    """Keep the answer for the call's external id; when a twin of the call got there first, its answer."""
    try:
        with transaction.atomic():
            SnapCall.objects.create(
                partner=call.partner,
                day=call.day,
                external_id=call.external_id,
                body_sha256=call.body_sha256,
                status=status,
                answer=answer,
                at=now,
            )
    except IntegrityError:
        return answered(call) or (status, answer)
    return status, answer


def _text(body: dict, name: str, *, required: bool = True) -> str:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise snap.missing(name)
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise snap.invalid_format(name)
    return str(value)


def _paid(body: dict) -> services.Paid:
    """The payment a notification reports (SnapError 400 for a missing or malformed field)."""
    pay_code = _text(body, "virtualAccountNo").replace(" ", "")
    try:
        paid_at = dt.datetime.fromisoformat(_text(body, "trxDateTime"))
    except ValueError:
        raise snap.invalid_format("trxDateTime") from None
    if paid_at.tzinfo is None:
        raise snap.invalid_format("trxDateTime")
    extra = body.get("additionalInfo") or {}
    if not isinstance(extra, dict):
        raise snap.invalid_format("additionalInfo")
    channel = _CHANNELS.get(str(extra.get("channel", "va")))
    if channel is None:
        raise snap.invalid_format("additionalInfo.channel")
    return services.Paid(
        pay_code=pay_code,
        network_reference=_text(body, "paymentRequestId")[:64],
        amount=snap.rupiah(body.get("paidAmount"), "paidAmount"),
        paid_at=paid_at,
        channel=channel,
        bank_reference=_text(body, "referenceNo", required=False),
        ntpn=str(extra.get("ntpn") or ""),
        ntb=str(extra.get("ntb") or ""),
    )


def payment_notification(body_bytes: bytes, now: dt.datetime) -> tuple[int, dict]:
    """Take a VA or QRIS payment the network reports: (HTTP status, SNAP answer)."""
    try:
        body = json.loads(body_bytes)
    except (ValueError, UnicodeDecodeError):
        raise snap.invalid_format("body") from None
    if not isinstance(body, dict):
        raise snap.invalid_format("body")
    paid = _paid(body)
    payment, _new = services.take_payment(paid, now=now)
    data = {
        key: body.get(key)
        for key in ("partnerServiceId", "customerNo", "virtualAccountNo", "virtualAccountName", "paymentRequestId")
    }
    data |= {
        "paidAmount": snap.money(payment.amount),
        "trxDateTime": snap.timestamp(payment.paid_at),
        "paymentFlagStatus": "00",
        "paymentFlagReason": {"english": "Success", "indonesia": "Sukses"},
    }
    return 200, snap.success(snap.VA_PAYMENT, virtualAccountData=data)
