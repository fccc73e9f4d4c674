"""The registry as the rest of the platform uses it: each call recorded for the citizen.

Every function here is one use of a person's data. It calls the registry through
``dukcapil.DukcapilClient``, records a ``DataAccess`` row for the subject (also when
the call failed — the attempt was made), and keeps our dated copy up to date.
Raises ``RegistryUnavailable`` when the registry cannot answer now.
"""

from django.utils import timezone

from mpp.audit.models import AccessKind
from mpp.audit.services import record_data_access

from .dukcapil import Actor, DukcapilClient, RegistryUnavailable
from .models import FamilyRecord, PersonRecord

SOURCE = "Dukcapil Kemendagri"


def _client() -> DukcapilClient:
    return DukcapilClient.from_settings()


def verify_person(*, nik: str, elements: dict, actor: Actor, actor_user=None) -> dict[str, bool]:
    """Which of ``elements`` (name, birth_date, …) match the registry for ``nik``; an unknown NIK matches nothing."""
    outcome = "gagal"
    try:
        answer = _client().verify(nik, elements, actor)
        matches = {key: bool(answer.get("matches", {}).get(key)) for key in elements}
        outcome = "cocok" if matches and all(matches.values()) else "tidak cocok"
        return matches
    finally:
        record_data_access(
            subject_nik=nik,
            kind=AccessKind.REGISTRY_VERIFY,
            actor=actor_user,
            actor_label=actor.label,
            purpose=actor.purpose,
            fields=list(elements),
            outcome=outcome,
        )


def read_person(*, nik: str, actor: Actor, actor_user=None, on_behalf_of_nik: str = "") -> PersonRecord | None:
    """Fetch the person's current data from the registry and keep our dated copy; None if unknown."""
    outcome = "gagal"
    try:
        data = _client().person(nik, actor)
        if data is None:
            outcome = "tidak ditemukan"
            return None
        record, _created = PersonRecord.objects.update_or_create(
            nik=nik,
            defaults={
                "kk_number": data.get("kk_number", ""),
                "data": data,
                "source": SOURCE,
                "retrieved_at": timezone.now(),
            },
        )
        outcome = "berhasil"
        return record
    finally:
        record_data_access(
            subject_nik=nik,
            kind=AccessKind.REGISTRY_READ,
            actor=actor_user,
            actor_label=actor.label,
            purpose=actor.purpose,
            fields=["data kependudukan"],
            outcome=outcome,
            on_behalf_of_nik=on_behalf_of_nik,
        )


def read_family(*, kk_number: str, subject_nik: str, actor: Actor, actor_user=None) -> FamilyRecord | None:
    """Fetch the family card (KK) the subject belongs to and keep our dated copy; None if unknown."""
    outcome = "gagal"
    try:
        data = _client().family(kk_number, actor)
        if data is None:
            outcome = "tidak ditemukan"
            return None
        record, _created = FamilyRecord.objects.update_or_create(
            kk_number=kk_number, defaults={"data": data, "source": SOURCE, "retrieved_at": timezone.now()}
        )
        outcome = "berhasil"
        return record
    finally:
        record_data_access(
            subject_nik=subject_nik,
            kind=AccessKind.FAMILY_READ,
            actor=actor_user,
            actor_label=actor.label,
            purpose=actor.purpose,
            fields=["kartu keluarga"],
            outcome=outcome,
        )


def verify_face(*, nik: str, challenge: str, frames: list[bytes], actor: Actor, actor_user=None) -> dict:
    """1:1 face check with liveness against the registry's enrolled photo. The frames are not kept.

    Returns the registry's answer: {"match": bool, "distance": float, "liveness": {"passed": bool, ...}}.
    Raises ``FaceRejected`` (no face, several faces, not an image) and ``RegistryUnavailable``.
    """
    outcome = "gagal"
    try:
        answer = _client().verify_face(nik, challenge, frames, actor)
        passed = bool(answer.get("match")) and bool(answer.get("liveness", {}).get("passed"))
        outcome = "cocok" if passed else "tidak cocok"
        return answer
    finally:
        record_data_access(
            subject_nik=nik,
            kind=AccessKind.FACE_CHECK,
            actor=actor_user,
            actor_label=actor.label,
            purpose=actor.purpose,
            fields=["foto wajah"],
            outcome=outcome,
        )


__all__ = ["Actor", "RegistryUnavailable", "read_family", "read_person", "verify_face", "verify_person"]
