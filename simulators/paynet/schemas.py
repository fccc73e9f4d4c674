"""What the network accepts, checked strictly: the bodies of the platform's SNAP calls (a
SnapError naming the field, 400) and of the admin endpoints (a 422 Refusal naming the field).

Fields SNAP allows beyond the contract's are ignored, as a bank would; the contract's own are
checked for shape, length and meaning (amounts in whole rupiah, timestamps with an offset).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime, time

from ..web import Refusal
from . import snap
from .bills import NewBill, va_key
from .snap import JAKARTA, invalid_field, missing_field

MAX_CUSTOMER_NO, MAX_NAME, MAX_TRX_ID, MAX_REFERENCE = 20, 255, 64, 64
_DIGITS = re.compile(r"\d+")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CHANNELS = ("va", "qris")


# --- SNAP bodies ---------------------------------------------------------------------


def json_object(raw: bytes) -> dict[str, object]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise invalid_field("request body")
    return body


def new_bill(body: Mapping[str, object], partner_service_id: str) -> NewBill:
    """A create-va body; `partner_service_id` is the network's, padded to eight characters."""
    info = _info(body)
    kind = info.get("kind", "va") if info is not None else "va"
    if kind not in ("va", "billing"):
        raise invalid_field("additionalInfo.kind")
    if body.get("virtualAccountTrxType", "C") != "C":
        raise invalid_field("virtualAccountTrxType")
    amount = snap.parse_money(body.get("totalAmount"), "totalAmount")
    if amount <= 0:
        raise invalid_field("totalAmount.value")
    expired_date, expires_at = _optional_time(body, "expiredDate")
    number = _billing_fields(body) if kind == "billing" else _va_fields(body, partner_service_id)
    return NewBill(
        kind=kind,
        partner_service_id=number[0],
        customer_no=number[1],
        virtual_account_no=number[0] + number[1],
        name=_text(body, "virtualAccountName", MAX_NAME),
        trx_id=_text(body, "trxId", MAX_TRX_ID),
        amount=amount,
        expired_date=expired_date,
        expires_at=expires_at,
        additional_info=info,
    )


def _va_fields(body: Mapping[str, object], partner_service_id: str) -> tuple[str, str]:
    """(partnerServiceId, customerNo) of a retribusi VA: the network's prefix and up to 20 digits."""
    given = _text(body, "partnerServiceId", 8, strip=False)
    if given != partner_service_id:
        raise invalid_field("partnerServiceId")
    customer_no = _text(body, "customerNo", MAX_CUSTOMER_NO)
    if not _DIGITS.fullmatch(customer_no):
        raise invalid_field("customerNo")
    if _text(body, "virtualAccountNo", 28, strip=False) != given + customer_no:
        raise invalid_field("virtualAccountNo")
    return given, customer_no


def _billing_fields(body: Mapping[str, object]) -> tuple[str, str]:
    """A PNBP bill sends its number fields empty: the network issues the billing code."""
    for name in ("partnerServiceId", "customerNo", "virtualAccountNo"):
        value = body.get(name, "")
        if not isinstance(value, str) or value.strip():
            raise invalid_field(name)
    return "", ""


def status_query(body: Mapping[str, object]) -> tuple[str, str]:
    """(the VA number or billing code looked up, inquiryRequestId) of an inquiry-status body."""
    number = _number(body, "virtualAccountNo")
    return number, _text(body, "inquiryRequestId", 128)


@dataclass(frozen=True)
class QrRequest:
    partner_reference_no: str
    amount: int
    virtual_account_no: str  # of the bill the QR pays
    valid_until: float | None


def qr_request(body: Mapping[str, object], merchant_id: str) -> QrRequest:
    """A qr-mpm-generate body; `merchant_id` is the platform's client key."""
    if _text(body, "merchantId", 64) != merchant_id:
        raise invalid_field("merchantId")
    amount = snap.parse_money(body.get("amount"), "amount")
    if amount <= 0:
        raise invalid_field("amount.value")
    info = _info(body)
    if info is None:
        raise missing_field("additionalInfo.virtualAccountNo")
    return QrRequest(
        partner_reference_no=_text(body, "partnerReferenceNo", MAX_REFERENCE),
        amount=amount,
        virtual_account_no=_number(info, "virtualAccountNo", "additionalInfo."),
        valid_until=_optional_time(body, "validityPeriod")[1],
    )


def qr_query(body: Mapping[str, object]) -> tuple[str, str | None]:
    """(originalReferenceNo, originalPartnerReferenceNo or None) of a qr-mpm-query body."""
    if body.get("serviceCode", "47") != "47":
        raise invalid_field("serviceCode")
    partner_reference = body.get("originalPartnerReferenceNo")
    if partner_reference is not None and not isinstance(partner_reference, str):
        raise invalid_field("originalPartnerReferenceNo")
    return _text(body, "originalReferenceNo", MAX_REFERENCE), partner_reference or None


def settlement_day(raw: str) -> date:
    day = _day(raw)
    if day is None:
        raise invalid_field("date")
    return day


def _day(raw: object) -> date | None:
    """A calendar day written YYYY-MM-DD, or None."""
    if not isinstance(raw, str) or not _DAY.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _text(body: Mapping[str, object], name: str, limit: int, *, prefix: str = "", strip: bool = True) -> str:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise missing_field(prefix + name)
    if not isinstance(value, str) or len(value) > limit:
        raise invalid_field(prefix + name)
    return value.strip() if strip else value


def _number(body: Mapping[str, object], name: str, prefix: str = "") -> str:
    """A VA number or billing code: digits, perhaps after its padding spaces."""
    value = _text(body, name, 28, prefix=prefix)
    if not _DIGITS.fullmatch(va_key(value)):
        raise invalid_field(prefix + name)
    return value


def _info(body: Mapping[str, object]) -> dict[str, object] | None:
    info = body.get("additionalInfo")
    if info is not None and not isinstance(info, dict):
        raise invalid_field("additionalInfo")
    return info


def _optional_time(body: Mapping[str, object], name: str) -> tuple[str | None, float | None]:
    """(the value as sent, Unix seconds) of an optional ISO 8601 time with an offset."""
    raw = body.get(name)
    if raw is None:
        return None, None
    parsed = snap.parse_timestamp(raw)
    if parsed is None:
        raise invalid_field(name)
    return str(raw), parsed.timestamp()


# --- admin bodies --------------------------------------------------------------------


@dataclass(frozen=True)
class AdminPayment:
    virtual_account_no: str | None
    qr_reference: str | None
    paid_at: datetime | None


def admin_payment(body: object) -> AdminPayment:
    """{"virtualAccountNo"} or {"qrReference"}, and optionally "paidAt" (ISO 8601 with an offset)."""
    fields = _admin_object(body, optional={"virtualAccountNo", "qrReference", "paidAt"})
    if ("virtualAccountNo" in fields) == ("qrReference" in fields):
        raise _invalid("send virtualAccountNo or qrReference (one of them)")
    return AdminPayment(
        virtual_account_no=_admin_text(fields, "virtualAccountNo") if "virtualAccountNo" in fields else None,
        qr_reference=_admin_text(fields, "qrReference") if "qrReference" in fields else None,
        paid_at=_admin_time(fields, "paidAt") if "paidAt" in fields else None,
    )


@dataclass(frozen=True)
class Adjustment:
    kind: str  # extra, amount, omit
    payment_request_id: str | None  # the payment adjusted (amount, omit) or the extra line's id
    line: dict[str, object]  # the columns written (store.adjust_settlement)


def adjustment(body: object) -> Adjustment:
    """A settlement-file adjustment (README.md, "Settlement file"): an extra line, a payment's
    line with another amount, or a payment's line left out."""
    kind = body.get("kind") if isinstance(body, dict) else None
    if kind == "amount":
        fields = _admin_object(body, required={"kind", "paymentRequestId", "amount"})
        return Adjustment(kind, _admin_text(fields, "paymentRequestId"), {"amount": _rupiah(fields, "amount")})
    if kind == "omit":
        fields = _admin_object(body, required={"kind", "paymentRequestId"})
        return Adjustment(kind, _admin_text(fields, "paymentRequestId"), {})
    if kind == "extra":
        return _extra_line(body)  # type: ignore[arg-type]
    raise _invalid("kind must be extra, amount or omit")


def _extra_line(body: dict[str, object]) -> Adjustment:
    optional = {"paymentRequestId", "virtualAccountNo", "trxId", "channel", "paidAt", "referenceNo", "ntpn"}
    fields = _admin_object(body, required={"kind", "date", "amount"}, optional=optional)
    day = _admin_day(fields["date"])
    paid_at = _admin_time(fields, "paidAt") if "paidAt" in fields else datetime.combine(day, time(12), JAKARTA)
    if paid_at.astimezone(JAKARTA).date() != day:
        raise _invalid("paidAt must fall on date (in WIB)")
    channel = fields.get("channel", "va")
    if channel not in CHANNELS:
        raise _invalid("channel must be va or qris")
    texts = {name: _admin_text(fields, name) for name in optional - {"channel", "paidAt"} if name in fields}
    payment_request_id = texts.get("paymentRequestId") or f"XTRA{day:%Y%m%d}{secrets.token_hex(4).upper()}"
    line = {
        "settle_date": day.isoformat(),
        "amount": _rupiah(fields, "amount"),
        "payment_request_id": payment_request_id,
        "virtual_account_no": texts.get("virtualAccountNo", ""),
        "trx_id": texts.get("trxId", ""),
        "channel": channel,
        "paid_at": snap.timestamp(paid_at),
        "reference_no": texts.get("referenceNo", ""),
        "ntpn": texts.get("ntpn"),
    }
    return Adjustment("extra", payment_request_id, line)


def _admin_object(body: object, *, required: Set[str] = frozenset(), optional: Set[str] = frozenset()) -> dict:
    if not isinstance(body, dict):
        raise _invalid("send a JSON object")
    missing, unknown = sorted(required - set(body)), sorted(set(body) - required - optional)
    if missing:
        raise _invalid(f"missing: {', '.join(missing)}")
    if unknown:
        raise _invalid(f"unknown fields: {', '.join(unknown)}")
    return body


def _admin_text(fields: Mapping[str, object], name: str) -> str:
    value = fields[name]
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_REFERENCE:
        raise _invalid(f"{name} must be a non-empty string of at most {MAX_REFERENCE} characters")
    return value.strip()


def _admin_time(fields: Mapping[str, object], name: str) -> datetime:
    parsed = snap.parse_timestamp(fields[name])
    if parsed is None:
        raise _invalid(f"{name} must be an ISO 8601 time with an offset, e.g. 2026-12-06T10:15:00+07:00")
    return parsed


def _admin_day(raw: object) -> date:
    day = _day(raw)
    if day is None:
        raise _invalid("date must be a day YYYY-MM-DD")
    return day


def _rupiah(fields: Mapping[str, object], name: str) -> int:
    value = fields[name]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _invalid(f"{name} must be a whole number of rupiah above 0")
    return value


def _invalid(message: str) -> Refusal:
    return Refusal(422, "invalid_body", message)
