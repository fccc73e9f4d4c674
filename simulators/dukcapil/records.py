"""Registry records as an institution may see them, and element verification.

One rule everywhere: a field outside the institution's agreement is left out and
named in "withheld" (identifiers included: an agreement without `nik` gets no NIKs).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

PERSON_FIELDS = (
    "nik",
    "kk_number",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "religion",
    "marital_status",
    "occupation",
    "blood_type",
    "nationality",
    "address",
    "relationship",
    "father_name",
    "mother_name",
    "is_deceased",
    "death_date",
)
# A family lists its KK number and address once, not per member.
MEMBER_FIELDS = tuple(f for f in PERSON_FIELDS if f not in ("kk_number", "address"))
VERIFY_ELEMENTS = ("name", "birth_date", "birth_place", "mother_name", "kk_number")
_TEXT_ELEMENTS = frozenset({"name", "birth_place", "mother_name"})


def address(row: Mapping[str, object]) -> dict[str, object]:
    return {
        "street": row["street"],
        "rt": row["rt"],
        "rw": row["rw"],
        "village_code": row["village_code"],
        "village_name": row["village_name"],
        "district_code": row["district_code"],
        "district_name": row["district_name"],
        "regency_code": row["regency_code"],
        "regency_name": row["regency_name"],
        "province_code": row["province_code"],
        "province_name": row["province_name"],
        "postal_code": row["postal_code"],
    }


def _value(row: sqlite3.Row, field: str) -> object:
    if field == "address":
        return address(row)
    if field == "is_deceased":
        return bool(row["is_deceased"])
    return row[field]


def person_view(row: sqlite3.Row, allowed: frozenset[str]) -> dict[str, object]:
    """The person (as returned by store.get_person) within the agreement."""
    view: dict[str, object] = {f: _value(row, f) for f in PERSON_FIELDS if f in allowed}
    view["withheld"] = [f for f in PERSON_FIELDS if f not in allowed]
    return view


def family_view(family: sqlite3.Row, members: list[sqlite3.Row], allowed: frozenset[str]) -> dict[str, object]:
    """The KK with its members within the agreement (the caller checks `family` is allowed)."""
    view: dict[str, object] = {}
    if "kk_number" in allowed:
        view["kk_number"] = family["family_kk_number"]
        view["issued_on"] = family["issued_on"]  # the card's edition: a birth or a move reissues it
    if "address" in allowed:
        view["address"] = address(family)
    view["members"] = [{f: _value(m, f) for f in MEMBER_FIELDS if f in allowed} for m in members]
    view["withheld"] = [f for f in PERSON_FIELDS if f not in allowed]
    return view


def normalize_text(value: str) -> str:
    """Case and repeated whitespace do not count: '  siti   RAHMAWATI ' == 'SITI RAHMAWATI'."""
    return " ".join(value.split()).casefold()


def verify_elements(
    person: sqlite3.Row | None, elements: Mapping[str, str], allowed: frozenset[str]
) -> dict[str, object]:
    """{"matches": {element: bool}, "withheld": [...]} (+ "deceased": true) for the elements sent.

    Never returns registry data: an unknown NIK gives every element false, in the same
    shape. Elements outside the agreement are not answered but listed in "withheld".
    """
    matches: dict[str, bool] = {}
    withheld: list[str] = []
    for element, claimed in elements.items():
        if element not in allowed:
            withheld.append(element)
            continue
        if person is None:
            matches[element] = False
        elif element in _TEXT_ELEMENTS:
            matches[element] = normalize_text(claimed) == normalize_text(person[element])
        else:
            matches[element] = claimed.strip() == person[element]
    result: dict[str, object] = {"matches": matches, "withheld": withheld}
    if person is not None and person["is_deceased"]:
        result["deceased"] = True
    return result
