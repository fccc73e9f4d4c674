from .models import FamilyRecord, PersonRecord


def person_record(nik: str) -> PersonRecord | None:
    """Our latest copy of the registry's data about ``nik`` (with source and retrieval time), or None."""
    return PersonRecord.objects.filter(nik=nik).first()


def family_record(kk_number: str) -> FamilyRecord | None:
    return FamilyRecord.objects.filter(kk_number=kk_number).first() if kk_number else None
