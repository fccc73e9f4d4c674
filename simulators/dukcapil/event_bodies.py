"""What a civil-registration event must carry: the Idempotency-Key header and the JSON bodies
of births, deaths, moves and marriages, read into requests the registry can act on.

Every problem of a body is found at once and raised as one InvalidInput("invalid_event")
whose `errors` maps each bad field (nested ones as "child.name", "to.rt") to what is wrong.
Text is stored as the registry stores it: upper case, single spaces.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date

from .population import FEMALE, MALE
from .schemas import InvalidInput

MAX_IDEMPOTENCY_KEY_CHARS = 200
MAX_NAME_CHARS = 100
MAX_STREET_CHARS = 200
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")
_DIGITS16 = re.compile(r"[0-9]{16}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RT_RW = re.compile(r"[0-9]{1,3}")
_VILLAGE_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")
_NAME_MARKS = frozenset(" .,'-")

BIRTH_FIELDS = ("mother_nik", "father_nik", "kk_number", "child")
CHILD_FIELDS = ("name", "sex", "birth_place", "birth_date")
DEATH_FIELDS = ("nik", "death_date", "death_place")
MOVE_FIELDS = ("kk_number", "niks", "to")
ADDRESS_FIELDS = ("village_code", "street", "rt", "rw")
MARRIAGE_FIELDS = ("husband_nik", "wife_nik", "marriage_date")


class IdempotencyKeyError(ValueError):
    """The header is missing (`code` missing_idempotency_key) or malformed (invalid_idempotency_key)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Child:
    name: str
    sex: str
    birth_place: str
    birth_date: date


@dataclass(frozen=True, slots=True)
class Birth:
    mother_nik: str
    father_nik: str | None
    kk_number: str
    child: Child


@dataclass(frozen=True, slots=True)
class Death:
    nik: str
    death_date: date
    death_place: str


@dataclass(frozen=True, slots=True)
class Address:
    village_code: str
    street: str
    rt: str
    rw: str


@dataclass(frozen=True, slots=True)
class Move:
    kk_number: str
    niks: tuple[str, ...] | None  # None: the whole family
    to: Address


@dataclass(frozen=True, slots=True)
class Marriage:
    husband_nik: str
    wife_nik: str
    marriage_date: date


EventRequest = Birth | Death | Move | Marriage


def parse_idempotency_key(value: str | None) -> str:
    """The Idempotency-Key header's value; IdempotencyKeyError when missing or malformed."""
    if not value:
        raise IdempotencyKeyError(
            "missing_idempotency_key", "send an Idempotency-Key header: the same key on every retry of one event"
        )
    if len(value) > MAX_IDEMPOTENCY_KEY_CHARS or not _PRINTABLE_ASCII.fullmatch(value):
        raise IdempotencyKeyError(
            "invalid_idempotency_key",
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} printable ASCII characters",
        )
    return value


def fingerprint(kind: str, request: EventRequest) -> str:
    """SHA-256 of the event as the registry reads it: bodies that mean the same are one request
    (key order, spacing, letter case of names, an omitted or null father_nik)."""
    canonical = json.dumps({"kind": kind, "request": asdict(request)}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- bodies --------------------------------------------------------------------------


def parse_birth(body: object, *, today: date) -> Birth:
    """A birth; InvalidInput naming every bad field. The birth date may not be after `today`."""
    fields = _object(body, BIRTH_FIELDS)
    errors = _unknown(fields, BIRTH_FIELDS)
    mother_nik = _number(fields, "mother_nik", errors)
    father_nik = _number(fields, "father_nik", errors, optional=True)
    kk_number = _number(fields, "kk_number", errors)
    raw_child = fields.get("child")
    child = None
    if not isinstance(raw_child, dict):
        errors["child"] = "required: an object with " + ", ".join(CHILD_FIELDS)
    else:
        errors |= _unknown(raw_child, CHILD_FIELDS, prefix="child.")
        name = _name(raw_child, "name", errors, prefix="child.")
        sex = raw_child.get("sex")
        if sex not in (MALE, FEMALE):
            errors["child.sex"] = f'required: "{MALE}" or "{FEMALE}"'
        birth_place = _name(raw_child, "birth_place", errors, prefix="child.")
        birth_date = _date(raw_child, "birth_date", errors, prefix="child.", today=today)
        if name and birth_place and birth_date and sex in (MALE, FEMALE):
            child = Child(name=name, sex=str(sex), birth_place=birth_place, birth_date=birth_date)
    _raise(errors, "birth")
    assert mother_nik and kk_number and child  # every field checked above
    return Birth(mother_nik=mother_nik, father_nik=father_nik, kk_number=kk_number, child=child)


def parse_death(body: object, *, today: date) -> Death:
    fields = _object(body, DEATH_FIELDS)
    errors = _unknown(fields, DEATH_FIELDS)
    nik = _number(fields, "nik", errors)
    death_date = _date(fields, "death_date", errors, today=today)
    death_place = _name(fields, "death_place", errors)
    _raise(errors, "death")
    assert nik and death_date and death_place
    return Death(nik=nik, death_date=death_date, death_place=death_place)


def parse_move(body: object) -> Move:
    fields = _object(body, MOVE_FIELDS)
    errors = _unknown(fields, MOVE_FIELDS)
    kk_number = _number(fields, "kk_number", errors)
    niks = _niks(fields.get("niks"), errors)
    raw_to = fields.get("to")
    to = None
    if not isinstance(raw_to, dict):
        errors["to"] = "required: an object with " + ", ".join(ADDRESS_FIELDS)
    else:
        errors |= _unknown(raw_to, ADDRESS_FIELDS, prefix="to.")
        village_code = raw_to.get("village_code")
        if not isinstance(village_code, str) or not _VILLAGE_CODE.fullmatch(village_code):
            errors["to.village_code"] = "required: the Kemendagri code of a desa/kelurahan, e.g. 64.72.03.1004"
        street = _text(raw_to.get("street"))
        if not street or len(street) > MAX_STREET_CHARS:
            errors["to.street"] = f"required: 1 to {MAX_STREET_CHARS} printable characters"
        rt, rw = _rt_rw(raw_to, "rt", errors), _rt_rw(raw_to, "rw", errors)
        if "to.village_code" not in errors and street and rt and rw:
            to = Address(village_code=str(village_code), street=street, rt=rt, rw=rw)
    _raise(errors, "move")
    assert kk_number and to
    return Move(kk_number=kk_number, niks=niks, to=to)


def parse_marriage(body: object, *, today: date) -> Marriage:
    fields = _object(body, MARRIAGE_FIELDS)
    errors = _unknown(fields, MARRIAGE_FIELDS)
    husband_nik = _number(fields, "husband_nik", errors)
    wife_nik = _number(fields, "wife_nik", errors)
    marriage_date = _date(fields, "marriage_date", errors, today=today)
    if husband_nik and husband_nik == wife_nik:
        errors["wife_nik"] = "the same person as husband_nik"
    _raise(errors, "marriage")
    assert husband_nik and wife_nik and marriage_date
    return Marriage(husband_nik=husband_nik, wife_nik=wife_nik, marriage_date=marriage_date)


# --- fields --------------------------------------------------------------------------


def _object(body: object, fields: tuple[str, ...]) -> dict[str, object]:
    if not isinstance(body, dict):
        raise InvalidInput(
            "invalid_body", "send a JSON object", {"body": "must be a JSON object with " + ", ".join(fields)}
        )
    return body


def _unknown(fields: dict[str, object], known: tuple[str, ...], *, prefix: str = "") -> dict[str, str]:
    return {f"{prefix}{name}": "unknown field" for name in fields if name not in known}


def _raise(errors: dict[str, str], what: str) -> None:
    if errors:
        problems = "; ".join(f"{field}: {problem}" for field, problem in errors.items())
        raise InvalidInput("invalid_event", f"the {what} was not registered: {problems}", errors)


def _number(fields: dict[str, object], name: str, errors: dict[str, str], *, optional: bool = False) -> str | None:
    """A NIK or KK number: 16 digits as a string (or, when optional, null or left out)."""
    value = fields.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not _DIGITS16.fullmatch(value):
        errors[name] = "a string of 16 digits" + (", or null" if optional else "")
        return None
    return value


def _niks(value: object, errors: dict[str, str]) -> tuple[str, ...] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(nik, str) and _DIGITS16.fullmatch(nik) for nik in value)
    ):
        errors["niks"] = "a non-empty list of NIKs (strings of 16 digits), or left out for the whole family"
        return None
    if len(set(value)) != len(value):
        errors["niks"] = "a NIK is listed twice"
        return None
    return tuple(value)


def _text(value: object) -> str | None:
    """Upper case with single spaces, as the registry stores text; None unless printable and non-empty."""
    if not isinstance(value, str) or not value.isprintable():
        return None
    return " ".join(value.split()).upper() or None


def _name(fields: dict[str, object], name: str, errors: dict[str, str], *, prefix: str = "") -> str | None:
    """A person's or a place's name: letters, spaces and . , ' - only, at most MAX_NAME_CHARS."""
    text = _text(fields.get(name))
    if (
        text is None
        or len(text) > MAX_NAME_CHARS
        or not any(c.isalpha() for c in text)
        or not all(c.isalpha() or c in _NAME_MARKS for c in text)
    ):
        errors[prefix + name] = f"required: 1 to {MAX_NAME_CHARS} letters, spaces and . , ' -"
        return None
    return text


def _date(
    fields: dict[str, object], name: str, errors: dict[str, str], *, today: date, prefix: str = ""
) -> date | None:
    value = fields.get(name)
    try:
        parsed = date.fromisoformat(value) if isinstance(value, str) and _ISO_DATE.fullmatch(value) else None
    except ValueError:
        parsed = None
    if parsed is None:
        errors[prefix + name] = "required: a date YYYY-MM-DD"
    elif parsed > today:
        errors[prefix + name] = f"in the future (today is {today.isoformat()} in Jakarta)"
        return None
    return parsed


def _rt_rw(fields: dict[str, object], name: str, errors: dict[str, str]) -> str | None:
    """RT or RW as the KK prints it: three digits ("7" -> "007"), not zero."""
    value = fields.get(name)
    if not isinstance(value, str) or not _RT_RW.fullmatch(value) or int(value) == 0:
        errors[f"to.{name}"] = "required: 1 to 3 digits as a string, not zero"
        return None
    return f"{int(value):03d}"
