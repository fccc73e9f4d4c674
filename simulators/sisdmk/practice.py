"""Registering and ending practice places: what the platform calls when it issues or revokes a SIP.

Registration is idempotent by SIP number: the same request again answers the place already
registered, another request with that number is a conflict. It runs in one BEGIN IMMEDIATE
transaction, so two simultaneous registrations can neither both take a doctor's third place
nor both store one SIP number.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date, datetime

from lokal import wilayah

from .. import sqlite_store
from ..web import Refusal
from . import records, store
from .professions import FACILITY_TYPES, PROFESSIONS

_DIGITS16 = re.compile(r"\d{16}")
_SIP_NUMBER = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?")  # printable ASCII, 1–100
FIELDS = ("nik", "str_number", "sip_number", "facility", "facility_type", "region_code", "since", "valid_until")


class InvalidPlace(Exception):
    """The body names bad fields: {field: problem}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in errors.items()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class NewPlace:
    nik: str
    str_number: str
    sip_number: str
    facility: str
    facility_type: str | None
    region_code: str
    region_name: str
    since: str | None  # None: from today
    valid_until: str

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def parse_place(body: object) -> NewPlace:
    """The registration request; InvalidPlace naming every bad field at once."""
    if not isinstance(body, dict):
        raise InvalidPlace({"body": "send a JSON object"})
    errors = {name: "unknown field" for name in body if name not in FIELDS}
    nik, str_number, sip_number = body.get("nik"), body.get("str_number"), body.get("sip_number")
    if not isinstance(nik, str) or not _DIGITS16.fullmatch(nik):
        errors["nik"] = "16 digits"
    if not isinstance(str_number, str) or not _DIGITS16.fullmatch(str_number):
        errors["str_number"] = "16 digits"
    if not isinstance(sip_number, str) or not _SIP_NUMBER.fullmatch(sip_number):
        errors["sip_number"] = "1 to 100 printable ASCII characters, not starting or ending with a space"
    facility = body.get("facility")
    if not isinstance(facility, str) or not 3 <= len(facility.strip()) <= 120:
        errors["facility"] = "the facility's name, 3 to 120 characters"
    facility_type = body.get("facility_type")
    if facility_type is not None and facility_type not in FACILITY_TYPES:
        errors["facility_type"] = f"one of {', '.join(FACILITY_TYPES)}, or null"
    region_code = body.get("region_code")
    region = wilayah.get_wilayah(region_code) if isinstance(region_code, str) else None
    if region is None or region.code != region_code or region.level != 2:
        errors["region_code"] = "the Kemendagri code of a kabupaten/kota, e.g. 64.72"
    since, valid_until = _date(body.get("since")), _date(body.get("valid_until"))
    if body.get("since") is not None and since is None:
        errors["since"] = "a date YYYY-MM-DD, or null for today"
    if valid_until is None:
        errors["valid_until"] = "a date YYYY-MM-DD"
    elif since is not None and valid_until < since:
        errors["valid_until"] = "not before `since`"
    if errors:
        raise InvalidPlace(errors)
    return NewPlace(
        nik=nik,
        str_number=str_number,
        sip_number=sip_number,
        facility=facility.strip(),
        facility_type=facility_type,
        region_code=region_code,
        region_name=region.name,
        since=body.get("since"),
        valid_until=body["valid_until"],
    )


def register(conn: sqlite3.Connection, place: NewPlace, *, client_id: int, today: date) -> tuple[sqlite3.Row, bool]:
    """Store the place unless its SIP number is known; returns (the row, whether it is new).

    Raises InvalidPlace (unknown worker, an STR not theirs, a validity past a dated STR's),
    Refusal 409 for a SIP number already used for another place or ended, an STR that is not
    valid today, or a doctor's or dentist's limit of current places reached.
    """
    with sqlite_store.transaction(conn):
        return _register(conn, place, client_id=client_id, today=today)


def _register(conn: sqlite3.Connection, place: NewPlace, *, client_id: int, today: date) -> tuple[sqlite3.Row, bool]:
    existing = store.practice_place(conn, place.sip_number)
    if existing is not None:
        if existing["ended_on"] is not None:
            raise Refusal(409, "practice_place_ended", f"SIP {place.sip_number} ended on {existing['ended_on']}")
        if existing["fingerprint"] != place.fingerprint():
            raise Refusal(409, "sip_number_reused", "this SIP number is registered for another practice place")
        return existing, False
    if store.worker(conn, place.nik) is None:
        raise InvalidPlace({"nik": "no health worker with this NIK"})
    registration = store.registration(conn, place.str_number)
    if registration is None or registration["nik"] != place.nik:
        raise InvalidPlace({"str_number": "not an STR of this health worker"})
    status, reason, _ = records.str_status(registration, today)
    if status != "aktif":
        raise Refusal(409, "str_not_valid", f"STR {place.str_number} is {status} ({reason})")
    if registration["expires_on"] is not None and place.valid_until > registration["expires_on"]:
        raise InvalidPlace({"valid_until": f"after the STR expires ({registration['expires_on']})"})
    limit = PROFESSIONS[registration["profession"]].max_practice_places
    held = store.current_practice_places(conn, place.nik, today.isoformat())
    if limit is not None and len(held) >= limit:
        raise Refusal(409, "practice_limit_reached", f"the worker already holds {len(held)} practice places")
    store.insert_practice_places(
        conn,
        [
            (
                place.sip_number,
                place.nik,
                place.str_number,
                place.facility,
                place.facility_type,
                place.region_code,
                place.region_name,
                place.since or today.isoformat(),
                place.valid_until,
                None,
                client_id,
                place.fingerprint(),
                datetime.now().astimezone().isoformat(),
            )
        ],
    )
    return store.practice_place(conn, place.sip_number), True
