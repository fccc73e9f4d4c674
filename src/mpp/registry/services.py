"""The registry as the rest of the platform uses it: each call recorded for the citizen.

Every function here is one use of a person's data. It calls the registry through
``dukcapil.DukcapilClient``, records a ``DataAccess`` row for the subject (also when
the call failed — the attempt was made), and keeps our dated copy up to date.
Raises ``RegistryUnavailable`` when the registry cannot answer now.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone

from mpp.audit.models import AccessKind
from mpp.audit.services import record_data_access

from .dukcapil import Actor, DukcapilClient, RegistryRefused, RegistryUnavailable
from .models import FamilyRecord, PersonRecord

SOURCE = "Dukcapil Kemendagri"


@dataclass
class _Use:
    outcome: str = "gagal"  # until the call says otherwise


@contextmanager
def _recorded(
    *, subject_nik: str, kind: AccessKind, actor: Actor, actor_user, fields: list[str], on_behalf_of_nik: str = ""
) -> Iterator[_Use]:
    """Record the use of ``subject_nik``'s data when the block ends, with the outcome it set (or "gagal")."""
    use = _Use()
    try:
        yield use
    finally:
        record_data_access(
            subject_nik=subject_nik,
            kind=kind,
            actor=actor_user,
            actor_label=actor.label,
            purpose=actor.purpose,
            fields=fields,
            outcome=use.outcome,
            on_behalf_of_nik=on_behalf_of_nik,
        )


def _client() -> DukcapilClient:
    return DukcapilClient.from_settings()


def verify_person(*, nik: str, elements: dict, actor: Actor, actor_user=None) -> dict[str, bool]:
    """Which of ``elements`` (name, birth_date, …) match the registry for ``nik``; an unknown NIK matches nothing."""
    with _recorded(
        subject_nik=nik, kind=AccessKind.REGISTRY_VERIFY, actor=actor, actor_user=actor_user, fields=list(elements)
    ) as use:
        answer = _client().verify(nik, elements, actor)
        matches = {key: bool(answer.get("matches", {}).get(key)) for key in elements}
        use.outcome = "cocok" if matches and all(matches.values()) else "tidak cocok"
        return matches


def read_person(*, nik: str, actor: Actor, actor_user=None, on_behalf_of_nik: str = "") -> PersonRecord | None:
    """Fetch the person's current data from the registry and keep our dated copy; None if unknown."""
    with _recorded(
        subject_nik=nik,
        kind=AccessKind.REGISTRY_READ,
        actor=actor,
        actor_user=actor_user,
        fields=["data kependudukan"],
        on_behalf_of_nik=on_behalf_of_nik,
    ) as use:
        data = _client().person(nik, actor)
        if data is None:
            use.outcome = "tidak ditemukan"
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
        use.outcome = "berhasil"
        return record


def read_family(*, kk_number: str, subject_nik: str, actor: Actor, actor_user=None) -> FamilyRecord | None:
    """Fetch the family card (KK) the subject belongs to and keep our dated copy; None if unknown."""
    with _recorded(
        subject_nik=subject_nik,
        kind=AccessKind.FAMILY_READ,
        actor=actor,
        actor_user=actor_user,
        fields=["kartu keluarga"],
    ) as use:
        data = _client().family(kk_number, actor)
        if data is None:
            use.outcome = "tidak ditemukan"
            return None
        record, _created = FamilyRecord.objects.update_or_create(
            kk_number=kk_number, defaults={"data": data, "source": SOURCE, "retrieved_at": timezone.now()}
        )
        use.outcome = "berhasil"
        return record


EVENTS = {"birth": "births", "death": "deaths", "move": "moves", "marriage": "marriages"}


def record_event(
    *, kind: str, body: dict, subjects: list[str], idempotency_key: str, actor: Actor, actor_user=None
) -> dict:
    """Write a civil-registration event (``EVENTS``) to the registry and refresh our dated copies of
    what it changed; returns the registry's answer (a birth: ``{"nik": <the child's new NIK>, …}``).

    Recorded in the data-use log of each of ``subjects`` and, for a birth, of the new child. Raises
    ``RegistryUnavailable`` (nothing changed, or the same key replays what did) and ``RegistryRefused``.
    """
    answer = {}
    try:
        answer = _client().record_event(EVENTS[kind], body, idempotency_key=idempotency_key, actor=actor)
    finally:
        outcome = "dicatat" if answer else "gagal"
        for nik in dict.fromkeys([*subjects, answer.get("nik", "") if kind == "birth" else ""]):
            if nik:
                record_data_access(
                    subject_nik=nik,
                    kind=AccessKind.REGISTRY_WRITE,
                    actor=actor_user,
                    actor_label=actor.label,
                    purpose=actor.purpose,
                    fields=[kind],
                    outcome=outcome,
                )
    # Our copies follow the registry: the next form prefills from what it holds now.
    changed = [answer.get("nik")] if kind == "birth" else subjects
    for nik in dict.fromkeys(nik for nik in changed if nik):
        record = read_person(nik=nik, actor=actor, actor_user=actor_user)
        if record and record.kk_number:
            read_family(kk_number=record.kk_number, subject_nik=nik, actor=actor, actor_user=actor_user)
    return answer


def verify_face(*, nik: str, challenge: str, frames: list[bytes], actor: Actor, actor_user=None) -> dict:
    """1:1 face check with liveness against the registry's enrolled photo. The frames are not kept.

    Returns the registry's answer: {"match": bool, "distance": float, "liveness": {"passed": bool, ...}}.
    Raises ``FaceRejected`` (no face, several faces, not an image) and ``RegistryUnavailable``.
    """
    with _recorded(
        subject_nik=nik, kind=AccessKind.FACE_CHECK, actor=actor, actor_user=actor_user, fields=["foto wajah"]
    ) as use:
        answer = _client().verify_face(nik, challenge, frames, actor)
        passed = bool(answer.get("match")) and bool(answer.get("liveness", {}).get("passed"))
        use.outcome = "cocok" if passed else "tidak cocok"
        return answer


__all__ = [
    "Actor",
    "RegistryRefused",
    "RegistryUnavailable",
    "read_family",
    "read_person",
    "record_event",
    "verify_face",
    "verify_person",
]
