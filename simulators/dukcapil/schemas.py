"""Validation of what callers send; every failure is an InvalidInput answered with 422."""

from __future__ import annotations

import re
from datetime import date

from .records import VERIFY_ELEMENTS

_DIGITS16 = re.compile(r"[0-9]{16}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_ELEMENT_LENGTH = 200
CHALLENGES = ("blink", "turn_left", "turn_right")
MIN_FRAMES, MAX_FRAMES = 3, 8


class InvalidInput(Exception):
    """Answered 422 {"error": code, "message": message}, with "errors": {field: problem} when given."""

    def __init__(self, code: str, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors


def parse_nik(value: object) -> str:
    """16 ASCII digits; the registry decides whether it exists."""
    if not isinstance(value, str) or not _DIGITS16.fullmatch(value):
        raise InvalidInput("invalid_nik", "nik must be a string of 16 digits")
    return value


def parse_kk_number(value: object) -> str:
    if not isinstance(value, str) or not _DIGITS16.fullmatch(value):
        raise InvalidInput("invalid_kk_number", "kk_number must be a string of 16 digits")
    return value


def parse_verify_body(body: object) -> tuple[str, dict[str, str]]:
    """(nik, elements) from {"nik": ..., "elements": {...}}; any non-empty subset of VERIFY_ELEMENTS."""
    if not isinstance(body, dict):
        raise InvalidInput("invalid_body", "send a JSON object with nik and elements")
    nik = parse_nik(body.get("nik"))
    elements = body.get("elements")
    if not isinstance(elements, dict) or not elements:
        raise InvalidInput("invalid_elements", f"elements must be a non-empty object of {', '.join(VERIFY_ELEMENTS)}")
    unknown = sorted(set(elements) - set(VERIFY_ELEMENTS))
    if unknown:
        raise InvalidInput("invalid_elements", f"unknown elements: {', '.join(unknown)}")
    for name, value in elements.items():
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_ELEMENT_LENGTH:
            raise InvalidInput("invalid_elements", f"{name} must be a non-empty string of at most 200 characters")
    if "birth_date" in elements:
        _parse_date(elements["birth_date"])
    if "kk_number" in elements:
        parse_kk_number(elements["kk_number"].strip())
    return nik, dict(elements)


def _parse_date(value: str) -> date:
    if not _ISO_DATE.fullmatch(value.strip()):
        raise InvalidInput("invalid_elements", "birth_date must be YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("invalid_elements", "birth_date is not a real date") from None


def parse_challenge(value: object) -> str:
    if value not in CHALLENGES:
        raise InvalidInput("invalid_challenge", f"challenge must be one of {', '.join(CHALLENGES)}")
    return str(value)


def check_frame_count(count: int) -> None:
    if not MIN_FRAMES <= count <= MAX_FRAMES:
        raise InvalidInput(
            "invalid_frames", f"send {MIN_FRAMES} to {MAX_FRAMES} frames (files named 'frames'), got {count}"
        )
