"""The officers' back office: their worklist, an application's file, and the actions of its step.

Every page starts from a scoped selector (``selectors.worklist``, ``selectors.application_for_officer``):
an application outside the officer's agencies is simply not found. Actions go through
``services.act`` / ``services.claim`` with the version the officer saw, so a page that went stale
while they read it answers 409 instead of overwriting another officer's decision.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mpp.catalog.models import Service
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.forms.schema import AddressField, ChoiceField, DeclarationField, DocumentField, PersonField
from mpp.identity.access import officer_required
from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles
from mpp.regions.models import Region
from mpp.registry import services as registry
from mpp.registry.dukcapil import Actor, RegistryUnavailable

from .. import calendar, presence, selectors, services
from ..access import officer_label, record_officer_view, shown_fields
from ..links import file_url
from ..models import Application, Channel, Status
from ..workflows import REJECTED, REVISION, WORKFLOWS, workflow_named

PAGE_SIZE = 25

ORDER_LABELS = {
    "due": gettext_lazy("Batas waktu tahap terdekat"),
    "-due": gettext_lazy("Batas waktu tahap terjauh"),
    "submitted": gettext_lazy("Diajukan paling awal"),
    "-submitted": gettext_lazy("Diajukan paling akhir"),
}
BASIS_LABELS = {
    "self": gettext_lazy("Untuk diri sendiri"),
    "parent_of_minor": gettext_lazy("Orang tua untuk anaknya yang belum dewasa"),
    "delegation": gettext_lazy("Penerima kuasa"),
}
EVENT_LABELS = {"submit": gettext_lazy("Permohonan diajukan"), "resubmit": gettext_lazy("Perbaikan dikirim pemohon")}
HELD_BY_LABELS = {
    "registry": gettext_lazy("Data yang dipegang negara"),
    "issued_document": gettext_lazy("Dokumen yang pernah diterbitkan pemerintah"),
}
BAD_FORM = gettext_lazy("Formulir tidak lengkap atau sudah tidak berlaku. Muat ulang halaman lalu coba lagi.")
LOOKUP_REASON_NEEDED = gettext_lazy("Tuliskan alasan pemeriksaan (paling sedikit 10 karakter): warga membacanya.")
REGISTRY_DOWN = gettext_lazy("Database kependudukan sedang tidak dapat dihubungi. Coba lagi sebentar.")
NOT_IN_REGISTRY = gettext_lazy("NIK ini tidak ditemukan di database kependudukan.")
REJECTION_UNCONFIRMED = gettext_lazy(
    "Permohonan belum ditolak: centang pernyataan bahwa Anda mengerti penolakan ini tidak dapat dibatalkan."
)


# --- the worklist ----------------------------------------------------------------------------


class WorklistFilter(forms.Form):
    mine = forms.BooleanField(label=gettext_lazy("Hanya yang saya ambil"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Hanya yang lewat batas waktu tahap"), required=False)
    service = forms.ChoiceField(label=gettext_lazy("Layanan"), required=False)
    order = forms.ChoiceField(
        label=gettext_lazy("Urutkan"),
        required=False,
        choices=[(key, ORDER_LABELS.get(key, key)) for key in selectors.WORKLIST_ORDERS],
    )

    def __init__(self, data, *, services_offered):
        super().__init__(data)
        self.fields["service"].choices = [("", _("Semua layanan")), *services_offered]


@dataclass(frozen=True)
class Deadline:
    at: dt.datetime
    #: Working days left after today: 0 on the last day, negative when late.
    days_left: int

    @property
    def is_overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left


def _deadline(now, at, zone) -> Deadline | None:
    return Deadline(at, calendar.working_days_left(now, at, zone)) if at else None


@dataclass(frozen=True)
class WorklistRow:
    #: The application as the page reads it, in plain values (model instances for the application, its service,
    #: template and assignee cost more CPU than the page's template: issue #16).
    application: dict
    url: str
    channel: str
    #: The region's IANA zone: its times are shown there, labelled (``mpp.core.clock``).
    zone: str
    step_label: str
    step_due: Deadline | None
    is_mine: bool


_ANY_ID = uuid.UUID(int=0)


@officer_required
@require_GET
def worklist(request):
    officer = request.user
    offered = [
        (str(pk), name)
        for pk, name in Service.objects.filter(agency_id__in=selectors.officer_agencies(officer))
        .order_by("template__name")
        .values_list("id", "template__name")
    ]
    filters = WorklistFilter(request.GET, services_offered=offered)
    filters.is_valid()  # an invalid filter is shown with its error and left out; the others still apply
    chosen = filters.cleaned_data
    listed = selectors.worklist(
        officer,
        mine=chosen.get("mine", False),
        overdue=chosen.get("overdue", False),
        service=chosen.get("service") or None,
        order=chosen.get("order") or "due",
    )
    paginator = Paginator(
        selectors.with_duplicate_flag(listed).values(
            "id",
            "channel",
            "step",
            "step_due_at",
            "assignee_id",
            "has_duplicate",
            "tracking_number",
            "beneficiary_name",
            service_name=F("service__template__name"),
            assignee_username=F("assignee__username"),
            zone=F("region__time_zone"),
            workflow_name=F("service__template__workflow"),
        ),
        PAGE_SIZE,
    )
    # Counted without the page's joins: an index-only scan instead of a heap page per waiting application.
    paginator.count = listed.order_by().count()
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    # Worked out once per page, not per card: the link differs only by the id, the labels not at all.
    detail = reverse("applications:officer_detail", args=[_ANY_ID])
    channels = {channel.value: str(channel.label) for channel in Channel}
    rows = [
        WorklistRow(
            application=row,
            url=detail.replace(str(_ANY_ID), str(row["id"])),
            channel=channels.get(row["channel"], row["channel"]),
            zone=row["zone"],
            step_label=_step_label(row["workflow_name"], row["step"]),
            step_due=_deadline(now, row["step_due_at"], row["zone"]),
            is_mine=row["assignee_id"] == officer.pk,
        )
        for row in page
    ]
    context = {"filters": filters, "page": page, "rows": rows, "has_roles": bool(agency_roles(officer))}
    return render(request, "applications/officer_worklist.html", context)


def _step_label(workflow_name: str, code: str) -> str:
    workflow = WORKFLOWS.get(workflow_name)
    step = workflow.step(code) if workflow else None
    return str(step.label) if step else code


# --- one application -------------------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """What the officer sent with an action that was refused, to show it again."""

    action: str
    note: str = ""
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShownField:
    name: str
    label: str
    value: str
    #: Where a prefilled value came from ("" when the citizen entered it).
    source: str
    locked: bool
    flagged: bool
    #: For a document: where the officer opens it (each opening is recorded for the citizen).
    link: str = ""


@dataclass(frozen=True)
class RequirementCheck:
    name: str
    mandatory: bool
    held_by: str
    held_source: str
    #: The form fields that carry the citizen's document for it: (label, provided).
    documents: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class ActionForm:
    name: str
    label: str
    needs_note: bool
    note: str
    error: str
    #: Only for a revision: the non-locked fields the officer may flag, as (name, label, checked).
    flaggable: tuple[tuple[str, str, bool], ...]
    #: A rejection ends the application for good: the form asks the officer to confirm it.
    is_rejection: bool = False


@officer_required
@require_GET
def detail(request, application_id):
    return _render_detail(request, _application_or_404(request, application_id))


class ClaimForm(forms.Form):
    version = forms.IntegerField(min_value=0)


class ActForm(forms.Form):
    version = forms.IntegerField(min_value=0)
    action = forms.CharField(max_length=24)
    note = forms.CharField(required=False, max_length=2000)
    #: The officer's "I understand" on a rejection (``_is_rejection``); other actions ignore it.
    confirm = forms.BooleanField(required=False)


@officer_required
@require_POST
def claim(request, application_id):
    application = _application_or_404(request, application_id)
    form = ClaimForm(request.POST)
    typed = Typed(action="claim")
    if not form.is_valid():
        return _render_detail(request, application, status=400, typed=typed, error=str(BAD_FORM))
    try:
        services.claim(
            application_id=application.pk, officer=request.user, expected_version=form.cleaned_data["version"]
        )
    except NotFound:
        raise Http404 from None
    except Conflict as conflict:
        fresh = _application_or_404(request, application_id)
        return _render_detail(request, fresh, status=409, alert=conflict.message)
    except DomainError as error:
        return _render_detail(request, application, status=400, typed=typed, error=error.message)
    messages.success(request, _("Permohonan ini sekarang Anda tangani. Petugas lain melihat bahwa Anda mengambilnya."))
    return redirect("applications:officer_detail", application_id=application.pk)


@officer_required
@require_POST
def act(request, application_id):
    application = _application_or_404(request, application_id)
    form = ActForm(request.POST)
    # Bounded: a forged request cannot make the page echo back megabytes.
    typed = Typed(
        action=request.POST.get("action", "")[:24],
        note=request.POST.get("note", "")[:2000],
        fields=tuple(name[:60] for name in request.POST.getlist("fields")[:200]),
    )
    if not form.is_valid():
        message = form.errors["note"][0] if "note" in form.errors else str(BAD_FORM)
        return _render_detail(request, application, status=400, typed=typed, error=message)
    if _is_rejection(application, typed.action) and not form.cleaned_data["confirm"]:
        # Checked here, not in services.act: agency systems decide through the API without a form.
        return _render_detail(request, application, status=400, typed=typed, error=str(REJECTION_UNCONFIRMED))
    try:
        services.act(
            application_id=application.pk,
            officer=request.user,
            action=form.cleaned_data["action"],
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            fields=typed.fields,
        )
    except NotFound:
        raise Http404 from None
    except Conflict as conflict:
        fresh = _application_or_404(request, application_id)
        return _render_detail(request, fresh, status=409, typed=typed, alert=conflict.message)
    except DomainError as error:
        return _render_detail(request, application, status=400, typed=typed, error=error.message)
    messages.success(request, _("Tindakan dicatat: %(action)s.") % {"action": _action_label(application, typed.action)})
    return redirect("applications:officer_detail", application_id=application.pk)


@officer_required
@require_POST
def assign(request, application_id):
    """An approving official hands the current step to a named officer."""
    application = _application_or_404(request, application_id)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, application, status=400, error=str(BAD_FORM))
    try:
        services.assign(
            application_id=application.pk,
            supervisor=request.user,
            officer_id=request.POST.get("officer", ""),
            expected_version=form.cleaned_data["version"],
        )
    except NotFound:
        raise Http404 from None
    except Conflict as conflict:
        return _render_detail(request, _application_or_404(request, application_id), status=409, alert=conflict.message)
    except (DomainError, ValueError) as error:
        return _render_detail(request, application, status=400, error=getattr(error, "message", str(BAD_FORM)))
    messages.success(request, _("Permohonan ditugaskan."))
    return redirect("applications:officer_detail", application_id=application.pk)


@officer_required
@require_POST
def registry_lookup(request, application_id):
    """On-demand registry lookup of the applicant, with the officer's reason; recorded for the citizen."""
    application = _application_or_404(request, application_id)
    reason = " ".join(request.POST.get("reason", "").split())[:200]
    if len(reason) < 10:
        return _render_detail(request, application, status=400, lookup_error=str(LOOKUP_REASON_NEEDED))
    nik = application.beneficiary_nik or application.applicant.nik
    with translation.override(settings.LANGUAGE_CODE):
        purpose = f"{reason} ({gettext('permohonan')} {application.tracking_number})"
    try:
        person = registry.read_person(
            nik=nik, actor=Actor(officer_label(application, request.user), purpose), actor_user=request.user
        )
    except RegistryUnavailable:
        return _render_detail(request, application, status=503, lookup_error=str(REGISTRY_DOWN))
    return _render_detail(request, application, person=person, lookup_error="" if person else str(NOT_IN_REGISTRY))


def _application_or_404(request, application_id) -> Application:
    application = selectors.application_for_officer(request.user, application_id, present=presence.present_ids(request))
    if application is None:
        raise Http404
    return application


def _is_rejection(application: Application, name: str) -> bool:
    """Whether ``name`` is an action of the application's current step that rejects it."""
    step = workflow_named(application.service.template.workflow).step(application.step or "")
    action = step.action(name) if step else None
    return action is not None and action.goes_to == REJECTED


def _action_label(application: Application, name: str) -> str:
    workflow = WORKFLOWS.get(application.service.template.workflow)
    labels = {action.name: action.label for step in (workflow.steps if workflow else ()) for action in step.actions}
    return str(labels.get(name, name))


def _render_detail(
    request, application, *, status=200, typed: Typed | None = None, error="", alert="", person=None, lookup_error=""
):
    """The application's file as the officer sees it; every rendering is recorded as a use of the citizen's data."""
    officer = request.user
    record_officer_view(application, officer)
    workflow = workflow_named(application.service.template.workflow)
    step = workflow.step(application.step) if application.step else None
    form = application.service_version.template_version.parsed_form
    english = get_language() == "en"
    zone = application.region.time_zone
    now = timezone.now()
    clock_runs = application.status in (Status.IN_PROGRESS, Status.FORWARDED)
    may_act = (
        application.status == Status.IN_PROGRESS
        and step is not None
        and (application.agency_id, application.step_role) in agency_roles(officer)
    )
    held_by_other = application.assignee_id not in (None, officer.pk)
    actions = _action_forms(step, form, english, typed, error) if may_act and not held_by_other else []
    shown_error = "" if any(action.error for action in actions) else error
    context = {
        "application": application,
        "zone": zone,
        "step_label": step.label if step else "",
        "due": _deadline(now, application.due_at, zone) if clock_runs else None,
        "step_due": _deadline(now, application.step_due_at, zone) if clock_runs else None,
        "basis_label": BASIS_LABELS.get(application.basis, application.basis),
        "fields": _shown_fields(application, form, english, officer),
        "checklist": _checklist(application, form, english),
        "timeline": _timeline(application, workflow, form, english),
        "may_claim": may_act and application.assignee_id is None,
        "is_mine": application.assignee_id == officer.pk,
        "held_by_other": held_by_other,
        "actions": actions,
        "alert": alert,
        "error": shown_error,
        "person": person,
        "lookup_error": lookup_error,
        "may_revoke": (application.agency_id, Role.APPROVER) in agency_roles(officer),
        # A visit served at the counter: its counter officers may give the citizen a survey code (mpp.surveys).
        "may_issue_survey_code": application.channel == Channel.COUNTER
        and (application.agency_id, Role.COUNTER_OFFICER) in agency_roles(officer),
        "duplicates": selectors.likely_duplicates(application),
        "assignable": selectors.assignable_officers(application)
        if application.status == Status.IN_PROGRESS and (application.agency_id, Role.APPROVER) in agency_roles(officer)
        else [],
    }
    return render(request, "applications/officer_detail.html", context, status=status)


def _label(spec, english: bool) -> str:
    return spec.label_en if english and spec.label_en else spec.label


def _shown_fields(application: Application, form, english: bool, officer) -> list[ShownField]:
    if form is None:
        return []
    villages = _village_names(form, application.data)
    shown = []
    for name in shown_fields(application):
        spec = form.field(name)
        provenance = application.provenance.get(name) or {}
        shown.append(
            ShownField(
                name=name,
                label=_label(spec, english),
                value=_display(spec, application.data[name], english, villages),
                source=provenance.get("label", ""),
                locked=spec.locked,
                flagged=name in application.revision_fields,
                link=_document_link(spec, application.data[name], officer),
            )
        )
    return shown


def _village_names(form, data: dict) -> dict[str, str]:
    codes = [
        value.get("village_code")
        for name, value in data.items()
        if isinstance(form.field(name), AddressField) and isinstance(value, dict)
    ]
    if not codes:
        return {}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def _document_link(spec, value, officer) -> str:
    if isinstance(spec, DocumentField) and isinstance(value, dict) and value.get("source") in ("upload", "vault"):
        return file_url(value["id"], officer)
    return ""


def _display(spec, value, english: bool, villages: dict[str, str]) -> str:
    """A stored form value as an officer reads it."""
    if isinstance(spec, ChoiceField):
        choice = next((choice for choice in spec.choices if choice.value == value), None)
        return (choice.label_en if english else choice.label) if choice else str(value)
    if isinstance(spec, PersonField) and isinstance(value, dict):
        return _("NIK %(nik)s") % {"nik": value.get("nik", "")}
    if isinstance(spec, AddressField) and isinstance(value, dict):
        village = villages.get(value.get("village_code"), value.get("village_code", ""))
        return f"{value.get('street', '')}, RT {value.get('rt', '')}/RW {value.get('rw', '')}, {village}"
    if isinstance(spec, DocumentField) and isinstance(value, dict):
        origin = _("Dari brankas dokumen") if value.get("source") == "vault" else _("Berkas unggahan")
        return f"{origin} · {str(value.get('id', ''))[:8]}"
    if isinstance(spec, DeclarationField):
        return _("Dinyatakan benar oleh pemohon") if value else _("Tidak dinyatakan")
    return str(value)


def _checklist(application: Application, form, english: bool) -> list[RequirementCheck]:
    documents = [field for field in (form.fields if form else ()) if isinstance(field, DocumentField)]
    checks = []
    for requirement in application.service_version.parsed.requirements:
        checks.append(
            RequirementCheck(
                name=requirement.name,
                mandatory=requirement.mandatory,
                held_by=str(HELD_BY_LABELS.get(requirement.held_by_state, "")) if requirement.held_by_state else "",
                held_source=requirement.held_source,
                documents=tuple(
                    (_label(field, english), field.name in application.data)
                    for field in documents
                    if field.requirement == requirement.code
                ),
            )
        )
    return checks


def _timeline(application: Application, workflow, form, english: bool) -> list[dict]:
    labels = {action.name: action.label for step in workflow.steps for action in step.actions} | EVENT_LABELS
    statuses = dict(Status.choices)

    def field_label(name):
        spec = form.field(name) if form else None
        return _label(spec, english) if spec else name

    return [
        {
            "at": event.at,
            "actor_label": event.actor_label,
            "action": labels.get(event.action, event.action),
            "status": statuses.get(event.to_status, event.to_status),
            "note": event.note,
            "fields": [field_label(name) for name in event.fields],
        }
        for event in selectors.timeline(application)
    ]


def _action_forms(step, form, english: bool, typed: Typed | None, error: str) -> list[ActionForm]:
    flaggable = [field for field in (form.fields if form else ()) if not field.locked]
    forms_ = []
    for action in step.actions:
        again = typed if typed is not None and typed.action == action.name else None
        forms_.append(
            ActionForm(
                name=action.name,
                label=action.label,
                needs_note=action.needs_note,
                note=again.note if again else "",
                error=error if again else "",
                flaggable=tuple(
                    (field.name, _label(field, english), bool(again and field.name in again.fields))
                    for field in flaggable
                )
                if action.goes_to == REVISION
                else (),
                is_rejection=action.goes_to == REJECTED,
            )
        )
    return forms_
