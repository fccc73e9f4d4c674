"""The registry's rules for civil-registration events: births, deaths, moves and marriages.

Each function checks the event against the registry, changes it and returns the Change:
the HTTP status and the answer (without the event id, which events.write adds). They run
inside the caller's transaction (events.write) and never commit. Problems with what the
event names (an unknown NIK, a mother on another family card) are InvalidInput with
field errors (422); a registry state that forbids the event is a Refusal (409).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..web import Refusal
from . import population, records, store
from .event_bodies import Birth, Death, Marriage, Move
from .population import CHILD, FEMALE, HEAD, HUSBAND, MALE, MARRIED, SINGLE, WIDOWED, WIFE
from .schemas import InvalidInput

# What the registry writes for a newborn until someone tells it otherwise.
NEWBORN_OCCUPATION = "BELUM/TIDAK BEKERJA"
UNKNOWN_BLOOD_TYPE = "TIDAK TAHU"
# UU 16/2019: both spouses at least 19 (a court's dispensation is not simulated).
MINIMUM_MARRIAGE_AGE = 19


@dataclass(frozen=True, slots=True)
class Change:
    status: int
    result: dict[str, object]


def _refuse(what: str, errors: dict[str, str]) -> None:
    if errors:
        problems = "; ".join(f"{field}: {problem}" for field, problem in errors.items())
        raise InvalidInput("invalid_event", f"the {what} was not registered: {problems}", errors)


def _years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --- births --------------------------------------------------------------------------


def register_birth(conn: sqlite3.Connection, birth: Birth, *, today: date, allowed: frozenset[str]) -> Change:
    """Add the child to the family card with a new NIK; the card gets a new edition (same number).

    Raises InvalidInput for an unknown KK or parent, a mother who is deceased, not a woman,
    not on that card or born after the child, a father who is not a man; Refusal 409
    duplicate_birth when the mother already has a child of that name born that day.
    """
    child = birth.child
    family = store.get_family(conn, birth.kk_number)
    mother = store.get_person(conn, birth.mother_nik)
    father = store.get_person(conn, birth.father_nik) if birth.father_nik else None
    errors: dict[str, str] = {}
    if family is None:
        errors["kk_number"] = "no family card with this number"
    if mother is None:
        errors["mother_nik"] = "no person with this NIK"
    elif mother["sex"] != FEMALE:
        errors["mother_nik"] = f"registered as {mother['sex']}"
    elif mother["is_deceased"]:
        errors["mother_nik"] = f"deceased on {mother['death_date']}"
    elif family is not None and mother["kk_number"] != birth.kk_number:
        errors["mother_nik"] = "not on this family card"
    elif child.birth_date <= date.fromisoformat(mother["birth_date"]):
        errors["child.birth_date"] = "not after the mother's own birth date"
    if birth.father_nik and father is None:
        errors["father_nik"] = "no person with this NIK"
    elif father is not None and father["sex"] != MALE:
        errors["father_nik"] = f"registered as {father['sex']}"
    _refuse("birth", errors)
    assert family is not None and mother is not None
    earlier = store.find_birth(
        conn, name=child.name, birth_date=child.birth_date.isoformat(), mother_name=mother["name"]
    )
    if earlier is not None:
        raise Refusal(409, "duplicate_birth", f"this child is registered already, with NIK {earlier}")

    kecamatan = family["district_code"].replace(".", "")
    prefix = population.nik_prefix(kecamatan, child.birth_date, child.sex)
    try:
        nik = population.with_serial(prefix, store.last_serial(conn, "nik", prefix) + 1)
    except OverflowError as exc:
        raise Refusal(409, "no_nik_available", str(exc)) from None
    store.insert_persons(
        conn,
        [
            (
                nik,
                birth.kk_number,
                store.next_family_order(conn, birth.kk_number),
                child.name,
                child.sex,
                child.birth_place,
                child.birth_date.isoformat(),
                mother["religion"],
                SINGLE,
                NEWBORN_OCCUPATION,
                UNKNOWN_BLOOD_TYPE,
                mother["nationality"],
                CHILD,
                father["name"] if father is not None else "",
                mother["name"],
                0,
                None,
            )
        ],
    )
    store.reissue_family(conn, birth.kk_number, today.isoformat())
    person = store.get_person(conn, nik)
    assert person is not None
    return Change(
        201,
        {
            "nik": nik,
            "kk_number": birth.kk_number,
            "kk_issued_on": today.isoformat(),
            "person": records.person_view(person, allowed),
        },
    )


# --- deaths --------------------------------------------------------------------------


def register_death(conn: sqlite3.Connection, death: Death) -> Change:
    """Mark the person deceased; a living spouse who was KAWIN becomes CERAI MATI.

    Raises InvalidInput for an unknown NIK or a death before birth, Refusal 409
    already_deceased.
    """
    person = store.get_person(conn, death.nik)
    if person is None:
        _refuse("death", {"nik": "no person with this NIK"})
    assert person is not None
    if person["is_deceased"]:
        raise Refusal(409, "already_deceased", f"registered as deceased on {person['death_date']}")
    if death.death_date < date.fromisoformat(person["birth_date"]):
        _refuse("death", {"death_date": "before the person's birth date"})
    store.record_death(conn, nik=death.nik, death_date=death.death_date.isoformat())
    spouse = _spouse(conn, person) if person["marital_status"] == MARRIED else None
    if spouse is not None and not spouse["is_deceased"] and spouse["marital_status"] == MARRIED:
        store.set_marital_status(conn, spouse["nik"], WIDOWED)
    return Change(200, {"nik": death.nik, "is_deceased": True, "death_date": death.death_date.isoformat()})


def _spouse(conn: sqlite3.Connection, person: sqlite3.Row) -> sqlite3.Row | None:
    """The partner of the latest marriage registered here, else the head's partner on the family card."""
    partner = store.last_married_partner(conn, person["nik"])
    if partner is not None:
        return store.get_person(conn, partner)
    if person["relationship"] not in (HEAD, WIFE, HUSBAND):
        return None
    partner_roles = (WIFE, HUSBAND) if person["relationship"] == HEAD else (HEAD,)
    members = store.family_members(conn, person["kk_number"])
    return next((m for m in members if m["relationship"] in partner_roles and m["nik"] != person["nik"]), None)


# --- moves ---------------------------------------------------------------------------


def register_move(conn: sqlite3.Connection, move: Move, *, today: date) -> Change:
    """Move a family, or some of its members, to a new address.

    The whole family (no `niks`, or every living member) keeps its KK number and the
    card gets a new edition at the new address. Some members get a new card in the
    kecamatan they move to, and the card they leave gets a new edition. Raises
    InvalidInput for an unknown KK or village, or NIKs not on the card or deceased.
    """
    family = store.get_family(conn, move.kk_number)
    village = store.get_village(conn, move.to.village_code)
    errors: dict[str, str] = {}
    if family is None:
        errors["kk_number"] = "no family card with this number"
    if village is None:
        errors["to.village_code"] = "not a desa/kelurahan in the registry"
    members = store.family_members(conn, move.kk_number)
    if family is not None and move.niks is not None:
        on_card = {m["nik"]: m for m in members}
        strangers = [nik for nik in move.niks if nik not in on_card]
        deceased = [nik for nik in move.niks if nik in on_card and on_card[nik]["is_deceased"]]
        if strangers:
            errors["niks"] = f"not on this family card: {', '.join(strangers)}"
        elif deceased:
            errors["niks"] = f"deceased: {', '.join(deceased)}"
    _refuse("move", errors)
    assert village is not None
    issued_on = today.isoformat()
    address = {"village_code": move.to.village_code, "street": move.to.street, "rt": move.to.rt, "rw": move.to.rw}
    living = {m["nik"] for m in members if not m["is_deceased"]}
    if move.niks is None or living <= set(move.niks):
        store.move_family(conn, kk_number=move.kk_number, issued_on=issued_on, **address)
        return Change(
            200, {"kk_number": move.kk_number, "kk_issued_on": issued_on, "niks": [m["nik"] for m in members]}
        )

    prefix = population.kk_prefix(village["parent_code"].replace(".", ""), today)
    try:
        new_kk = population.with_serial(prefix, store.last_serial(conn, "kk", prefix) + 1)
    except OverflowError as exc:
        raise Refusal(409, "no_kk_number_available", str(exc)) from None
    store.insert_families(
        conn, [(new_kk, address["village_code"], address["street"], address["rt"], address["rw"], issued_on)]
    )
    moving = [m for m in members if m["nik"] in move.niks]
    _renumber(conn, new_kk, moving)
    _renumber(conn, move.kk_number, [m for m in members if m["nik"] not in move.niks])
    store.reissue_family(conn, move.kk_number, issued_on)
    return Change(200, {"kk_number": new_kk, "kk_issued_on": issued_on, "niks": [m["nik"] for m in moving]})


def _renumber(conn: sqlite3.Connection, kk_number: str, members: Sequence[sqlite3.Row]) -> None:
    """Put `members` (in their old KK order) on the card: its head first, the others after.

    The head stays head; without them their spouse heads the card, else the oldest living
    member. The others keep their relationship (a simplification: Dukcapil would restate
    it relative to the new head).
    """
    head = next((m for m in members if m["relationship"] == HEAD), None)
    head = head or next((m for m in members if m["relationship"] in (WIFE, HUSBAND) and not m["is_deceased"]), None)
    head = head or min((m for m in members if not m["is_deceased"]), key=lambda m: m["birth_date"])
    others = [m for m in members if m["nik"] != head["nik"]]
    store.place_person(conn, nik=head["nik"], kk_number=kk_number, family_order=1, relationship=HEAD)
    for order, member in enumerate(others, start=2):
        store.place_person(
            conn, nik=member["nik"], kk_number=kk_number, family_order=order, relationship=member["relationship"]
        )


# --- marriages -----------------------------------------------------------------------


def register_marriage(conn: sqlite3.Connection, marriage: Marriage) -> Change:
    """Both spouses become KAWIN (their family cards do not change: moving in is a move).

    Raises InvalidInput naming the spouse who is unknown, deceased, of the other sex,
    already KAWIN or under MINIMUM_MARRIAGE_AGE on the marriage date.
    """
    errors: dict[str, str] = {}
    for field, nik, sex in (("husband_nik", marriage.husband_nik, MALE), ("wife_nik", marriage.wife_nik, FEMALE)):
        person = store.get_person(conn, nik)
        if person is None:
            errors[field] = "no person with this NIK"
        elif person["is_deceased"]:
            errors[field] = f"deceased on {person['death_date']}"
        elif person["sex"] != sex:
            errors[field] = f"registered as {person['sex']}"
        elif person["marital_status"] == MARRIED:
            errors[field] = f"already {MARRIED}"
        elif _years(date.fromisoformat(person["birth_date"]), marriage.marriage_date) < MINIMUM_MARRIAGE_AGE:
            errors[field] = f"under {MINIMUM_MARRIAGE_AGE} on the marriage date (UU 16/2019)"
    _refuse("marriage", errors)
    store.set_marital_status(conn, marriage.husband_nik, MARRIED)
    store.set_marital_status(conn, marriage.wife_nik, MARRIED)
    return Change(
        200,
        {
            "husband_nik": marriage.husband_nik,
            "wife_nik": marriage.wife_nik,
            "marital_status": MARRIED,
            "marriage_date": marriage.marriage_date.isoformat(),
        },
    )
