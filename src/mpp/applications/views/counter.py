"""The assisted channel: a counter officer at the MPP applies for a walk-in citizen.

The officer looks the citizen up in the registry (the lookup is recorded for the citizen with
its reason), records that the citizen, present with their KTP-el, agrees, and fills the same
form the citizen would online, on the citizen's account (opened for them if they have none).
The application carries the channel and the officer; the citizen gets a notice.
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mpp.catalog.models import Service
from mpp.core.errors import DomainError
from mpp.identity import services as identity_services
from mpp.identity.access import officer_required
from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles
from mpp.registry import services as registry
from mpp.registry.dukcapil import Actor, RegistryUnavailable
from mpp.registry.nik import mask_nik, validate_nik

from .. import presence, services
from ..models import Channel
from ..prefilled import known_values
from . import lookup
from .citizen import _field_views, _posted

SESSION_KEY = "applications:walk_in"


class WalkInForm(forms.Form):
    nik = forms.CharField(label=gettext_lazy("NIK warga"), max_length=16)
    service = forms.ChoiceField(label=gettext_lazy("Layanan"))
    phone = forms.RegexField(
        label=gettext_lazy("Nomor ponsel warga (untuk pemberitahuan)"),
        regex=r"^\+628\d{8,11}$",
        required=False,
        error_messages={"invalid": gettext_lazy("Tulis sebagai +628…, misalnya +6281234567890.")},
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Warga hadir, menunjukkan KTP-el, dan setuju permohonan ini diajukan oleh petugas atas namanya."
        )
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(str(service.pk), service.template.name) for service in services]

    def clean_nik(self):
        nik = self.cleaned_data["nik"].strip()
        validate_nik(nik)
        return nik


def _counter_services(officer):
    agencies = [agency for agency, role in agency_roles(officer) if role == Role.COUNTER_OFFICER]
    return list(
        Service.objects.filter(agency_id__in=agencies, is_active=True, mode="application")
        .select_related("template", "current_version__template_version", "region", "agency")
        .order_by("template__name")
    )


@officer_required
@require_http_methods(["GET", "POST"])
def start(request):
    """Who is applying, for what, and their consent; the registry is asked who they are."""
    offered = [s for s in _counter_services(request.user) if s.current_version.template_version.parsed_form]
    if not offered:
        raise Http404
    # From the queue console: the ticket's service chosen, the visit carried to the application.
    visit = _visit(request.POST.get("kunjungan") or request.GET.get("kunjungan", ""))
    form = WalkInForm(request.POST or None, services=offered, initial={"service": request.GET.get("layanan", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            service = next(s for s in offered if str(s.pk) == form.cleaned_data["service"])
            nik = form.cleaned_data["nik"]
            with translation.override(settings.LANGUAGE_CODE):
                purpose = _("Permohonan di loket MPP: %(service)s") % {"service": service.template.name}
            actor = Actor(_counter_label(service), purpose)
            try:
                person = registry.read_person(nik=nik, actor=actor, actor_user=request.user)
                if person is not None and person.kk_number:
                    registry.read_family(
                        kk_number=person.kk_number, subject_nik=nik, actor=actor, actor_user=request.user
                    )
            except RegistryUnavailable:
                form.add_error(None, _("Database kependudukan sedang tidak dapat dihubungi. Coba lagi sebentar."))
                person = False
            if person is None:
                form.add_error("nik", _("NIK ini tidak ditemukan di database kependudukan."))
            if person:
                citizen = identity_services.account_for_walk_in(nik=nik, phone=form.cleaned_data["phone"])
                request.session[SESSION_KEY] = {
                    "citizen": citizen.pk,
                    "service": str(service.pk),
                    "consent_at": timezone.now().isoformat(),
                    "visit": str(visit) if visit else "",
                }
                return redirect("applications:counter_form")
        status = 400
    return render(request, "applications/counter_start.html", {"form": form, "visit": visit}, status=status)


def _visit(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@officer_required
@require_http_methods(["GET", "POST"])
def apply(request):
    """The service's form for the walk-in citizen, prefilled from their registry data, submitted for them."""
    walk_in = request.session.get(SESSION_KEY)
    offered = {str(s.pk): s for s in _counter_services(request.user)}
    if not walk_in or walk_in["service"] not in offered:
        return redirect("applications:counter")
    service = offered[walk_in["service"]]
    citizen = identity_services.User.objects.get(pk=walk_in["citizen"])
    schema = service.current_version.template_version.parsed_form
    known = known_values(schema, applicant=citizen)
    errors, problem, status, data = {}, "", 200, {}
    if request.method == "POST":
        data, upload_errors = _posted(request, schema, owner=citizen)
        try:
            if upload_errors:
                raise services.FormInvalid(upload_errors)
            result = services.submit(
                applicant=citizen,
                service=service,
                data=data,
                submit_key=request.POST.get("submit_key", ""),
                channel=Channel.COUNTER,
                entered_by=request.user,
                visit=walk_in.get("visit") or None,
            )
        except services.FormInvalid as invalid:
            errors, problem, status = invalid.errors | upload_errors, invalid.message, 422
        except (DomainError, ValidationError) as refused:
            problem, status = getattr(refused, "message", str(refused)), 400
        else:
            del request.session[SESSION_KEY]
            number = result.application.tracking_number
            messages.success(request, _("Permohonan diajukan dengan nomor %(number)s.") % {"number": number})
            return redirect("applications:officer_detail", application_id=result.application.pk)
    context = {
        "service": service,
        "citizen_nik": mask_nik(citizen.nik),
        "fields": _field_views(schema, known, data, errors, citizen),
        "problem": problem,
        "submit_key": request.POST.get("submit_key") or f"counter-{walk_in['consent_at']}",
        "region_start": service.region_id,
    }
    return render(request, "applications/counter_form.html", context, status=status)


@officer_required
@require_http_methods(["GET", "POST"])
def find(request):
    """A citizen at the counter about their application: its number and the last four digits of their NIK open it
    for this officer, for a while (``presence``). Wrong pairs and other agencies' numbers look the same; limited."""
    agencies = {agency for agency, role in agency_roles(request.user) if role == Role.COUNTER_OFFICER}
    if not agencies:
        raise Http404
    form, application, status = lookup.look_up(request, group="counter-find", asker="user", rate="60/h")
    if application is not None:
        if application.agency_id in agencies:
            presence.mark_present(request, application.pk)
            return redirect("applications:officer_detail", application_id=application.pk)
        lookup.not_found(form)  # another agency's: the same answer as an unknown number
        status = 404
    return render(request, "applications/counter_find.html", {"form": form}, status=status)


def _counter_label(service) -> str:
    """The officer as the citizen's data-use page names them: role and agency, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{Role.COUNTER_OFFICER.label} · {service.agency.name}"
