"""Connecting agency systems by their contracts (``contract.Contract``): what a region's manager — or the
ministry, for a national system — configures without code, and how each connector fares.

A connector never loses an application: a forwarded one waits in the outbox, retried by its contract's
policy, and its page says so (``delivery_note``); the health page shows each system's last success, its
error rate over the last day, its queue and the oldest application still waiting.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from pydantic import ValidationError as SchemaError

from mpp.catalog.models import Agency, Mode, Service
from mpp.notifications import webhooks
from mpp.notifications.models import Delivery, EndpointHour, OutboxMessage

from .contract import Contract, missing_fields
from .forwarding import Registered, delivery_of, forward_service, new_system_client
from .models import ConnectorMode, ExternalCase, ExternalSystem, Forwarding


def parse(contract: dict) -> Contract:
    """The contract, or ValidationError naming what is wrong with it (for the form's ``contract`` field)."""
    try:
        return Contract.model_validate(contract)
    except SchemaError as invalid:
        reasons = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'kontrak'}: {error['msg']}" for error in invalid.errors()
        )
        raise ValidationError({"contract": _("Kontrak tidak sah — %(reasons)s") % {"reasons": reasons}}) from None


def _check_forms(contract: Contract, services) -> None:
    forms = {}
    for service in services:
        form = service.current_version.template_version.parsed_form
        forms[service.template.name] = {field.name for field in form.fields} if form else set()
    problems = missing_fields(contract, forms)
    if problems:
        raise ValidationError(
            {
                "fields": _("Pemetaan merujuk isian yang tidak ada di formulir layanan — %(problems)s")
                % {"problems": "; ".join(problems)}
            }
        )


def _connected_services(system: ExternalSystem):
    return Service.objects.filter(forwarding__external_system=system).select_related(
        "template", "current_version__template_version"
    )


@transaction.atomic
def connect(
    *,
    name: str,
    mode: str,
    contract: dict,
    agency: Agency | None = None,
    agency_kind=None,
    client_id: str = "",
    client_secret: str = "",
    sign_in_client=None,
) -> Registered:
    """Register an agency system by its contract: its OAuth2 system client (shown once: ``client_secret``) and,
    when forwarded, its named endpoint. A national system has ``agency_kind`` and no ``agency``.
    Raises ValidationError (the contract's reason, a missing agency, a taken client id)."""
    parsed = parse(contract)
    if agency is None and agency_kind is None:
        raise ValidationError({"agency": _("Pilih instansi, atau jenis instansi untuk sistem nasional.")})
    _check_mode(mode, parsed)
    if mode == ConnectorMode.HANDED_OVER and sign_in_client is None:
        raise ValidationError(
            {
                "sign_in_client": _(
                    "Pilih klien masuk tunggal portal instansi: warganya masuk dengan MPP Digital di sana."
                )
            }
        )
    registered_secret = client_secret or generate_client_secret()
    client = new_system_client(
        name=name,
        agency_name=agency.name if agency is not None else _("%(kind)s (nasional)") % {"kind": agency_kind.name},
        client_id=client_id,
        client_secret=registered_secret,
    )
    endpoint = webhooks.new_endpoint(credentials=parsed.credentials) if mode == ConnectorMode.FORWARDED else None
    system = ExternalSystem(
        name=name,
        mode=mode,
        agency=agency,
        agency_kind=agency.kind if agency is not None else agency_kind,
        webhook=endpoint,
        client=client,
        sign_in_client=sign_in_client,
        contract=parsed.model_dump(mode="json"),
    )
    system.full_clean()
    system.save()
    _apply_policy(system, parsed)
    return Registered(system, registered_secret)


@transaction.atomic
def change_contract(*, system: ExternalSystem, contract: dict) -> ExternalSystem:
    """The system's new contract, checked against the forms of the services it takes; the outbox's delivery
    policy and named credentials follow it. Raises ValidationError with the reason; nothing changes then."""
    system = ExternalSystem.objects.select_for_update(of=("self",)).select_related("webhook").get(pk=system.pk)
    parsed = parse(contract)
    _check_mode(system.mode, parsed)
    _check_forms(parsed, _connected_services(system))
    system.contract = parsed.model_dump(mode="json")
    system.save(update_fields=["contract", "updated_at"])
    system.__dict__.pop("parsed_contract", None)
    _apply_policy(system, parsed)
    return system


def _check_mode(mode: str, contract: Contract) -> None:
    if mode == ConnectorMode.HANDED_OVER and not contract.portal_url:
        raise ValidationError({"portal_url": _("Sistem yang diserahkan perlu alamat portalnya.")})
    if mode == ConnectorMode.FORWARDED and not contract.credentials:
        raise ValidationError({"credentials": _("Sistem yang menerima permohonan perlu nama kredensial alamatnya.")})


def _apply_policy(system: ExternalSystem, contract: Contract) -> None:
    endpoint = system.webhook
    if endpoint is None:
        return
    if endpoint.credentials != contract.credentials:
        endpoint.credentials, endpoint.url, endpoint.secret = contract.credentials, "", ""
        endpoint.full_clean()
        endpoint.save(update_fields=["credentials", "url", "secret", "updated_at"])
    webhooks.set_policy(
        endpoint,
        timeout_seconds=contract.timeout_seconds,
        attempts=contract.retry.attempts,
        first_delay=contract.retry.first_delay_seconds,
        max_delay=contract.retry.max_delay_seconds,
    )


@transaction.atomic
def connect_service(*, service: Service, system: ExternalSystem) -> Forwarding:
    """From now on the region's ``service`` goes through ``system`` (forwarded, or applied for at its portal): it
    is an online service there. Raises ValidationError when the system does not serve the service's agency or
    its contract reads form fields the service's form lacks."""
    service = Service.objects.select_related("template", "agency", "current_version__template_version").get(
        pk=service.pk
    )
    if system.parsed_contract is not None:
        _check_forms(system.parsed_contract, [service])
    forwarding = forward_service(service=service, external_system=system)
    if service.mode != Mode.APPLICATION:
        service.mode = Mode.APPLICATION
        service.save(update_fields=["mode", "updated_at"])
    return forwarding


# --- how connectors fare ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    system_id: object
    name: str
    mode: str
    #: The system's agency, or "national" and its kind.
    agency: str
    url: str
    last_success_at: object
    last_error: str
    attempts: int
    failures: int
    #: Applications waiting to be delivered (pending), and those that failed for good (an operator resends them).
    waiting: int
    failed: int
    oldest_waiting_at: object

    @property
    def mode_label(self) -> str:
        return ConnectorMode(self.mode).label

    @property
    def error_percent(self) -> int | None:
        """Failed attempts in the last 24 hours, in whole percent; None without attempts."""
        return round(100 * self.failures / self.attempts) if self.attempts else None

    @property
    def is_healthy(self) -> bool:
        """Nothing failed for good, under a fifth of the day's attempts failed, and the last error is not holding
        applications back now."""
        return not self.failed and (self.error_percent or 0) < 20 and not (self.waiting and self.last_error)


def systems_of(region_code: str | None):
    """The systems serving a region: its agencies' own and the national ones of its agencies' kinds (every
    system when ``region_code`` is None: the ministry)."""
    systems = ExternalSystem.objects.order_by("name")
    if region_code is None:
        return systems
    kinds = Agency.objects.filter(region_id=region_code).values("kind_id")
    return systems.filter(Q(agency__region_id=region_code) | Q(agency__isnull=True, agency_kind_id__in=kinds))


def health(region_code: str | None, *, now=None) -> list[Health]:
    """Each connector of the region with its figures: four queries and plain rows (no model objects), whatever the
    number of applications."""
    now = now or timezone.now()
    systems = list(
        systems_of(region_code).values(
            "id",
            "name",
            "mode",
            "agency__name",
            "agency_kind__name",
            "webhook_id",
            "webhook__health__last_success_at",
            "webhook__health__last_error",
        )
    )
    endpoints = [system["webhook_id"] for system in systems if system["webhook_id"]]
    queued = {
        row["endpoint_id"]: row
        for row in OutboxMessage.objects.filter(endpoint_id__in=endpoints)
        .exclude(status=Delivery.SENT)
        .values("endpoint_id")
        .annotate(
            waiting=Count("id", filter=Q(status=Delivery.PENDING)),
            failed=Count("id", filter=Q(status=Delivery.FAILED)),
            oldest=Min("created_at", filter=Q(status=Delivery.PENDING)),
        )
    }
    day = {
        row["endpoint_id"]: row
        for row in EndpointHour.objects.filter(endpoint_id__in=endpoints, hour__gte=now - timedelta(hours=24))
        .values("endpoint_id")
        .annotate(attempts=Sum("attempts"), failures=Sum("failures"))
    }
    handed = [system["id"] for system in systems if system["mode"] == ConnectorMode.HANDED_OVER]
    reported = dict(
        ExternalCase.objects.filter(external_system_id__in=handed)
        .values("external_system_id")
        .annotate(at=Max("forwarded_at"))
        .values_list("external_system_id", "at")
    )
    placeholder = uuid.UUID(int=0)
    link = reverse("applications:connector", args=[placeholder])  # once; each row's is this with its id
    national = _("Sistem nasional")
    rows = []
    for system in systems:
        queue, hours = queued.get(system["webhook_id"], {}), day.get(system["webhook_id"], {})
        rows.append(
            Health(
                system_id=system["id"],
                name=system["name"],
                mode=system["mode"],
                agency=system["agency__name"] or f"{national} · {system['agency_kind__name']}",
                url=link.replace(str(placeholder), str(system["id"])),
                last_success_at=system["webhook__health__last_success_at"] or reported.get(system["id"]),
                last_error=system["webhook__health__last_error"] or "",
                attempts=hours.get("attempts") or 0,
                failures=hours.get("failures") or 0,
                waiting=queue.get("waiting") or 0,
                failed=queue.get("failed") or 0,
                oldest_waiting_at=queue.get("oldest"),
            )
        )
    return rows


def delivery_note(application_id) -> dict | None:
    """How the forwarding of an application fares, for its pages: None once delivered, while its first attempt
    has not been made, or when it was never forwarded."""
    message = delivery_of(application_id=application_id)
    if message is None or message.status == Delivery.SENT or message.attempts == 0:
        return None
    return {"status": message.status, "attempts": message.attempts, "next_at": message.next_attempt_at}
