"""Agency systems for a region's MPP manager (and the ministry): each connector's health, its contract, the
services it takes. Thin: the form reads the contract, ``connectors`` checks and writes it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mpp.catalog.models import Agency, Service
from mpp.core.tenancy import region_scope
from mpp.identity.access import has_role, role_required
from mpp.identity.models import Role
from mpp.notifications.webhooks import variables
from mpp.regions import selectors as region_selectors

from .. import connectors
from ..forms import ConnectorForm, ConnectServiceForm
from ..models import ExternalSystem

KEEPERS = (Role.MPP_MANAGER, Role.MINISTRY)


def _region(request) -> str | None:
    """The region the page is about: the one asked for (``?wilayah=``) within the user's scope, the manager's only
    one, or None for the ministry's national list."""
    scope = region_scope(request.user)
    asked = request.GET.get("wilayah") or request.POST.get("wilayah")
    if asked:
        if not scope.allows(asked) or len(asked) != 5:
            raise Http404
        return asked
    if scope.is_national:
        return None
    if not scope.codes:
        raise Http404
    return sorted(scope.codes)[0]


def _may_change(user, system: ExternalSystem) -> bool:
    """A region's systems are its managers' (and the ministry's); a national system is the ministry's."""
    if system.agency_id is None:
        return has_role(user, Role.MINISTRY)
    return region_scope(user).allows(system.agency.region_id)


@role_required(*KEEPERS)
def health(request):
    region = _region(request)
    rows = connectors.health(region, now=timezone.now())
    zone = getattr(region_selectors.region(region), "time_zone", None) if region else None
    return render(request, "applications/connectors.html", {"rows": rows, "region": region, "zone": zone})


def _agencies(request, region):
    agencies = Agency.objects.filter(village__isnull=True).select_related("kind").order_by("name")
    return agencies.filter(region_id=region) if region else agencies.none()


@role_required(*KEEPERS)
@require_http_methods(["GET", "POST"])
def add(request):
    region = _region(request)
    if region is None:
        raise Http404  # the ministry adds a region's system from that region's page (?wilayah=)
    form = ConnectorForm(request.POST or None, agencies=_agencies(request, region))
    if request.method == "POST" and form.is_valid():
        try:
            registered = connectors.connect(
                name=form.cleaned_data["name"],
                mode=form.cleaned_data["mode"],
                agency=form.cleaned_data["agency"],
                contract=form.contract(),
                sign_in_client=form.cleaned_data.get("sign_in_client"),
            )
        except ValidationError as invalid:
            form.add_contract_errors(invalid)
        else:
            return render(
                request,
                "applications/connector_created.html",
                {
                    "system": registered.system,
                    "client_secret": registered.client_secret,
                    "variables": variables(form.cleaned_data["credentials"])
                    if form.cleaned_data["credentials"]
                    else (),
                },
            )
    return render(request, "applications/connector_form.html", {"form": form, "region": region}, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _system(request, system_id) -> ExternalSystem:
    system = (
        ExternalSystem.objects.select_related("agency", "agency_kind", "client", "webhook").filter(pk=system_id).first()
    )
    if system is None or not (system.agency_id is None or region_scope(request.user).allows(system.agency.region_id)):
        raise Http404
    return system


def _connectable(system: ExternalSystem, region: str | None):
    services = Service.objects.filter(is_active=True).select_related("template", "agency").order_by("template__name")
    if system.agency_id:
        return services.filter(agency=system.agency)
    return services.filter(agency__kind=system.agency_kind, region_id=region) if region else services.none()


@role_required(*KEEPERS)
@require_http_methods(["GET", "POST"])
def edit(request, system_id):
    system = _system(request, system_id)
    region = system.agency.region_id if system.agency_id else _region(request)
    may_change = _may_change(request.user, system)
    form = ConnectorForm(request.POST or None, system=system)
    if request.method == "POST":
        if not may_change:
            raise Http404
        if form.is_valid():
            try:
                connectors.change_contract(system=system, contract=form.contract())
            except ValidationError as invalid:
                form.add_contract_errors(invalid)
            else:
                messages.success(request, _("Kontrak %(system)s disimpan.") % {"system": system.name})
                return redirect("applications:connector", system_id=system.pk)
    context = {
        "system": system,
        "form": form,
        "may_change": may_change,
        "connect_form": ConnectServiceForm(services=_connectable(system, region)),
        "connected": Service.objects.filter(forwarding__external_system=system).select_related("template", "region"),
        "variables": variables(system.webhook.credentials) if system.webhook_id and system.webhook.credentials else (),
        "region": region,
    }
    return render(request, "applications/connector_form.html", context, status=_status(form))


@role_required(*KEEPERS)
@require_POST
def connect_service(request, system_id):
    system = _system(request, system_id)
    region = system.agency.region_id if system.agency_id else _region(request)
    form = ConnectServiceForm(request.POST, services=_connectable(system, region))
    if not _may_change(request.user, system) and not (system.agency_id is None and region):
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Pilih layanan yang diselenggarakan instansi sistem ini."))
    else:
        try:
            connectors.connect_service(service=form.cleaned_data["service"], system=system)
        except ValidationError as invalid:
            messages.error(request, " ".join(message for errors in invalid.message_dict.values() for message in errors))
        else:
            messages.success(
                request,
                _("%(service)s kini diajukan daring melalui %(system)s.")
                % {"service": form.cleaned_data["service"].template.name, "system": system.name},
            )
    return redirect("applications:connector", system_id=system.pk)
