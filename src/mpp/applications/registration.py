"""The loop closes on the registry: an approved civil-registration event is written to Dukcapil.

When Disdukcapil approves a birth, a death, a move or a marriage, the population registry must
change, or the next form the citizen fills is already stale. ``write_back`` sends the event
through the registry's API, the way Disdukcapil's own system writes it, under an idempotency key
of the application (a repeat changes nothing), and puts the registry's answer on the application
(a newborn's NIK becomes the application's beneficiary, so it is printed on the birth certificate).

A registry that does not answer leaves the application waiting (``Status.WAITING_REGISTRY``); the
task worker's minute round (``services.complete_waiting``) writes it and issues the document as soon
as the registry answers. A document is never issued without what the registry must give it.
"""

from django.utils.translation import gettext as _

from mpp.core.errors import DomainError
from mpp.registry.nik import mask_nik
from mpp.registry.selectors import known_person, person_record
from mpp.registry.services import Actor, RegistryRefused, read_person, record_event

from .models import Application


class RegistryRefusedEvent(DomainError):
    """The registry refused the event (a child already registered, a person already deceased…)."""


def needs_registry(application: Application) -> bool:
    return application.service.template.slug in _EVENTS


def write_back(application: Application, *, actor_label: str, officer=None) -> dict:
    """Write the application's event to the registry; returns the registry's answer.

    Raises ``RegistryUnavailable`` (try again later) and ``RegistryRefusedEvent`` with the
    registry's reason for the officer.
    """
    kind, build = _EVENTS[application.service.template.slug]
    purpose = _("Pencatatan %(service)s, permohonan %(number)s") % {
        "service": application.service.template.name,
        "number": application.tracking_number,
    }
    actor = Actor(actor_label, purpose)
    body, subjects = build(application, actor)
    try:
        answer = record_event(
            kind=kind,
            body=body,
            subjects=subjects,
            idempotency_key=f"mpp-{application.pk}-{kind}",
            actor=actor,
            actor_user=officer,
        )
    except RegistryRefused as refused:
        reason = refused.body.get("message") or refused.body.get("error", "")
        details = "; ".join(f"{field}: {problem}" for field, problem in (refused.body.get("errors") or {}).items())
        raise RegistryRefusedEvent(
            _("Database kependudukan menolak pencatatan ini: %(reason)s") % {"reason": f"{reason} {details}".strip()}
        ) from refused
    if kind == "birth" and answer.get("nik"):
        application.beneficiary_nik = answer["nik"]
        application.save(update_fields=["beneficiary_nik"])
    return answer


# -- each event's body, from the application's data and our copies of the registry ---------------


def _people(application: Application, *niks: str, actor: Actor) -> list[dict]:
    """The registry's record of each of ``niks``: our dated copies, else a read now. A person the registry
    does not know stops the write (RegistryRefusedEvent): an event must not silently leave someone out."""
    applicant = person_record(application.applicant.nik)
    cards = [application.data.get("kk_number"), applicant.kk_number if applicant else None]
    people = []
    for nik in niks:
        if not nik:
            continue
        known = known_person(nik, family_cards=cards) or read_person(nik=nik, actor=actor)
        if known is None:
            raise RegistryRefusedEvent(
                _("NIK %(nik)s tidak ditemukan di database kependudukan; tidak ada yang dicatat.")
                % {"nik": mask_nik(nik)}
            )
        people.append(known.data)
    return people


def _nik(value) -> str:
    return value.get("nik", "") if isinstance(value, dict) else ""


def _birth(application: Application, actor: Actor) -> tuple[dict, list[str]]:
    data = application.data
    parents = _people(application, application.applicant.nik, _nik(data.get("other_parent")), actor=actor)
    mother = next((p["nik"] for p in parents if p.get("sex") == "PEREMPUAN"), "")
    father = next((p["nik"] for p in parents if p.get("sex") == "LAKI-LAKI"), None)
    body = {
        "mother_nik": mother,
        "father_nik": father,
        "kk_number": data.get("kk_number", ""),
        "child": {
            "name": data.get("child_name", ""),
            "sex": data.get("child_sex", ""),
            "birth_place": data.get("birth_place", ""),
            "birth_date": data.get("birth_date", ""),
        },
    }
    return body, [nik for nik in (mother, father) if nik]


def _death(application: Application, actor: Actor) -> tuple[dict, list[str]]:
    data = application.data
    nik = _nik(data.get("deceased")) or data.get("deceased_nik", "")
    return {"nik": nik, "death_date": data.get("death_date", ""), "death_place": data.get("death_place", "")}, [nik]


def _move(application: Application, actor: Actor) -> tuple[dict, list[str]]:
    data = application.data
    destination = data.get("destination") or {}
    body = {
        "kk_number": data.get("kk_number", ""),
        "to": {key: destination.get(key, "") for key in ("village_code", "street", "rt", "rw")},
    }
    movers = [application.applicant.nik]
    if data.get("move_scope") == "sebagian":
        movers += [_nik(data.get(f"mover_{n}")) for n in range(1, 6)]
        body["niks"] = [nik for nik in dict.fromkeys(movers) if nik]
    return body, [nik for nik in movers if nik]


def _marriage(application: Application, actor: Actor) -> tuple[dict, list[str]]:
    data = application.data
    people = _people(application, application.applicant.nik, data.get("spouse_nik", ""), actor=actor)
    husband = next((p["nik"] for p in people if p.get("sex") == "LAKI-LAKI"), "")
    wife = next((p["nik"] for p in people if p.get("sex") == "PEREMPUAN"), "")
    body = {"husband_nik": husband, "wife_nik": wife, "marriage_date": data.get("wedding_date", "")}
    return body, [husband, wife]


def follow_up(application: Application) -> tuple[str, dict] | None:
    """What an approved event issues beside its own document: (template slug, data). A birth changes the
    family card, so the new edition of the KK, listing the child, is issued with the birth certificate."""
    if application.service.template.slug != "akta-kelahiran" or not application.data.get("kk_number"):
        return None
    data = {
        "kk_number": application.data["kk_number"],
        "request_kind": "perubahan",
        "change_reason": "kelahiran",
        "because_of": application.tracking_number,
    }
    return "kartu-keluarga", data


_EVENTS = {
    "akta-kelahiran": ("birth", _birth),
    "akta-kematian": ("death", _death),
    "skpwni": ("move", _move),
    "akta-perkawinan": ("marriage", _marriage),
}
