"""Likely duplicates: the same request made twice (the same child registered three times).

An application's ``duplicate_key`` says what it is about, per service: a birth by the family card,
the child's name and birth date; a death by the deceased; a marriage by the couple; a family card by
its number and kind of request; a village letter that says what it is for by the person and that purpose
(an SKTM by its purpose and the family member who needs it, a business letter by the business too), a
village's death letter by the deceased; anything else by the person it is for. It is a hash: the key repeats
nothing of the data in readable form. Applications of one service with the same key, neither
rejected nor a draft, are likely duplicates: the citizen is warned before submitting, and officers
see the flag on the worklist and the application.
"""

import hashlib
from collections.abc import Callable


def _name(value) -> str:
    return " ".join(str(value or "").split()).casefold()


def _nik(value) -> str:
    return value.get("nik", "") if isinstance(value, dict) else str(value or "")


def _for_purpose(data: dict, who: str) -> tuple:
    """A letter by whom it is for and what for: the same purpose twice is likely a duplicate, another is a new
    letter. A typed purpose is compared ignoring case and spacing."""
    return (who, _name(data.get("purpose")))


_PARTS: dict[str, Callable[[dict, str], tuple]] = {
    "akta-kelahiran": lambda data, who: (data.get("kk_number"), _name(data.get("child_name")), data.get("birth_date")),
    "akta-kematian": lambda data, who: (_nik(data.get("deceased")) or data.get("deceased_nik"),),
    "akta-perkawinan": lambda data, who: tuple(sorted((who, data.get("spouse_nik", "")))),
    "kartu-keluarga": lambda data, who: (data.get("kk_number"), data.get("request_kind")),
    "skpwni": lambda data, who: (data.get("kk_number"), who),
    # Letters of villages and kelurahan.
    "sktm": lambda data, who: (who, data.get("purpose"), _nik(data.get("for_member"))),
    "surat-keterangan-domisili": _for_purpose,
    "surat-keterangan-usaha": lambda data, who: (*_for_purpose(data, who), _name(data.get("business_name"))),
    "surat-pengantar-skck": _for_purpose,
    "surat-keterangan-belum-menikah": _for_purpose,
    "surat-keterangan-kematian-desa": lambda data, who: (_nik(data.get("deceased")),),
}


def duplicate_key(template_slug: str, data: dict, *, person_nik: str) -> str:
    """The key of an application of ``template_slug`` with ``data`` for ``person_nik`` (the beneficiary,
    else the applicant)."""
    parts = _PARTS.get(template_slug, lambda data, who: (who,))(data, person_nik)
    text = "|".join([template_slug, *(str(part or "") for part in parts)])
    return hashlib.sha256(text.encode()).hexdigest()[:40]
