"""The officers' pages: the scoped worklist, a complaint's file and the steps of handling it, filing for a
walk-in at the counter, a region's deadline rules, and the platform audit's look at an anonymous reporter.

Every page starts from a scoped selector: a complaint outside the officer's region or agency is not found.
Steps carry the version the officer saw, so a stale page answers 409 instead of overwriting another's step.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mpp.catalog.models import Agency
from mpp.core.errors import DomainError
from mpp.identity.access import role_required
from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles

from .. import selectors, services
from ..access import handler
from ..forms import (
    AnswerForm,
    ComplaintForm,
    ContactForm,
    ForwardForm,
    MergeForm,
    ResolveForm,
    RevealForm,
    RuleForm,
    TriageForm,
    VersionForm,
)
from ..models import Category, DeadlineRule, Forwarding, Status
from .common import attachment_response

HANDLERS = (Role.MPP_MANAGER, Role.COMPLAINT_OFFICER, Role.APPROVER)
PAGE_SIZE = 25


@role_required(*HANDLERS)
@require_GET
def worklist(request):
    status = request.GET.get("status", "open")
    listed = selectors.worklist(request.user, status=status, overdue=request.GET.get("overdue") == "1")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(complaint, selectors.Reporter.of(complaint)) for complaint in page]
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": selectors.WORKLIST_STATUSES,
        "now": timezone.now(),
    }
    return render(request, "complaints/worklist.html", context)


def _handled(request, complaint_id):
    complaint = selectors.for_handler(request.user, complaint_id)
    if complaint is None:
        raise Http404
    return complaint


def _forms(complaint, scope, bound=None, action=""):
    """The step forms this complaint offers the officer, one bound again after a refused step."""
    initial = {"version": complaint.version}
    forms = {}
    if complaint.status in (Status.RECEIVED, Status.IN_PROGRESS):
        forms["route"] = TriageForm(
            initial=initial
            | {"category": complaint.category, "weight": complaint.weight, "agency": complaint.agency_id},
            region_id=complaint.region_id,
        )
        forms["merge"] = MergeForm(initial=initial)
        if not hasattr(complaint, "forwarding"):
            forms["forward"] = ForwardForm(initial=initial)
    if complaint.status == Status.IN_PROGRESS and complaint.agency_id in scope.agencies:
        forms["reply"] = AnswerForm(initial=initial)
        forms["ask"] = AnswerForm(initial=initial)
        forms["resolve"] = ResolveForm(initial=initial)
    if complaint.status in (Status.RESOLVED, Status.CLOSED) and complaint.publish_consent and not complaint.published:
        forms["publish"] = VersionForm(initial=initial)
    if bound is not None:
        forms[action] = bound
    for name, form in forms.items():
        # One page holds every form: ids per action, or a label would point at another form's field.
        form.auto_id = f"id_{name}_%s"
    return forms


def _page(request, complaint, *, bound=None, action="", status=200):
    scope = handler(request.user)
    forwarding = Forwarding.objects.filter(complaint=complaint).first()
    context = {
        "complaint": complaint,
        "reporter": selectors.Reporter.of(complaint),
        "steps": selectors.timeline(complaint, for_reporter=False),
        "forms": _forms(complaint, scope, bound, action),
        "forwarding": forwarding,
        "may_reveal": complaint.anonymous and request.user.is_superuser,
    }
    return render(request, "complaints/officer_detail.html", context, status=status)


@role_required(*HANDLERS)
@require_GET
def officer_detail(request, complaint_id):
    return _page(request, _handled(request, complaint_id))


#: action → (form, the service's call with the form's data)
ACTIONS = {
    "route": (
        TriageForm,
        lambda officer, complaint, data: services.triage(
            officer=officer,
            complaint_id=complaint.pk,
            version=data["version"],
            category=data["category"],
            weight=data["weight"],
            agency_id=data["agency"].pk,
            note=data["note"],
        ),
    ),
    "merge": (
        MergeForm,
        lambda officer, complaint, data: services.merge(
            officer=officer, complaint_id=complaint.pk, version=data["version"], into_number=data["into"]
        ),
    ),
    "forward": (
        ForwardForm,
        lambda officer, complaint, data: services.forward_to_lapor(
            officer=officer,
            complaint_id=complaint.pk,
            version=data["version"],
            outside_remit=data["outside_remit"],
            note=data["note"],
        ),
    ),
    "reply": (
        AnswerForm,
        lambda officer, complaint, data: services.reply(
            officer=officer, complaint_id=complaint.pk, version=data["version"], answer=data["text"]
        ),
    ),
    "ask": (
        AnswerForm,
        lambda officer, complaint, data: services.request_information(
            officer=officer, complaint_id=complaint.pk, version=data["version"], question=data["text"]
        ),
    ),
    "resolve": (
        ResolveForm,
        lambda officer, complaint, data: services.resolve(
            officer=officer,
            complaint_id=complaint.pk,
            version=data["version"],
            action_taken=data["action_taken"],
            answer=data["answer"],
        ),
    ),
    "publish": (
        VersionForm,
        lambda officer, complaint, data: services.publish(
            officer=officer, complaint_id=complaint.pk, version=data["version"]
        ),
    ),
}
DONE_MESSAGES = {
    "route": gettext_lazy("Pengaduan diteruskan ke instansi."),
    "merge": gettext_lazy("Pengaduan digabung."),
    "forward": gettext_lazy("Pengaduan masuk antrean ke SP4N-LAPOR!."),
    "reply": gettext_lazy("Tanggapan terkirim kepada pelapor."),
    "ask": gettext_lazy("Pertanyaan terkirim; waktu penyelesaian berhenti sampai pelapor menjawab."),
    "resolve": gettext_lazy("Pengaduan dinyatakan selesai; pelapor diminta mengonfirmasi."),
    "publish": gettext_lazy("Pengaduan dipublikasikan."),
}


@role_required(*HANDLERS)
@require_POST
def act(request, complaint_id, action):
    complaint = _handled(request, complaint_id)
    if action not in ACTIONS:
        raise Http404
    form_class, call = ACTIONS[action]
    kwargs = {"region_id": complaint.region_id} if form_class is TriageForm else {}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        return _page(request, complaint, bound=form, action=action, status=400)
    try:
        call(request.user, complaint, form.cleaned_data)
    except DomainError as refused:
        form.add_error(None, refused.message)
        return _page(request, complaint, bound=form, action=action, status=refused.status_code)
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect("complaints:officer_detail", complaint_id=complaint.pk)


@role_required(*HANDLERS)
@require_GET
def officer_attachment(request, complaint_id, attachment_id):
    return attachment_response(_handled(request, complaint_id), attachment_id)


@role_required(Role.COUNTER_OFFICER)
@require_http_methods(["GET", "POST"])
def counter_file(request):
    """A counter officer files a complaint for a walk-in, in the region of the officer's agency."""
    agency_ids = sorted({agency for agency, role in agency_roles(request.user) if role == Role.COUNTER_OFFICER})
    agency = Agency.objects.select_related("region").filter(pk__in=agency_ids).first()
    if agency is None:
        raise Http404
    region = agency.region
    form = ComplaintForm(request.POST or None, request.FILES or None, region=region)
    contact = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and contact.is_valid():
        try:
            complaint, secret = services.file_complaint(
                **form.filing(),
                region=region,
                reporter_name=contact.cleaned_data["reporter_name"],
                contact=contact.cleaned_data["contact"],
                entered_by=request.user,
                submit_key=request.POST.get("submit_key", "")[:80],
            )
        except ValidationError as invalid:
            form.add_error("files", invalid)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            return render(request, "complaints/counter_receipt.html", {"complaint": complaint, "secret": secret})
    context = {"form": form, "contact": contact, "region": region, "submit_key": uuid.uuid4().hex}
    return render(request, "complaints/counter_file.html", context)


@role_required(Role.MPP_MANAGER)
@require_http_methods(["GET", "POST"])
def rules(request):
    """The region's deadlines per category (its first region, as the manager's other pages)."""
    region_ids = sorted(handler(request.user).regions)
    if not region_ids:
        raise Http404
    region_id = request.GET.get("wilayah") if request.GET.get("wilayah") in region_ids else region_ids[0]
    existing = {rule.category: rule for rule in DeadlineRule.objects.filter(region_id=region_id)}
    forms = []
    for category in Category:
        rule = existing.get(category.value)
        acknowledge, respond, resolve, weight, forward = services.deadline_days(region_id, category.value)
        initial = {
            "weight": weight,
            "acknowledge_days": acknowledge,
            "respond_days": respond,
            "resolve_days": resolve,
            "forward_to_lapor": forward,
        }
        bound = request.method == "POST" and request.POST.get("category") == category.value
        form = RuleForm(request.POST if bound else None, initial=initial, prefix=category.value)
        if bound and form.is_valid():
            services.save_rule(region_id=region_id, category=category.value, **form.cleaned_data)
            messages.success(request, _("Aturan %(category)s disimpan.") % {"category": category.label})
            return redirect(f"{request.path}?wilayah={region_id}")
        forms.append((category, form, rule))
    return render(request, "complaints/rules.html", {"forms": forms, "region_id": region_id})


@role_required(Role.MINISTRY)
@require_http_methods(["GET", "POST"])
def reveal(request, complaint_id):
    """The platform audit's look at who filed an anonymous complaint: only a superuser, with a reason, logged."""
    if not request.user.is_superuser:
        raise Http404
    form = RevealForm(request.POST or None)
    identity = None
    if request.method == "POST" and form.is_valid():
        try:
            identity = services.reveal_reporter(
                auditor=request.user, complaint_id=complaint_id, reason=form.cleaned_data["reason"]
            )
        except DomainError as refused:
            if refused.status_code == 404:
                raise Http404 from refused
            form.add_error("reason", refused.message)
    return render(request, "complaints/reveal.html", {"form": form, "identity": identity, "complaint_id": complaint_id})
