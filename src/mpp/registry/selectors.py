from dataclasses import dataclass
from datetime import datetime

from mpp.core.db.rows import one_or_none

from .models import FamilyRecord, PersonRecord


def person_record(nik: str) -> PersonRecord | None:
    """Our latest copy of the registry's data about ``nik`` (with source and retrieval time), or None."""
    return one_or_none(PersonRecord.objects.filter(nik=nik))


def family_record(kk_number: str) -> FamilyRecord | None:
    return one_or_none(FamilyRecord.objects.filter(kk_number=kk_number)) if kk_number else None


@dataclass(frozen=True)
class FamilyMember:
    """A person as a family card we hold a copy of lists them: the same attributes as a ``PersonRecord``."""

    nik: str
    kk_number: str
    data: dict
    source: str
    retrieved_at: datetime


def known_person(nik: str, *, family_cards=()) -> PersonRecord | FamilyMember | None:
    """What our dated copies of the registry say about ``nik``: their own record, else their entry on one of
    the ``family_cards`` (KK numbers; a child without an account is known from the parent's card). None if neither."""
    record = person_record(nik) if nik else None
    if record is not None:
        return record
    for kk_number in dict.fromkeys(number for number in family_cards if number):
        family = family_record(kk_number)
        for member in family.data.get("members", []) if family else []:
            if member.get("nik") == nik:
                data = {"kk_number": kk_number, "address": family.data.get("address"), **member}
                return FamilyMember(nik, kk_number, data, family.source, family.retrieved_at)
    return None
