"""A forwarded application as it arrives: the Standard Webhooks signature first, then
the payload.

Nothing about the body is trusted before the signature checks out: an unsigned,
mis-signed or stale delivery is a 401 whatever it contains. A signed but unusable
payload is a 400 (not JSON) or 422 (not an application.forwarded event we can act on),
so the platform stops retrying it; so is one whose form lacks what the agency profile
requires (422 missing_fields, naming the fields) or carries a value it cannot take.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx
from standardwebhooks import Webhook, WebhookVerificationError

from ..web import Refusal
from .profiles import Profile
from .store import NewCase

EVENT_TYPE = "application.forwarded"
MAX_BODY_BYTES = 1024 * 1024  # attachments travel as links, so a payload is a few kB
MAX_WEBHOOK_ID_LENGTH = 255
MAX_TRACKING_NUMBER_LENGTH = 64
_SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def verify(webhook: Webhook, body: bytes, headers: Mapping[str, str]) -> str:
    """The verified body as text; Refusal 401 unless the signature and timestamp (±5 min) hold."""
    signed = {name: headers.get(name, "") for name in _SIGNATURE_HEADERS}
    missing = [name for name, value in signed.items() if not value]
    if missing:
        raise Refusal(401, "missing_signature", f"send the Standard Webhooks headers; missing: {', '.join(missing)}")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "invalid_json", "the body must be UTF-8 JSON") from None
    try:
        webhook.verify(text, signed, json_parse=False)
    except WebhookVerificationError as exc:
        raise Refusal(401, "invalid_signature", f"webhook verification failed: {exc}") from None
    except ValueError:  # the library cannot parse a malformed webhook-signature header
        raise Refusal(401, "invalid_signature", "malformed webhook-signature header") from None
    return text


def parse(webhook_id: str, text: str) -> NewCase:
    """The case to store from a verified body; Refusal 400/422 naming what is wrong."""
    try:
        payload = json.loads(text)
    except ValueError:
        raise Refusal(400, "invalid_json", "the body is not valid JSON") from None
    if len(webhook_id) > MAX_WEBHOOK_ID_LENGTH:
        raise _invalid(f"webhook-id is longer than {MAX_WEBHOOK_ID_LENGTH} characters")
    if not isinstance(payload, dict):
        raise _invalid("the body must be a JSON object with type, timestamp and data")
    if payload.get("type") != EVENT_TYPE:
        raise Refusal(422, "unsupported_event", f"type must be {EVENT_TYPE!r}, got {payload.get('type')!r}")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise _invalid("data must be an object")
    tracking_number = data.get("tracking_number")
    if not isinstance(tracking_number, str) or not 0 < len(tracking_number.strip()) <= MAX_TRACKING_NUMBER_LENGTH:
        raise _invalid(f"data.tracking_number must be a non-empty string of at most {MAX_TRACKING_NUMBER_LENGTH}")
    for name in ("service", "form", "applicant", "beneficiary"):
        if name in data and not isinstance(data[name], dict):
            raise _invalid(f"data.{name} must be an object")
    if "attachments" in data and not isinstance(data["attachments"], list):
        raise _invalid("data.attachments must be a list")
    callback = data.get("callback")
    if not isinstance(callback, dict):
        raise _invalid("data.callback must be an object with status_url and token_url")
    return NewCase(
        webhook_id=webhook_id,
        tracking_number=tracking_number.strip(),
        application=data,
        status_url=_url(callback.get("status_url"), "data.callback.status_url"),
        token_url=_url(callback.get("token_url"), "data.callback.token_url"),
    )


class MissingFields(Exception):
    """The form lacks fields the profile requires: 422 missing_fields, naming them."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"the form lacks required field(s): {', '.join(fields)}")
        self.fields = fields


def check_form(profile: Profile, data: Mapping[str, object]) -> None:
    """The form carries what the profile requires (MissingFields), each value as its field
    wants it (Refusal 422 invalid_payload). Nothing is stored before this holds."""
    form = data.get("form")
    form = form if isinstance(form, Mapping) else {}
    missing = profile.missing_fields(form)
    if missing:
        raise MissingFields(missing)
    problem = profile.invalid_field(form, data.get("attachments"))
    if problem:
        raise _invalid(problem)


def _url(value: object, name: str) -> str:
    """An absolute http(s) URL that httpx (the worker's client) accepts as it is."""
    if isinstance(value, str):
        try:
            url = httpx.URL(value)
        except httpx.InvalidURL:
            url = None
        if url is not None and url.scheme in ("http", "https") and url.host:
            return value
    raise _invalid(f"{name} must be an http(s) URL")


def _invalid(message: str) -> Refusal:
    return Refusal(422, "invalid_payload", message)
