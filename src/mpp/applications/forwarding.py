"""External processing: applications a service forwards to its agency's own system, and the statuses it posts back.

A service forwards when it has a ``Forwarding`` row (to an active ``ExternalSystem``). Then,
in the transaction of the submission, ``forward_if_configured`` hands the application over:
status ``forwarded``, a timeline event, the ``ExternalCase`` (which system holds it) and a
signed webhook queued in the notifications outbox (``notifications.webhooks``), which the
notifier delivers with retries under one ``webhook-id``, so the receiver stores it once.

The agency system answers through the API (``applications.api``) as its OAuth2 system client:
``record_status_update`` applies ``in_process`` / ``approved`` / ``rejected`` once per
Idempotency-Key, following ``TRANSITIONS``, and tells the citizen.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_id, generate_client_secret

from mpp.catalog.models import Service
from mpp.core import clock
from mpp.core.db.rows import one_or_none
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.files.models import Upload
from mpp.identity.models import User
from mpp.notifications import webhooks
from mpp.notifications.services import notify
from mpp.registry.selectors import person_record
from mpp.sso.models import AgencyClient, Consent

from . import calendar
from .contract import mapped
from .links import survey_invitation
from .models import (
    Application,
    ConnectorMode,
    Event,
    ExternalCase,
    ExternalSystem,
    Forwarding,
    Status,
    StatusUpdate,
    new_tracking_number,
)

#: The scope a system client needs to post status updates.
STATUS_SCOPE = "applications.status"
IN_PROCESS, APPROVED, REJECTED = "in_process", "approved", "rejected"
UPDATES = (IN_PROCESS, APPROVED, REJECTED)

#: (the application's status, the update posted) → the application's new status. Anything else is a 409.
TRANSITIONS = {
    # Still with the agency: a step on the citizen's timeline, the status stays.
    (Status.FORWARDED, IN_PROCESS): Status.FORWARDED,
    # Decided without an in_process first: an agency may decide at once.
    (Status.FORWARDED, APPROVED): Status.APPROVED,
    (Status.FORWARDED, REJECTED): Status.REJECTED,
}
#: The status a case a handed-over system reports starts in, by its first update.
REPORTED = {IN_PROCESS: Status.FORWARDED, APPROVED: Status.APPROVED, REJECTED: Status.REJECTED}
#: The timeline action of each update (the officers' names for a decision, so the timeline reads the same).
ACTIONS = {IN_PROCESS: "in_process", APPROVED: "approve", REJECTED: "reject"}


class IdempotencyKeyReused(DomainError):
    """The Idempotency-Key was used before with another request (RFC draft: 422)."""

    status_code = 422


class UpdateRefused(DomainError):
    """A status code the system's contract does not know, or a rejection without its reason: 422."""

    status_code = 422


# --- configuration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    system: ExternalSystem
    #: The client secret in clear: shown once, stored only hashed.
    client_secret: str


@transaction.atomic
def register_external_system(
    *,
    name: str,
    agency,
    webhook_url: str,
    client_id: str = "",
    client_secret: str = "",
    webhook_secret: str = "",
    is_active: bool = True,
) -> Registered:
    """Register an agency system with its OAuth2 system client (client credentials, scope applications.status).

    Credentials not given are generated. Raises ValidationError for an invalid system or client.
    """
    client_secret = client_secret or generate_client_secret()
    client = new_system_client(
        name=name, agency_name=agency.name, client_id=client_id, client_secret=client_secret, is_active=is_active
    )
    endpoint = webhooks.new_endpoint(url=webhook_url, secret=webhook_secret)
    system = ExternalSystem(
        name=name, agency=agency, agency_kind=agency.kind, webhook=endpoint, client=client, is_active=is_active
    )
    system.full_clean()
    system.save()
    return Registered(system, client_secret)


def new_system_client(*, name: str, agency_name: str, client_secret: str, client_id: str = "", is_active: bool = True):
    """The OAuth2 client an agency system authenticates as: confidential, client credentials, applications.status.

    Its secret is stored hashed (the caller shows ``client_secret`` once). Raises ValidationError.
    """
    client = AgencyClient(
        name=name,
        agency_name=agency_name,
        client_id=client_id or generate_client_id(),
        client_secret=client_secret,
        client_type=AgencyClient.CLIENT_CONFIDENTIAL,
        authorization_grant_type=AgencyClient.GRANT_CLIENT_CREDENTIALS,
        algorithm=AgencyClient.NO_ALGORITHM,
        allowed_scopes=[STATUS_SCOPE],
        is_active=is_active,
    )
    client.full_clean()
    client.save()
    return client


def forward_service(*, service, external_system: ExternalSystem) -> Forwarding:
    """From now on, applications for ``service`` go to ``external_system`` (of the service's own agency)."""
    forwarding, _created = Forwarding.objects.update_or_create(
        service=service, defaults={"external_system": external_system}
    )
    forwarding.full_clean()
    return forwarding


# --- forwarding --------------------------------------------------------------------------------


def forward_if_configured(*, application: Application, at) -> bool:
    """Hand a just-submitted application to its service's agency system, if the service forwards.

    Call inside the submission's transaction, after its first event: the status becomes
    ``forwarded`` (no officer's step), and the webhook waits in the outbox until the submission
    commits. Returns whether it was forwarded.
    """
    # Most services do not forward: their submissions pay for this one light query only.
    forwarding_id = one_or_none(
        Forwarding.objects.filter(
            service_id=application.service_id,  # one forwarding a service
            external_system__is_active=True,
            external_system__mode=ConnectorMode.FORWARDED,
        ).values_list("pk", flat=True)
    )
    if forwarding_id is None:
        return False
    forwarding = Forwarding.objects.select_related("external_system__webhook").get(pk=forwarding_id)
    system = forwarding.external_system
    from_status, from_step = application.status, application.step
    application.status = Status.FORWARDED
    application.step, application.step_role, application.step_due_at = "", "", None
    application.version += 1
    application.save(update_fields=["status", "step", "step_role", "step_due_at", "version", "updated_at"])
    ExternalCase.objects.create(application=application, external_system=system, forwarded_at=at)
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Sistem MPP Digital")
        note = _("Diteruskan ke %(system)s untuk diproses.") % {"system": system.name}
    Event.objects.create(
        application=application,
        at=at,
        actor=None,
        actor_label=label,
        action="forward",
        from_status=from_status,
        to_status=Status.FORWARDED,
        from_step=from_step,
        note=note,
    )
    data = payload(application)
    if system.parsed_contract is not None and system.parsed_contract.fields:
        data["form"] = mapped(system.parsed_contract, data)  # the agency's own words, as its contract says
    webhooks.queue(
        endpoint=system.webhook,
        event_type=webhooks.APPLICATION_FORWARDED,
        data=data,
        dedup_key=_dedup_key(application.pk),
        now=at,
    )
    return True


def payload(application: Application) -> dict:
    """The webhook's ``data``: the application as the agency system needs it, and where to answer."""
    service = application.service
    applicant = application.applicant
    record = person_record(applicant.nik) if applicant.nik else None
    number = application.tracking_number
    return {
        "tracking_number": number,
        "service": {"code": service.template.slug, "name": service.template.name},
        "region_code": application.region_id,
        "agency": {"name": application.agency.name},
        "channel": application.channel,
        "submitted_at": _iso(application.submitted_at),
        "due_at": _iso(application.due_at),
        "applicant": {
            "nik": applicant.nik,
            "name": (record.data.get("name") if record else "") or applicant.get_full_name(),
        },
        "beneficiary": {"nik": application.beneficiary_nik or None, "name": application.beneficiary_name},
        "form": application.data,
        "attachments": _attachments(application),
        "callback": {
            "status_url": settings.SITE_URL + reverse("api-v1:agency_application_status", args=[number]),
            "token_url": settings.SITE_URL + reverse("oauth2_provider:token"),
        },
    }


def _attachments(application: Application) -> list[dict]:
    files = {
        name: value["id"]
        for name, value in application.data.items()
        if isinstance(value, dict) and value.get("source") in ("upload", "vault") and value.get("id")
    }
    uploads = {str(upload.pk): upload for upload in Upload.objects.filter(pk__in=files.values())}
    attachments = []
    for name, file_id in files.items():
        upload = uploads.get(str(file_id))
        item = {"type": name, "id": str(file_id)}
        if upload is not None:
            item |= {"sha256": upload.sha256, "content_type": upload.content_type, "size": upload.size}
        attachments.append(item)
    return attachments


def send_again(*, application_id) -> bool:
    """Queue again the forwarding webhook of an application whose delivery failed for good (the admin's action)."""
    return webhooks.send_again(dedup_key=_dedup_key(application_id))


def delivery_of(*, application_id):
    """How the forwarding webhook of an application fared (its outbox message), or None."""
    return webhooks.delivery(_dedup_key(application_id))


def _dedup_key(application_id) -> str:
    # One forwarding per application, ever: the outbox keeps one message, and its id is the webhook-id.
    return f"forward:{application_id}"


# --- cases a handed-over system reports --------------------------------------------------------


@dataclass(frozen=True)
class Reported:
    application: Application
    #: False when the key was reported before (this request changed nothing).
    created: bool


def report_case(
    *,
    system: ExternalSystem,
    subject: str,
    service_code: str,
    region_code: str,
    external_reference: str,
    status: str,
    idempotency_key: str,
    note: str = "",
    now=None,
) -> Reported:
    """A handed-over system reports a case a citizen opened at its portal: it appears in *Permohonan saya* beside
    everything else, with the system's statuses on its timeline.

    ``subject`` is the citizen's ``sub`` from MPP Digital's sign-in; the citizen must hold an open consent for the
    system's sign-in client. Once per Idempotency-Key (the same key again answers with the same application).
    Raises NotFound for an unknown citizen, service or region, UpdateRefused for a status its contract does not
    know, and Forbidden-like DomainError (403) when the citizen has not consented or the system does not serve
    the service.
    """
    now = now or timezone.now()
    # One application per system and key, whatever the key's length: its hash is the submission key.
    key = "handed:" + hashlib.sha256(f"{system.pk}:{idempotency_key}".encode()).hexdigest()[:64]
    citizen = User.objects.filter(public_id=_uuid(subject), is_active=True).first()
    if citizen is None:
        raise NotFound("No citizen with this subject.")
    earlier = _reported_before(citizen, key, external_reference)
    if earlier is not None:
        return Reported(earlier, created=False)
    if system.mode != ConnectorMode.HANDED_OVER or system.sign_in_client_id is None:
        raise NotHandedOver("This system is not connected as a handed-over portal.")
    if not Consent.objects.filter(user=citizen, client_id=system.sign_in_client_id, revoked_at__isnull=True).exists():
        raise NotHandedOver("The citizen has not signed in at this system with MPP Digital, or withdrew consent.")
    service = (
        Service.objects.select_related("template", "region", "agency", "current_version")
        .filter(region_id=region_code, template__slug=service_code, is_active=True)
        .first()
    )
    if service is None:
        raise NotFound(f"No active service {service_code[:60]!r} in region {region_code[:13]!r}.")
    if not Forwarding.objects.filter(service=service, external_system=system).exists():
        raise NotHandedOver("That service is not connected to this system in this region.")
    update = understood(system, status, note)
    to_status = REPORTED[update]
    zone = service.region.time_zone
    application = Application(
        service=service,
        service_version=service.current_version,
        region=service.region,
        agency=service.agency,
        applicant=citizen,
        basis="self",
        channel="api",
        status=to_status,
        submitted_at=now,
        due_at=calendar.deadline(now, service.current_version.parsed.duration_days, zone),
        decided_at=now if to_status != Status.FORWARDED else None,
        submit_key=key,
        version=1,
    )
    try:
        with transaction.atomic():
            application.tracking_number = new_tracking_number(
                service.region_id, clock.in_zone(now, zone).strftime("%y%m")
            )
            application.save(force_insert=True)
            ExternalCase.objects.create(
                application=application, external_system=system, forwarded_at=now, external_reference=external_reference
            )
            with translation.override(settings.LANGUAGE_CODE):
                opened = _("Diajukan di %(system)s, masuk dengan MPP Digital.") % {"system": system.name}
            Event.objects.create(
                application=application,
                at=now,
                actor=None,
                actor_label=system.name,
                action="handed_over",
                from_status="",
                to_status=to_status,
                note=_event_note(system, f"{opened} {note}".strip(), external_reference),
            )
    except IntegrityError:
        earlier = _reported_before(citizen, key, external_reference)
        if earlier is None:
            raise
        return Reported(earlier, created=False)
    return Reported(application, created=True)


def _reported_before(citizen, key: str, external_reference: str) -> Application | None:
    """The case reported before under this key; IdempotencyKeyReused when that was another case."""
    earlier = Application.objects.select_related("external_case").filter(applicant=citizen, submit_key=key).first()
    if earlier is not None and earlier.external_case.external_reference != external_reference:
        raise IdempotencyKeyReused("This Idempotency-Key was used before for another case.")
    return earlier


class NotHandedOver(DomainError):
    """The system may not report this case: 403."""

    status_code = 403


def _uuid(value: str):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- status updates from the agency system ----------------------------------------------------


@dataclass(frozen=True)
class Applied:
    #: The answer to the update (the same for every request with its Idempotency-Key).
    response: dict
    #: True when the key had been applied before and this request changed nothing.
    replayed: bool


def record_status_update(
    *,
    system: ExternalSystem,
    tracking_number: str,
    status: str,
    idempotency_key: str,
    note: str = "",
    external_reference: str = "",
    now=None,
) -> Applied:
    """Apply an agency system's status update to an application it holds, once per Idempotency-Key.

    Locks the application. Raises NotFound unless the application was forwarded to ``system``,
    Conflict for an update ``TRANSITIONS`` does not allow (a decided application is final), and
    IdempotencyKeyReused when the key came before with another update. Appends an event with
    the system's name, and tells the citizen.
    """
    fingerprint = hashlib.sha256(
        json.dumps([tracking_number, status, note, external_reference], ensure_ascii=False).encode()
    ).hexdigest()
    try:
        with transaction.atomic():
            return _record(system, tracking_number, status, idempotency_key, fingerprint, note, external_reference, now)
    except IntegrityError:
        # The same key committed by a concurrent request meanwhile: answer as that one was answered.
        earlier = StatusUpdate.objects.filter(external_system=system, idempotency_key=idempotency_key).first()
        if earlier is None:
            raise
        return _replay(earlier, fingerprint)


def _record(system, tracking_number, status, key, fingerprint, note, external_reference, now) -> Applied:
    earlier = StatusUpdate.objects.filter(external_system=system, idempotency_key=key).first()
    if earlier is not None:
        return _replay(earlier, fingerprint)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("service__template", "region", "applicant", "external_case")
        .filter(tracking_number=tracking_number, external_case__external_system=system)
        .first()
    )
    if application is None:
        raise NotFound(f"No application {tracking_number[:40]} was forwarded to this system.")
    earlier = StatusUpdate.objects.filter(external_system=system, idempotency_key=key).first()
    if earlier is not None:  # applied while this request waited for the lock
        return _replay(earlier, fingerprint)
    update = understood(system, status, note)
    to_status = TRANSITIONS.get((application.status, update))
    if to_status is None:
        raise Conflict(f"Application {tracking_number} is {application.status}: a {status!r} update cannot follow.")

    now = now or timezone.now()
    from_status = application.status
    application.status = to_status
    if to_status in (Status.APPROVED, Status.REJECTED):
        application.decided_at = now
    application.version += 1
    application.save(update_fields=["status", "decided_at", "version", "updated_at"])
    case = application.external_case
    if external_reference:
        case.external_reference = external_reference
        case.save(update_fields=["external_reference"])
    event = Event.objects.create(
        application=application,
        at=now,
        actor=None,
        actor_label=system.name,
        action=ACTIONS[update],
        from_status=from_status,
        to_status=to_status,
        note=_event_note(system, note, external_reference),
    )
    response = {
        "tracking_number": application.tracking_number,
        "status": application.status,
        "update": status,
        "external_reference": case.external_reference or None,
        "recorded_at": _iso(now),
    }
    StatusUpdate.objects.create(
        external_system=system,
        idempotency_key=key,
        fingerprint=fingerprint,
        application=application,
        event=event,
        status=status,
        note=note,
        external_reference=external_reference,
        received_at=now,
        response=response,
    )
    _tell_applicant(application, update, event, note)
    return Applied(response, replayed=False)


def understood(system: ExternalSystem, status: str, note: str) -> str:
    """What the system's status code means here (its contract's table, or the platform's own three words).

    Raises UpdateRefused for a code the contract does not list, or a rejection without a reason.
    """
    contract = system.parsed_contract
    update = contract.update_for(status) if contract is not None else (status if status in UPDATES else None)
    if update is None:
        known = sorted(contract.statuses) if contract is not None and contract.statuses else list(UPDATES)
        raise UpdateRefused(f"Unknown status {status[:40]!r} for this system; known: {', '.join(known)}.")
    if update == REJECTED and not note.strip():
        raise UpdateRefused("a rejection needs a note: the reason the citizen reads")
    return update


def _replay(earlier: StatusUpdate, fingerprint: str) -> Applied:
    if earlier.fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used before with another update.")
    return Applied(earlier.response, replayed=True)


def _event_note(system: ExternalSystem, note: str, external_reference: str) -> str:
    if not external_reference:
        return note
    with translation.override(settings.LANGUAGE_CODE):
        reference = _("Nomor di %(system)s: %(reference)s") % {"system": system.name, "reference": external_reference}
    return f"{note}\n{reference}" if note else reference


def _tell_applicant(application: Application, kind: str, event: Event, note: str) -> None:
    notify(
        user=application.applicant,
        kind=kind,
        key=f"application-event:{event.pk}",
        application=application,
        now=event.at,
        context={
            "number": application.tracking_number,
            "service": application.service.template.name,
            "due_at": _iso(application.due_at) or "",
            "zone": application.region.time_zone,
            "note": note,
            "url": f"{settings.SITE_URL}/permohonan/{application.tracking_number}/",
            **survey_invitation(application, kind),
        },
    )


# --- the API's client ----------------------------------------------------------------------------


def system_of_client(client_pk) -> ExternalSystem | None:
    """The active agency system that authenticates as OAuth2 client ``client_pk``, or None."""
    return ExternalSystem.objects.filter(client_id=client_pk, is_active=True).first()


def _iso(value):
    return value.isoformat() if value else None
