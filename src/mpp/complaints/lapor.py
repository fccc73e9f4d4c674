"""HTTP client for SP4N-LAPOR!, the national complaint channel — the real one or its simulator.

The platform knows it only by URL and API key (settings LAPOR_URL, LAPOR_API_KEY, sent as
``X-Api-Key``); every call has a timeout (LAPOR_TIMEOUT_SECONDS).

**Filing.** ``file_report`` sends one complaint under an Idempotency-Key of the caller's (the
complaint's id). The same key with the same report answers the report filed before, never a
second one, so retrying after a timeout or a lost answer is safe; the same key with another
report is refused.

**Updates.** Every change at LAPOR! (a status change, a disposition, a report filed at LAPOR!
itself) is an ``Update`` with a unique ``id`` and a ``seq`` that only grows. Updates arrive two
ways, and either may repeat one: as callbacks (Standard Webhooks: ``webhook-id`` is the update's
id, signed with LAPOR_WEBHOOK_SECRET), checked by ``verify_callback``; and by polling,
``updates_after(seq)``. The caller applies each once, by its id.

**Errors.** ``LaporUnavailable``: try again later (not configured, network error, timeout,
408, 429, 5xx, or an answer that breaks this contract). ``LaporRefused``: LAPOR! said no (any
other 4xx); the same call will be refused again. ``InvalidCallback``: a callback whose
signature or body does not check out.
"""

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from mpp.core import http

__all__ = [
    "CATEGORIES",
    "STATUSES",
    "STATUS_LABELS",
    "UPDATE_TYPES",
    "Filed",
    "InvalidCallback",
    "LaporRefused",
    "LaporUnavailable",
    "Update",
    "file_report",
    "updates_after",
    "verify_callback",
]

#: LAPOR!'s statuses, in the order a report goes through them.
STATUSES = ("received", "verified", "dispositioned", "in_followup", "completed", "archived")
#: LAPOR!'s own names for them.
STATUS_LABELS = {
    "received": _("Belum terverifikasi"),
    "verified": _("Terverifikasi"),
    "dispositioned": _("Terdisposisi"),
    "in_followup": _("Ditindaklanjuti"),
    "completed": _("Selesai"),
    "archived": _("Diarsipkan"),
}
#: The categories LAPOR! files a report under.
CATEGORIES = ("service_delay", "officer_conduct", "illegal_fees", "facilities", "information", "other")
UPDATE_TYPES = ("report.created", "report.status_changed", "report.disposition")
_RETRIED = frozenset({408, 429})
_REPORT_TEXTS = ("title", "content", "category", "region_code", "agency")


class LaporUnavailable(Exception):
    """Worth retrying later: LAPOR! is not configured, did not answer, answered 408, 429 or 5xx,
    or answered something this contract does not allow."""


class LaporRefused(Exception):
    """Not worth retrying: LAPOR! refused the call (a 4xx other than 408 and 429). ``code`` and
    ``message`` are LAPOR!'s (e.g. invalid_body, "title must be …"; idempotency_key_reused)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"HTTP {status} {code}: {message}".strip())
        self.status, self.code, self.message = status, code, message


class InvalidCallback(Exception):
    """A callback that is not LAPOR!'s: missing, stale or wrong signature, or a body that is not an update."""


@dataclass(frozen=True)
class Filed:
    lapor_id: str
    status: str


@dataclass(frozen=True)
class Update:
    """One change at LAPOR!. ``reference`` is our tracking number (None for a report filed at
    LAPOR! itself); ``agency`` the agency the report is with; ``report`` the report as filed,
    for ``report.created`` only."""

    id: str
    seq: int
    type: str
    lapor_id: str
    reference: str | None
    status: str
    note: str
    agency: str
    at: datetime
    report: dict | None = None

    @classmethod
    def from_json(cls, data: object) -> "Update":
        """The update in LAPOR!'s JSON; ValueError naming what is malformed."""
        if not isinstance(data, Mapping):
            raise ValueError("an update must be a JSON object")
        seq = data.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise ValueError("seq must be a positive whole number")
        kind, status = data.get("type"), data.get("status")
        if kind not in UPDATE_TYPES:
            raise ValueError(f"type must be one of {', '.join(UPDATE_TYPES)}")
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        reference = data.get("reference")
        if reference is not None and not isinstance(reference, str):
            raise ValueError("reference must be a string or null")
        report = data.get("report")
        if kind == "report.created":
            _check_report(report)
        elif report is not None:
            raise ValueError(f"a {kind} update carries no report")
        return cls(
            id=_uuid(data.get("id")),
            seq=seq,
            type=kind,
            lapor_id=_text(data, "lapor_id", required=True),
            reference=reference,
            status=status,
            note=_text(data, "note"),
            agency=_text(data, "agency"),
            at=_moment(data.get("at")),
            report=dict(report) if report is not None else None,
        )


# -- the calls -----------------------------------------------------------------------------------


def file_report(
    *,
    key: str,
    reference: str,
    title: str,
    content: str,
    category: str,
    region_code: str,
    agency: str,
    anonymous: bool,
    confidential: bool,
    reporter: dict | None,
    attachments: int,
    occurred_on: date | None,
) -> Filed:
    """File a complaint at LAPOR! under the Idempotency-Key ``key``; the report LAPOR! holds for it.

    ``reporter`` ({"name", "contact"}) must be None for an anonymous complaint. Filing again with
    the same key and report returns the same report. Raises LaporRefused (invalid_body naming the
    field, idempotency_key_reused, unauthorized …) or LaporUnavailable.
    """
    body = {
        "reference": reference,
        "title": title,
        "content": content,
        "category": category,
        "region_code": region_code,
        "agency": agency,
        "anonymous": anonymous,
        "confidential": confidential,
        "reporter": reporter,
        "attachments": attachments,
        "occurred_on": occurred_on.isoformat() if occurred_on else None,
    }
    answer = _call("POST", "/api/v1/reports", json=body, headers={"Idempotency-Key": key})
    lapor_id, status = answer.get("lapor_id"), answer.get("status")
    if not isinstance(lapor_id, str) or not lapor_id or status not in STATUSES:
        raise LaporUnavailable("LAPOR! answered the filing without a lapor_id and status")
    return Filed(lapor_id=lapor_id, status=status)


def updates_after(seq: int, *, limit: int = 200) -> tuple[list[Update], int]:
    """The updates after ``seq`` (0 at first), oldest first, at most ``limit``; and the seq to ask
    after next time (``seq`` itself when there is nothing new). Raises LaporUnavailable, LaporRefused."""
    answer = _call("GET", "/api/v1/updates", params={"after": seq, "limit": limit})
    items, last = answer.get("updates"), answer.get("last")
    try:
        if not isinstance(items, list) or isinstance(last, bool) or not isinstance(last, int) or last < seq:
            raise ValueError("expected {updates: [...], last: <seq>}")
        return [Update.from_json(item) for item in items], last
    except ValueError as malformed:
        raise LaporUnavailable(f"LAPOR! answered a malformed page of updates: {malformed}") from malformed


def verify_callback(body: bytes, headers: Mapping[str, str]) -> Update:
    """The update a callback carries, once its Standard Webhooks signature checks out against
    LAPOR_WEBHOOK_SECRET (and its timestamp is within five minutes).

    Raises InvalidCallback for a bad signature or body; ImproperlyConfigured without a usable
    secret (a server error, so LAPOR! tries again once we are configured).
    """
    webhook = _webhook(settings.LAPOR_WEBHOOK_SECRET)
    signed = {name.lower(): value for name, value in headers.items()}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as bad:
        raise InvalidCallback("the body is not UTF-8") from bad
    try:
        webhook.verify(text, signed, json_parse=False)
    except (WebhookVerificationError, ValueError) as bad:  # ValueError: a malformed webhook-signature header
        raise InvalidCallback(f"signature does not check out: {bad}") from bad
    try:
        payload = json.loads(text)
        if not isinstance(payload, dict):
            raise ValueError("the body must be {type, timestamp, data}")
        update = Update.from_json(payload.get("data"))
    except ValueError as bad:
        raise InvalidCallback(f"not an update: {bad}") from bad
    if payload.get("type") != update.type or signed.get("webhook-id") != update.id:
        raise InvalidCallback("the body's type and webhook-id must be the update's")
    return update


# -- plumbing ------------------------------------------------------------------------------------


def _call(method: str, path: str, *, headers: Mapping[str, str] | None = None, **kwargs) -> dict:
    if not settings.LAPOR_URL or not settings.LAPOR_API_KEY:
        raise LaporUnavailable("LAPOR_URL / LAPOR_API_KEY are not configured")
    try:
        response = http.client().request(
            method,
            f"{settings.LAPOR_URL.rstrip('/')}{path}",
            headers={**(headers or {}), "X-Api-Key": settings.LAPOR_API_KEY},
            timeout=settings.LAPOR_TIMEOUT_SECONDS,
            **kwargs,
        )
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise LaporUnavailable(f"{type(error).__name__}: {error}") from error
    code = response.status_code
    if code in _RETRIED or code >= 500:
        raise LaporUnavailable(f"HTTP {code}")
    answer = _json(response)
    if not 200 <= code < 300:  # another 4xx, or a redirect: an answer, and the same call gets it again
        raise LaporRefused(code, str(answer.get("error", "")), str(answer.get("message", response.text[:300])))
    if not answer:
        raise LaporUnavailable(f"HTTP {code} without a JSON object")
    return answer


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _webhook(secret: str) -> Webhook:
    if not secret:
        raise ImproperlyConfigured("LAPOR_WEBHOOK_SECRET is not set: LAPOR!'s callbacks cannot be verified")
    try:
        return Webhook(secret)
    except Exception as bad:  # binascii.Error, EmptyWebhookSecretError
        raise ImproperlyConfigured(f"LAPOR_WEBHOOK_SECRET is not whsec_<base64>: {bad}") from bad


def _text(data: Mapping, name: str, *, required: bool = False, within: str = "") -> str:
    value = data.get(name)
    if not isinstance(value, str) or (required and not value):
        raise ValueError(f"{within}{name} must be a {'non-empty ' if required else ''}string")
    return value


def _uuid(value: object) -> str:
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise ValueError("id must be a UUID")


def _moment(value: object) -> datetime:
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ValueError("at must be an ISO 8601 time with its offset")
    return at


def _check_report(report: object) -> None:
    if not isinstance(report, Mapping):
        raise ValueError("a report.created update carries the report")
    for name in _REPORT_TEXTS:
        _text(report, name, required=name != "agency", within="report.")
    if not all(isinstance(report.get(name), bool) for name in ("anonymous", "confidential")):
        raise ValueError("report.anonymous and report.confidential must be true or false")
    reporter = report.get("reporter")
    if reporter is not None and not isinstance(reporter, Mapping):
        raise ValueError("report.reporter must be an object or null")
