"""What a sender may send: the message body (422 naming every bad field) and the
Idempotency-Key header (400).

The checks are strict on purpose: the gateway stands in for an aggregator in tests and the
demo, so a sender bug (a local number, an overlong SMS, a stray field) should show here
rather than in production.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from . import sms

CHANNELS = ("sms", "whatsapp")
MAX_WHATSAPP_CHARS = 4096
MAX_REFERENCE_CHARS = 100
MAX_IDEMPOTENCY_KEY_CHARS = 200
# +62 (Indonesia), then a mobile number: 8 and 8 to 11 more digits.
_MOBILE = re.compile(r"\+628[0-9]{8,11}")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")
_FIELDS = ("channel", "to", "text", "reference")


class InvalidMessage(Exception):
    """The body breaks the rules; `errors` maps each bad field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"invalid message: {', '.join(errors)}")
        self.errors = errors


@dataclass(frozen=True, slots=True)
class MessageRequest:
    channel: str
    to: str
    text: str
    reference: str | None

    @property
    def segments(self) -> int:
        return sms.segments(self.text) if self.channel == "sms" else 1

    def fingerprint(self) -> str:
        """Identifies the request, so a reused Idempotency-Key with another body is caught."""
        canonical = json.dumps([self.channel, self.to, self.text, self.reference], ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def parse_idempotency_key(value: str | None) -> str:
    """The header's value; ValueError saying what is wrong."""
    if not value:
        raise ValueError("send an Idempotency-Key header: the same key on every retry of one message")
    if len(value) > MAX_IDEMPOTENCY_KEY_CHARS or not _PRINTABLE_ASCII.fullmatch(value):
        raise ValueError(f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} printable ASCII characters")
    return value


def parse_message(body: object) -> MessageRequest:
    """The validated request; InvalidMessage listing every problem at once."""
    if not isinstance(body, dict):
        raise InvalidMessage({"body": "must be a JSON object with channel, to, text and optionally reference"})
    errors = {name: "unknown field" for name in body if name not in _FIELDS}
    channel, to, text, reference = (body.get(name) for name in _FIELDS)
    if channel not in CHANNELS:
        errors["channel"] = "required" if channel is None else 'must be "sms" or "whatsapp"'
    if not isinstance(to, str) or not _MOBILE.fullmatch(to):
        errors["to"] = (
            "required" if to is None else "must be an Indonesian mobile number in E.164: +628 and 8 to 11 digits"
        )
    text_error = _text_error(text, channel)
    if text_error:
        errors["text"] = text_error
    if reference is not None and not (
        isinstance(reference, str) and 0 < len(reference) <= MAX_REFERENCE_CHARS and _is_unicode(reference)
    ):
        errors["reference"] = f"must be a string of 1 to {MAX_REFERENCE_CHARS} characters (or left out)"
    if errors:
        raise InvalidMessage(errors)
    return MessageRequest(channel=channel, to=to, text=text, reference=reference)  # type: ignore[arg-type]


def _text_error(text: object, channel: object) -> str | None:
    if text is None:
        return "required"
    if not isinstance(text, str):
        return "must be a string"
    if not _is_unicode(text):
        return "must be valid Unicode (a lone surrogate such as \\ud800 is not)"
    if not text.strip():
        return "must not be empty"
    if channel == "whatsapp" and len(text) > MAX_WHATSAPP_CHARS:
        return f"at most {MAX_WHATSAPP_CHARS} characters for whatsapp, got {len(text)}"
    if channel == "sms" and sms.length(text) > sms.max_length(text):
        return _sms_too_long(text)
    return None


def _sms_too_long(text: str) -> str:
    limit, got = sms.max_length(text), sms.length(text)
    if sms.encoding(text) == "GSM-7":
        return (
            f"at most {limit} GSM-7 characters for sms ({sms.MAX_SEGMENTS} segments;"
            f" each of ^{{}}\\[~]|€ counts twice), got {got}"
        )
    other = next(c for c in text if c not in sms.GSM7_BASIC and c not in sms.GSM7_EXTENSION)
    return (
        f"at most {limit} characters for sms ({sms.MAX_SEGMENTS} segments of UCS-2, since {other!r}"
        f" is outside GSM-7; an emoji counts twice), got {got}"
    )


def _is_unicode(value: str) -> bool:
    """False for a string with lone surrogates (JSON allows "\\ud800"), which SQLite cannot store."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True
