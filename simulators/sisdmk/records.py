"""What the API answers: a worker, an STR, a practice place, as JSON-ready dicts.

An STR's status is decided when it is read, from the council's decision (`state`) and the
expiry date against today, so a dated STR turns `tidak aktif` the day after it expires
without anything being rewritten:

| state        | expires_on        | status        | status_reason      |
|--------------|-------------------|---------------|--------------------|
| aktif        | none or not past  | aktif         | null               |
| aktif        | past              | tidak aktif   | habis_masa_berlaku |
| ditangguhkan | any               | tidak aktif   | ditangguhkan       |
| diganti      | any               | tidak aktif   | diganti            |
| dicabut      | any               | dicabut       | dicabut            |
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from .professions import ISSUERS, PROFESSIONS


def profession_view(code: str) -> dict[str, str]:
    profession = PROFESSIONS[code]
    return {"code": profession.code, "label": profession.label}


def str_status(row: sqlite3.Row, today: date) -> tuple[str, str | None, str | None]:
    """(status, reason, since) of an STR on `today`; see the module's table."""
    state, expires = row["state"], row["expires_on"]
    if state == "dicabut":
        return "dicabut", "dicabut", row["state_since"]
    if state in ("ditangguhkan", "diganti"):
        return "tidak aktif", state, row["state_since"]
    if expires is not None and date.fromisoformat(expires) < today:
        return "tidak aktif", "habis_masa_berlaku", (date.fromisoformat(expires) + timedelta(days=1)).isoformat()
    return "aktif", None, None


def is_valid(row: sqlite3.Row, today: date) -> bool:
    return str_status(row, today)[0] == "aktif"


def str_view(row: sqlite3.Row, today: date) -> dict[str, object]:
    status, reason, since = str_status(row, today)
    issuer = PROFESSIONS[row["profession"]].issuer
    return {
        "number": row["number"],
        "nik": row["nik"],
        "name": row["name"],
        "profession": profession_view(row["profession"]),
        "issuer": {"code": issuer, "name": ISSUERS[issuer]},
        "issued_on": row["issued_on"],
        "expires_on": row["expires_on"],
        "lifelong": row["expires_on"] is None,
        "status": status,
        "status_reason": reason,
        "status_since": since,
        "is_valid": status == "aktif",
    }


def place_view(row: sqlite3.Row) -> dict[str, object]:
    return {
        "sip_number": row["sip_number"],
        "nik": row["nik"],
        "str_number": row["str_number"],
        "facility": row["facility"],
        "facility_type": row["facility_type"],
        "region": {"code": row["region_code"], "name": row["region_name"]},
        "since": row["since"],
        "valid_until": row["valid_until"],
        "ended_on": row["ended_on"],
    }


def worker_view(
    worker: sqlite3.Row, registrations: list[sqlite3.Row], places: list[sqlite3.Row], today: date
) -> dict[str, object]:
    """The worker with every STR (newest first) and the practice places held today."""
    return {
        "nik": worker["nik"],
        "name": worker["name"],
        "profession": profession_view(worker["profession"]),
        "strs": [str_view(row, today) for row in registrations],
        "practice_places": [place_view(row) for row in places],
    }
