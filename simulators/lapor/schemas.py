"""What LAPOR! accepts, checked strictly: a report filed through the API or at LAPOR! itself,
an operator's status move or disposition, the Idempotency-Key and the polling window.

Every problem is a Refusal naming the field (422, 400 for headers and the query), never a 500.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date

from ..web import Refusal
from .lifecycle import CATEGORIES, STATUSES

MAX_KEY_LENGTH = 100
MAX_REFERENCE, MAX_TITLE, MAX_CONTENT, MAX_AGENCY, MAX_NOTE, MAX_REPORTER_FIELD = 64, 150, 5000, 200, 1000, 100
MAX_ATTACHMENTS = 50
DEFAULT_PAGE, MAX_PAGE = 100, 500
# Kemendagri codes: province, regency/city, district, village (64, 64.72, 64.72.05, 64.72.05.1001).
_REGION_CODE = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class NewReport:
    reference: str | None  # the platform's tracking number; None for a report filed at LAPOR!
    title: str
    content: str
    category: str
    region_code: str
    agency: str
    anonymous: bool
    confidential: bool
    reporter: dict[str, str] | None
    attachments: int
    occurred_on: str | None

    def fingerprint(self) -> str:
        """The same for the same report however its JSON was spelled (key order, spacing)."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def idempotency_key(raw: str | None) -> str:
    if raw is None:
        raise Refusal(400, "missing_idempotency_key", "send Idempotency-Key: <a key of your own for this report>")
    if not raw.strip() or len(raw) > MAX_KEY_LENGTH:
        raise Refusal(400, "invalid_idempotency_key", f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters")
    return raw


def report(body: object, *, filed_at_lapor: bool = False) -> NewReport:
    """A report from the platform (reference required, agency optional) or one filed at LAPOR!
    itself through the admin endpoint (no reference, an agency required)."""
    required = {"title", "content", "category", "region_code", "anonymous", "confidential"}
    optional = {"reporter", "attachments", "occurred_on"}
    if filed_at_lapor:
        required.add("agency")
    else:
        required.add("reference")
        optional.add("agency")
    fields = _object(body, required=required, optional=optional, what="the report")
    anonymous, reporter = _boolean(fields, "anonymous"), fields.get("reporter")
    if anonymous and reporter is not None:
        raise _invalid("reporter must be null for an anonymous report: LAPOR! must not learn who it is")
    category = fields["category"]
    if category not in CATEGORIES:
        raise _invalid(f"category must be one of {', '.join(CATEGORIES)}")
    region_code = fields["region_code"]
    if not isinstance(region_code, str) or not _REGION_CODE.fullmatch(region_code):
        raise _invalid('region_code must be a Kemendagri region code such as "64.72"')
    attachments = fields.get("attachments", 0)
    if isinstance(attachments, bool) or not isinstance(attachments, int) or not 0 <= attachments <= MAX_ATTACHMENTS:
        raise _invalid(f"attachments must be a whole number from 0 to {MAX_ATTACHMENTS}")
    return NewReport(
        reference=None if filed_at_lapor else _text(fields, "reference", MAX_REFERENCE),
        title=_text(fields, "title", MAX_TITLE),
        content=_text(fields, "content", MAX_CONTENT),
        category=category,
        region_code=region_code,
        agency=_text(fields, "agency", MAX_AGENCY, required=filed_at_lapor),
        anonymous=anonymous,
        confidential=_boolean(fields, "confidential"),
        reporter=None if reporter is None else _reporter(reporter),
        attachments=attachments,
        occurred_on=_date(fields.get("occurred_on")),
    )


def status_move(body: object) -> tuple[str, str | None]:
    """(status, note or None) of an operator's move; a disposition has its own endpoint."""
    fields = _object(body, required={"status"}, optional={"note"}, what="the move")
    status = fields["status"]
    if status not in STATUSES:
        raise _invalid(f"status must be one of {', '.join(STATUSES)}")
    if status == "dispositioned":
        raise _invalid("a disposition names the agency: POST /admin/reports/<lapor_id>/dispositions")
    return status, _note(fields)


def disposition(body: object) -> tuple[str, str | None]:
    """(agency, note or None) of a disposition."""
    fields = _object(body, required={"agency"}, optional={"note"}, what="the disposition")
    return _text(fields, "agency", MAX_AGENCY), _note(fields)


def page(args: Mapping[str, str]) -> tuple[int, int]:
    """(after, limit) of a polling call: ?after=<seq, default 0>&limit=<1 to MAX_PAGE, default DEFAULT_PAGE>."""
    after, limit = args.get("after", "0"), args.get("limit", str(DEFAULT_PAGE))
    if not after.isdecimal() or len(after) > 18:
        raise Refusal(400, "invalid_query", "after must be a whole number, the last seq you have (0 at first)")
    if not limit.isdecimal() or not 1 <= int(limit) <= MAX_PAGE:
        raise Refusal(400, "invalid_query", f"limit must be a whole number from 1 to {MAX_PAGE}")
    return int(after), int(limit)


def _object(body: object, *, required: set[str], optional: set[str], what: str) -> dict[str, object]:
    if not isinstance(body, dict):
        raise _invalid(f"{what} must be a JSON object")
    missing, unknown = sorted(required - set(body)), sorted(set(body) - required - optional)
    if missing:
        raise _invalid(f"missing: {', '.join(missing)}")
    if unknown:
        raise _invalid(f"unknown fields: {', '.join(unknown)}")
    return body


def _text(fields: Mapping[str, object], name: str, limit: int, *, required: bool = True) -> str:
    value = fields.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value.strip()) > limit:
        needed = "a non-empty string" if required else "a string"
        raise _invalid(f"{name} must be {needed} of at most {limit} characters")
    return value.strip()


def _boolean(fields: Mapping[str, object], name: str) -> bool:
    value = fields[name]
    if not isinstance(value, bool):
        raise _invalid(f"{name} must be true or false")
    return value


def _reporter(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != {"name", "contact"}:
        raise _invalid("reporter must be null or an object with exactly name and contact")
    try:
        return {name: _text(value, name, MAX_REPORTER_FIELD) for name in ("name", "contact")}
    except Refusal as refusal:
        raise _invalid(f"reporter.{refusal.message}") from None


def _date(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _invalid("occurred_on must be a date YYYY-MM-DD or null")


def _note(fields: Mapping[str, object]) -> str | None:
    return _text(fields, "note", MAX_NOTE) if fields.get("note") is not None else None


def _invalid(message: str) -> Refusal:
    return Refusal(422, "invalid_body", message)
