"""What the simulator accepts, checked strictly: subject numbers, the Idempotency-Key, a
payment confirmation, and the admin's bills, clock and list windows.

Every problem is a Refusal naming what is wrong (400 for numbers, headers and queries, 422
for bodies), never a 500.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from ..web import Refusal
from . import clock
from .billing import Charge, Service

MAX_KEY_LENGTH = 100
MAX_BILL_ID, MAX_REFERENCE, MAX_PAID_AT = 40, 100, 40
MAX_AMOUNT = 999_999_999_999  # rupiah; SQLite's integers hold far more, JSON's may not
MAX_USAGE_M3 = 100_000
CHANNELS = ("va", "qris", "cash")
DEFAULT_PAGE, MAX_PAGE = 100, 1000


@dataclass(frozen=True)
class Payment:
    """A payment confirmation: the platform took `amount` for `bill_id` at `paid_at`."""

    bill_id: str
    amount: int
    paid_at: str  # ISO 8601 with an offset, kept as sent
    reference: str  # the platform's payment reference
    channel: str

    def fingerprint(self) -> str:
        """The same for the same confirmation however its JSON was spelled (key order, spacing,
        the offset paid_at was written in)."""
        fields = {**asdict(self), "paid_at": datetime.fromisoformat(self.paid_at).astimezone(UTC).isoformat()}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def number(service: Service, raw: str) -> str:
    """The subject number in a path, as stored; a 400 invalid_number when malformed."""
    try:
        return service.parse_number(raw)
    except ValueError as exc:
        raise Refusal(400, "invalid_number", str(exc)) from None


def idempotency_key(raw: str | None) -> str:
    if raw is None:
        raise Refusal(400, "missing_idempotency_key", "send Idempotency-Key: <a key of your own for this payment>")
    if not raw.strip() or len(raw) > MAX_KEY_LENGTH:
        raise Refusal(400, "invalid_idempotency_key", f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters")
    return raw


def payment(body: object) -> Payment:
    fields = _object(body, required={"bill_id", "amount", "paid_at", "reference", "channel"}, what="the payment")
    channel = fields["channel"]
    if channel not in CHANNELS:
        raise _invalid(f"channel must be one of {', '.join(CHANNELS)}")
    return Payment(
        bill_id=_text(fields, "bill_id", MAX_BILL_ID),
        amount=_whole(fields, "amount", 1, MAX_AMOUNT, " of rupiah"),
        paid_at=_instant(fields["paid_at"]),
        reference=_text(fields, "reference", MAX_REFERENCE),
        channel=channel,
    )


def new_charge(service: Service, body: object) -> Charge:
    """A bill the admin adds: {"period", "amount"} for an SPPT, with "usage_m3" for a month of water."""
    needs_usage = service.name == "pdam"
    required = {"period", "amount", "usage_m3"} if needs_usage else {"period", "amount"}
    fields = _object(body, required=required, what="the bill")
    period = fields["period"]
    try:
        period = service.parse_period(period if isinstance(period, str) else "")
    except ValueError as exc:
        raise _invalid(str(exc)) from None
    usage = _whole(fields, "usage_m3", 0, MAX_USAGE_M3) if needs_usage else None
    return Charge(period, _whole(fields, "amount", 1, MAX_AMOUNT, " of rupiah"), usage)


def new_today(body: object) -> date:
    fields = _object(body, required={"today"}, what="the clock")
    raw = fields["today"]
    try:
        return clock.parse_date(raw if isinstance(raw, str) else repr(raw), "today")
    except ValueError as exc:
        raise _invalid(str(exc)) from None


def page(args: Mapping[str, str]) -> tuple[int, int]:
    """(limit, offset) of an admin list: ?limit=<1 to MAX_PAGE, default DEFAULT_PAGE>&offset=<default 0>."""
    limit, offset = args.get("limit", str(DEFAULT_PAGE)), args.get("offset", "0")
    if not limit.isdecimal() or not 1 <= int(limit) <= MAX_PAGE:
        raise Refusal(400, "invalid_query", f"limit must be a whole number from 1 to {MAX_PAGE}")
    if not offset.isdecimal() or len(offset) > 9:
        raise Refusal(400, "invalid_query", "offset must be a whole number")
    return int(limit), int(offset)


def service_filter(args: Mapping[str, str], services: Mapping[str, Service]) -> str | None:
    name = args.get("service")
    if name is not None and name not in services:
        raise Refusal(400, "invalid_query", f"service must be one of {', '.join(services)}")
    return name


def _object(body: object, *, required: set[str], what: str) -> dict[str, object]:
    if not isinstance(body, dict):
        raise _invalid(f"{what} must be a JSON object")
    missing, unknown = sorted(required - set(body)), sorted(set(body) - required)
    if missing:
        raise _invalid(f"missing: {', '.join(missing)}")
    if unknown:
        raise _invalid(f"unknown fields: {', '.join(unknown)}")
    return body


def _text(fields: Mapping[str, object], name: str, limit: int) -> str:
    value = fields[name]
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _invalid(f"{name} must be a non-empty string of at most {limit} characters")
    return value


def _whole(fields: Mapping[str, object], name: str, low: int, high: int, unit: str = "") -> int:
    value = fields[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _invalid(f"{name} must be a whole number{unit} from {low} to {high}")
    return value


def _instant(value: object) -> str:
    """paid_at: an ISO 8601 date and time with its offset (2026-12-06T10:15:00+08:00 or …Z)."""
    if isinstance(value, str) and len(value) <= MAX_PAID_AT:
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                moment.astimezone(UTC)  # within range: the fingerprint takes it in UTC
                return value
        except (ValueError, OverflowError):
            pass
    raise _invalid("paid_at must be an ISO 8601 date and time with an offset, e.g. 2026-12-06T10:15:00+08:00")


def _invalid(message: str) -> Refusal:
    return Refusal(422, "invalid_body", message)
