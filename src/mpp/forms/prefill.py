"""Values the state already holds, for the fields that name a ``prefill`` source.

Sources (``FormField.prefill``):

- ``registry.applicant.self`` — the applicant as a person (their NIK);
- ``registry.applicant.spouse`` — the applicant's spouse on the family card;
- ``registry.applicant.kk_number`` — the applicant's family card number;
- ``registry.applicant.<key>`` — any item of the applicant's registry record (``name``, ``address`` …);
- ``registry.<key>`` — the same for the beneficiary (the person the application is for: the
  applicant themselves when they apply for no one else);
- ``profile.email`` / ``profile.phone`` — the account's contact data;
- ``vault.<document type>`` — on a ``document`` field: a valid document of that type the platform issued
  about the beneficiary, in the applicant's vault (found by the ``held`` the caller gives, e.g.
  ``documents.selectors.held_issued``: not revoked, not expired, not older than ``documents.models.VALID_DAYS``).
  Locked like a registry value: the form takes it without asking, and a submission uses it whatever the browser
  sent. Without one the field is asked as any other.

Registry values come from our dated copy (``registry.PersonRecord``, or the person's entry on the
applicant's ``FamilyRecord``) and say so: the source and when it was read, for the form to show next to the value.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from mpp.registry.selectors import family_record, known_person, person_record

from .schema import FormSchema

SPOUSE_RELATIONSHIPS = {"KEPALA KELUARGA", "ISTRI", "SUAMI"}


@dataclass(frozen=True)
class Prefill:
    value: object
    source: str
    #: For the citizen: where the value comes from.
    label: str
    retrieved_at: datetime | None
    locked: bool
    #: For a document taken from the vault: its ``documents.selectors.HeldDocument``.
    document: object = None


def prefill(schema: FormSchema, *, applicant, beneficiary_nik: str = "", now=None, held=None) -> dict[str, Prefill]:
    """What the state holds for each prefilled field of ``schema``; fields with nothing known are left out.

    ``held`` finds the valid issued documents for ``vault.<type>`` sources — ``(applicant, types, person_nik=,
    now=)`` → {type: document} — given by the caller that knows the vault (``documents`` is above this floor);
    without it, vault sources are left to the citizen.
    """
    own = person_record(applicant.nik) if applicant.nik else None
    records = {applicant.nik: own} if own else {}
    family_cards = [own.kk_number] if own else []

    def record(nik):
        if nik and nik not in records:
            records[nik] = known_person(nik, family_cards=family_cards)  # a child is known from the parent's KK
        return records.get(nik)

    found = {}
    for field in schema.fields:
        source = field.prefill
        if not source:
            continue
        if source.startswith("profile."):
            value = getattr(applicant, source.removeprefix("profile."), None) if source in _PROFILE else None
            if value:
                found[field.name] = Prefill(value, source, _("Profil akun Anda"), None, locked=False)
            continue
        if not source.startswith("registry."):
            continue  # vault sources: below, in one read of the vault
        key = source.removeprefix("registry.")
        nik = applicant.nik
        if key.startswith("applicant."):
            key = key.removeprefix("applicant.")
        else:
            nik = beneficiary_nik or applicant.nik  # an application for oneself is about the applicant
        person = record(nik)
        if person is None:
            continue
        value = _registry_value(person, key)
        if value not in (None, "", {}):
            found[field.name] = Prefill(value, source, person.source, person.retrieved_at, locked=True)
    return found | _from_vault(schema, applicant, beneficiary_nik or applicant.nik, now, held)


def _from_vault(schema: FormSchema, applicant, person_nik: str, now, held) -> dict[str, Prefill]:
    """The document fields a valid issued document in the applicant's vault answers, about ``person_nik``."""
    wanted = {
        field.name: field.prefill.removeprefix("vault.")
        for field in schema.fields
        if (field.prefill or "").startswith("vault.")
    }
    if not wanted or not person_nik or held is None:
        return {}
    documents = held(applicant, set(wanted.values()), person_nik=person_nik, now=now)
    return {
        name: Prefill(
            {"source": "vault", "id": document.upload_id},
            f"vault.{document_type}",
            f"{document.document.title} · {document.issued.number}",
            document.issued.issued_at,
            locked=True,
            document=document,
        )
        for name, document_type in wanted.items()
        if (document := documents.get(document_type)) is not None
    }


_PROFILE = {"profile.email", "profile.phone"}


def _registry_value(person, key: str):
    if key == "self":
        return {"nik": person.nik}
    if key == "kk_number":
        return person.kk_number or person.data.get("kk_number")
    if key == "spouse":
        family = family_record(person.kk_number)
        if family is None or person.data.get("relationship") not in SPOUSE_RELATIONSHIPS:
            return None
        spouse = next(
            (
                member
                for member in family.data.get("members", [])
                if member.get("nik") != person.nik and member.get("relationship") in SPOUSE_RELATIONSHIPS
            ),
            None,
        )
        return {"nik": spouse["nik"]} if spouse and spouse.get("nik") else None
    return person.data.get(key)
