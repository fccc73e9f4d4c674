"""The MPP manager's monev pages: their region's reports, and one report to fill in and submit.

Every page needs the manager role and starts from a scoped selector: a round that did not ask the
manager's region, or another region's report, is simply not found (404). The form saves itself as
the manager types (htmx posts it to ``draft`` after each pause; no script of ours), and is sent
with its version, so a report submitted or returned meanwhile is refused rather than overwritten.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mpp.core import clock
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.identity.access import role_required
from mpp.identity.models import Role

from .. import selectors, services
from ..forms import ReportForm, obstacles_from
from ..models import ObstacleCategory, Report

MANAGER = Role.MPP_MANAGER
BLANK_OBSTACLE_ROWS = 2


@role_required(MANAGER)
@require_GET
def reports(request):
    rows = list(selectors.manager_reports(request.user)[:200])
    return render(request, "monitoring/manager_reports.html", {"reports": rows})


@role_required(MANAGER)
@require_http_methods(["GET", "POST"])
def report(request, round_id):
    """The report: a form while it is editable (save, or submit), a read-only record once it is sent."""
    found = _report_or_404(request, round_id)
    if request.method == "GET":
        return _render(request, found)
    form = ReportForm(request.POST, request.FILES)
    obstacles, obstacle_errors = obstacles_from(request.POST)
    if not form.is_valid() or obstacle_errors:
        return _render(request, found, form=form, posted=request.POST, errors=obstacle_errors, status=400)
    version = _version(request)
    try:
        services.save_draft(
            manager=request.user,
            report_id=found.pk,
            expected_version=version,
            values=_posted(form, request.POST),
            obstacles=obstacles if "obstacle_text" in request.POST else None,
            decree_file=form.cleaned_data["decree_file"],
        )
        if request.POST.get("intent") == "submit":
            services.submit_report(manager=request.user, report_id=found.pk, expected_version=version)
    except NotFound:
        raise Http404 from None
    except Conflict as conflict:
        return _render(request, _report_or_404(request, round_id), status=409, alert=conflict.message)
    except services.ReportIncomplete as incomplete:
        fresh = _report_or_404(request, round_id)
        for name, message in incomplete.errors.items():
            if name in form.fields:
                form.add_error(name, message)
        return _render(request, fresh, form=form, errors=incomplete.errors, status=400, alert=incomplete.message)
    except DomainError as refused:
        return _render(request, found, form=form, posted=request.POST, status=400, alert=refused.message)
    if request.POST.get("intent") == "submit":
        messages.success(request, _("Laporan terkirim ke Kementerian PANRB dan kini terkunci."))
    else:
        messages.success(request, _("Draf tersimpan."))
    return redirect(_page_url(found))


@role_required(MANAGER)
@require_POST
def draft(request, round_id):
    """Autosave (htmx): what was typed so far, files excepted. Answers a line for the status area and the
    figures' new sums; fields that are not valid yet are left as they were and named in the line."""
    found = _report_or_404(request, round_id)
    form = ReportForm(request.POST)
    form.is_valid()
    obstacles, _errors = obstacles_from(request.POST)
    try:
        saved = services.save_draft(
            manager=request.user,
            report_id=found.pk,
            expected_version=_version(request),
            values=_posted(form, request.POST),
            obstacles=obstacles if "obstacle_text" in request.POST else None,
        )
    except NotFound:
        raise Http404 from None
    except Conflict as conflict:
        # The page is stale (submitted or returned in another tab): htmx reloads it to show the report as it is.
        messages.warning(request, conflict.message)
        return HttpResponse(conflict.message, status=409, headers={"HX-Refresh": "true"})
    except DomainError as refused:
        return HttpResponse(refused.message, status=400)
    context = {
        "saved_at": clock.local_hour(saved.updated_at, found.region),
        "invalid": [(form[name].label, errors[0]) for name, errors in form.errors.items() if name in form.fields],
        "figures": selectors.figures_of(saved),
    }
    return HttpResponse(render_to_string("monitoring/_draft_saved.html", context, request=request))


@role_required(MANAGER, Role.MINISTRY)
@require_GET
def decree(request, report_id):
    """The report's decree PDF, to the ministry and to the region's managers; anyone else: 404."""
    found = selectors.report_visible_to(request.user, report_id)
    if found is None or found.decree_file is None:
        raise Http404
    upload = found.decree_file
    response = FileResponse(
        upload.file.open("rb"), content_type=upload.content_type, as_attachment=True, filename=upload.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _region_asked(request) -> str:
    return (request.POST.get("wilayah") or request.GET.get("wilayah") or "")[:13]


def _report_or_404(request, round_id) -> Report:
    found = selectors.manager_report(request.user, round_id, _region_asked(request))
    if found is None:
        raise Http404
    return found


def _posted(form: ReportForm, data) -> dict:
    """The valid values of the fields that were posted: a field the request did not carry is left as it is."""
    return {name: value for name, value in form.values().items() if name in data}


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # a forged or truncated form: refused as a stale page


def _page_url(found: Report) -> str:
    return f"{reverse('monitoring:manager_report', args=[found.reporting_round_id])}?wilayah={found.region_id}"


def _render(request, found: Report, *, form=None, posted=None, errors=None, status=200, alert=""):
    history = selectors.history_of(found)
    editable = found.is_editable
    if editable and form is None:
        form = ReportForm(initial=_initial(found))
    context = {
        "report": found,
        "round": found.reporting_round,
        "editable": editable,
        "form": form,
        "figure_rows": [
            (figure, form[f"{figure.key}_outside"] if editable else None) for figure in selectors.figures_of(found)
        ],
        "obstacles": selectors.obstacles_of(found) if not editable else [],
        "obstacle_rows": _obstacle_rows(found, posted, errors or {}) if editable else [],
        "categories": ObstacleCategory.choices,
        "history": history,
        "return_note": selectors.latest_return_note(history),
        "page_url": _page_url(found),
        "alert": alert,
        "errors": errors or {},
    }
    return render(request, "monitoring/manager_report.html", context, status=status)


def _initial(found: Report) -> dict:
    return {name: getattr(found, name) for name in services.REPORT_FIELDS}


def _obstacle_rows(found: Report, posted, errors: dict[str, str]) -> list[dict]:
    """The obstacle rows to show: those posted (when the form comes back with errors) or those saved,
    then a few empty ones to add more (no script needed)."""
    if posted is not None:
        pairs = list(zip(posted.getlist("obstacle_category"), posted.getlist("obstacle_text"), strict=False))
        pairs = [(category, text) for category, text in pairs if category.strip() or text.strip()]
    else:
        pairs = [(obstacle.category, obstacle.text) for obstacle in found.obstacles.all()]
    pairs += [("", "")] * max(BLANK_OBSTACLE_ROWS, 3 - len(pairs))
    return [
        {
            "number": number,
            "category": category,
            "text": text,
            "category_error": errors.get(f"obstacle-{number}-category", ""),
            "text_error": errors.get(f"obstacle-{number}-text", ""),
        }
        for number, (category, text) in enumerate(pairs[: services.MAX_OBSTACLES], start=1)
    ]
