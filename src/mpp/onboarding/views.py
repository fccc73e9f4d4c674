"""Pages of a region joining: the public request and its tracking link, the public list of regions,
the ministry's queue and review, the region's signing page, and the manager's first page.

Who may act is decided in two places: each page starts from a selector scoped to the person
(the ministry, the region's signatory, the link's holder), and each step's service checks the
role against the workflow table again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mpp.catalog.services import adopt_template
from mpp.core.db.replica import replica_reads
from mpp.core.errors import DomainError
from mpp.core.limits import over_limit
from mpp.core.public_cache import public_cache
from mpp.identity.access import has_role, role_required
from mpp.identity.models import Role

from . import selectors, services
from .forms import AdoptForm, ChecklistForm, JoinRequestForm, ListFilterForm, NoteForm, VersionForm
from .models import PHASE_OF, Stage
from .readiness import CRITERIA, Score, summary
from .workflow import ACTION_LABELS

PAGE_SIZE = 50
#: The ministry's actions on a request: the form each posts, and its prefix (several forms share the page).
MINISTRY_FORMS = {
    "designate": (ChecklistForm, None),
    "return": (NoteForm, "return"),
    "refuse": (NoteForm, "refuse"),
    "sign_ministry": (VersionForm, "sign"),
}


# --- the region's official, without an account ---------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_form(request):
    """The public request to join. Limited per address: it stores a file and sends an e-mail."""
    form = JoinRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if over_limit(request, "join-request", "ip", "10/h"):
            form.add_error(None, _("Terlalu banyak permohonan dari alamat ini. Coba lagi nanti."))
        elif form.is_valid():
            try:
                join = services.submit_request(
                    region_code=form.cleaned_data["region_code"],
                    letter=form.cleaned_data["letter"],
                    first_services=form.cleaned_data["first_services"],
                    **form.request_fields(),
                )
            except ValidationError as invalid:
                form.add_error("letter", invalid)
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request, _("Permohonan diterima. Simpan tautan halaman ini: dikirim juga ke surel kontak.")
                )
                return redirect("onboarding:track", token=join.tracking_token)
    status = 400 if request.method == "POST" else 200
    return render(request, "onboarding/request_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def track(request, token):
    """The tracking link: the request's stage and history; a returned request is completed and sent back here."""
    join = selectors.request_by_token(token)
    if join is None:
        raise Http404
    form = None
    if join.stage == Stage.RETURNED:
        form = JoinRequestForm(request.POST or None, request.FILES or None, returned=True, initial=_initial(join))
        if request.method == "POST" and form.is_valid():
            try:
                services.resubmit_request(
                    token=token,
                    expected_version=int(request.POST.get("version", -1)),
                    letter=form.cleaned_data["letter"] or None,
                    first_services=form.cleaned_data["first_services"],
                    **form.request_fields(),
                )
            except ValidationError as invalid:
                form.add_error("letter", invalid)
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Permohonan dikirim kembali ke Kementerian PANRB."))
                return redirect("onboarding:track", token=token)
    elif request.method == "POST":
        raise Http404
    status = 400 if form is not None and form.errors else 200
    response = render(request, "onboarding/track.html", {"join": join, "form": form, **_review(join)}, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@public_cache
@replica_reads
def public_list(request):
    """ "Daftar daerah MPP Digital": every kabupaten/kota and its stage, with filters and counts."""
    form = ListFilterForm(request.GET or None)
    province = stage = None
    if form.is_valid():
        province = form.cleaned_data["provinsi"]
        stage = form.cleaned_data["tahap"] or None
    counts = selectors.stage_counts(province.code if province else None)
    regions = selectors.public_list(province_code=province.code if province else None, stage=stage)
    page = Paginator(regions, PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {
        "form": form,
        "counts": [(Stage(value).label, value, count) for value, count in counts.items()],
        "total": sum(counts.values()),
        "page": page,
        "query": request.GET.copy(),
        "stage_choices": Stage.choices,
    }
    return render(request, "onboarding/public_list.html", context)


# --- the ministry --------------------------------------------------------------------------------


@role_required(Role.MINISTRY)
@require_GET
def queue(request):
    stage = request.GET.get("tahap") or None
    if stage not in (None, *Stage.values):
        stage = None
    page = Paginator(selectors.ministry_queue(stage=stage), PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "onboarding/queue.html", {"page": page, "stage": stage, "stages": Stage.choices})


@role_required(Role.MINISTRY)
@require_GET
def review(request, request_id):
    join = selectors.request_for_ministry(request_id)
    if join is None:
        raise Http404
    return _review_page(request, join)


@role_required(Role.MINISTRY)
@require_POST
def act(request, request_id, action):
    """Designate, return, refuse or countersign: one service call, then back to the request."""
    join = selectors.request_for_ministry(request_id)
    if join is None or action not in MINISTRY_FORMS:
        raise Http404
    form_class, prefix = MINISTRY_FORMS[action]
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        return _review_page(request, join, forms={action: form}, status=400)
    common = {"request_id": join.pk, "by": request.user, "expected_version": form.cleaned_data["version"]}
    try:
        if action == "designate":
            services.designate(
                checklist=form.checklist(),
                decree_number=form.cleaned_data["decree_number"],
                decree_date=form.cleaned_data["decree_date"],
                **common,
            )
        elif action == "return":
            services.return_request(note=form.cleaned_data["note"], **common)
        elif action == "refuse":
            services.refuse_request(note=form.cleaned_data["note"], **common)
        else:
            services.sign_for_ministry(**common)
    except DomainError as refused:
        form.add_error(None, refused.message)
        return _review_page(request, join, forms={action: form}, status=refused.status_code)
    messages.success(request, ACTION_LABELS[action])
    return redirect("onboarding:review", request_id=join.pk)


def _review_page(request, join, *, forms=None, status=200):
    forms = forms or {}
    initial = {"version": join.version}
    for action, (form_class, prefix) in MINISTRY_FORMS.items():
        forms.setdefault(action, form_class(initial=initial, prefix=prefix))
    context = {"join": join, "forms": forms, **_review(join)}
    return render(request, "onboarding/review.html", context, status=status)


@role_required(Role.MINISTRY, Role.REGION_SIGNATORY, Role.MPP_MANAGER)
@require_GET
def document(request, request_id, kind):
    """The request's letter or its agreement PDF: the ministry's, or the region's own staff's."""
    join = _visible_request(request.user, request_id)
    upload = join.letter if kind == "surat" else getattr(getattr(join, "agreement", None), "file", None)
    if upload is None:
        raise Http404
    return FileResponse(upload.file.open("rb"), content_type=upload.content_type, filename=upload.original_name)


def _visible_request(user, request_id):
    join = selectors.request_for_ministry(request_id)
    if join is None:
        raise Http404
    if has_role(user, Role.MINISTRY):
        return join
    if join.region_id not in selectors.staff_region_codes(user):
        raise Http404
    return join


# --- the region's signatory ------------------------------------------------------------------------


@role_required(Role.REGION_SIGNATORY)
@require_http_methods(["GET", "POST"])
def region_agreement(request, request_id=None):
    """The region's signatory: its agreements, and the one to sign."""
    joins = list(selectors.requests_for_signatory(request.user))
    if request_id is None:
        if len(joins) == 1:
            return redirect("onboarding:region_agreement", request_id=joins[0].pk)
        return render(request, "onboarding/region_agreements.html", {"joins": joins})
    join = selectors.request_for_signatory(request.user, request_id)
    if join is None:
        raise Http404
    form = VersionForm(request.POST or None, initial={"version": join.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_for_region(request_id=join.pk, by=request.user, expected_version=form.cleaned_data["version"])
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, _("Perjanjian ditandatangani untuk daerah. Kementerian PANRB menandatangani berikutnya.")
            )
            return redirect("onboarding:region_agreement", request_id=join.pk)
    status = 400 if form.errors else 200
    return render(request, "onboarding/region_agreement.html", {"join": join, "form": form}, status=status)


# --- the region's MPP manager ------------------------------------------------------------------------


@role_required(Role.MPP_MANAGER)
@require_http_methods(["GET", "POST"])
def manager_home(request):
    """The manager's first page: the region's stage, its services, and national templates to adopt."""
    regions = list(selectors.managed_regions(request.user))
    if not regions:
        raise Http404
    region = regions[0]
    if request.method == "POST":
        form = AdoptForm(request.POST)
        participation = getattr(region, "participation", None)
        if participation is None or participation.stage != Stage.ACTIVE:
            messages.error(request, _("Layanan dapat diterapkan setelah MPP Digital daerah ini aktif."))
        elif form.is_valid():
            try:
                service = adopt_template(region=region, template=form.cleaned_data["template"])
            except DomainError as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request,
                    _("%(service)s kini tersedia di MPP Digital daerah Anda.") % {"service": service.template.name},
                )
        else:
            messages.error(request, _("Pilih templat layanan dari daftar."))
        return redirect("onboarding:manager")
    context = {
        "region": region,
        "participation": getattr(region, "participation", None),
        "services": selectors.offered_services(region.code),
        "templates": selectors.adoptable_templates(region.code),
    }
    return render(request, "onboarding/manager_home.html", context)


# --- shared --------------------------------------------------------------------------------------------


def _review(join) -> dict:
    """What every page about a request shows: the phase, the checklist with its scores, the history's labels."""
    scores = dict(Score.choices)
    checklist = [
        (
            label,
            scores.get((join.checklist.get(code) or {}).get("score"), ""),
            (join.checklist.get(code) or {}).get("note", ""),
        )
        for code, label in CRITERIA
    ]
    return {
        "phase": PHASE_OF[join.stage].label,
        "checklist": checklist if join.checklist else [],
        "checklist_summary": summary(join.checklist) if join.checklist else None,
        "history": [(change, ACTION_LABELS.get(change.action, change.action)) for change in join.history.all()],
    }


def _initial(join) -> dict:
    return {
        "applicant_name": join.applicant_name,
        "applicant_position": join.applicant_position,
        "contact_email": join.contact_email,
        "contact_phone": join.contact_phone,
        "bandwidth_mbps": join.bandwidth_mbps,
        "counters": join.counters,
        "officers_trained": join.officers_trained,
        "has_dukcapil_agreement": "yes" if join.has_dukcapil_agreement else "no",
        "first_services": list(join.first_services.all()),
        "manager_name": join.manager_name,
        "manager_position": join.manager_position,
        "manager_email": join.manager_email,
    }
