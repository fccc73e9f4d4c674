"""The ministry's monev pages: its rounds (and opening one), a round's progress and export, one report.

Every page needs the ministry role (``role_required``: anyone else gets a 404, an anonymous visitor
the sign-in page). Accept and return go through the services with the version the official saw, so
a page that went stale meanwhile answers 409 with the fresh state instead of applying the move.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.identity.access import role_required
from mpp.identity.models import Role

from .. import exports, selectors, services
from ..forms import ReviewForm, RoundForm
from ..workflow import ACTION_LABELS

MINISTRY = Role.MINISTRY


@role_required(MINISTRY)
@require_http_methods(["GET", "POST"])
def rounds(request):
    """The rounds, newest first, and the form that opens one."""
    active = selectors.active_region_codes()
    regions = selectors.selectable_regions(active)
    posted = request.POST if request.method == "POST" else None
    form = RoundForm(posted, regions=regions, active_codes=active)
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.open_round(
                opened_by=request.user,
                title=form.cleaned_data["title"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                deadline=form.cleaned_data["deadline"],
                region_codes=form.region_codes,
            )
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Putaran monev dibuka. Pengelola MPP di setiap daerah diberi tahu."))
            return redirect("monitoring:round", round_id=opened.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "rounds": list(selectors.rounds_overview()[:100])}
    return render(request, "monitoring/ministry_rounds.html", context, status=status)


@role_required(MINISTRY)
@require_GET
def round_detail(request, round_id):
    reporting_round = _round_or_404(request, round_id)
    reports = selectors.round_reports(reporting_round)
    context = {"round": reporting_round, "reports": reports, "progress": selectors.progress(reports)}
    return render(request, "monitoring/ministry_round.html", context)


@role_required(MINISTRY)
@require_GET
def export(request, round_id, extension):
    reporting_round = _round_or_404(request, round_id)
    if extension == "xlsx":
        body = exports.as_xlsx(reporting_round)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, content_type = exports.as_csv(reporting_round), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(reporting_round, extension)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(MINISTRY)
@require_GET
def report_detail(request, round_id, region_code):
    return _render_report(request, _report_or_404(request, round_id, region_code))


@role_required(MINISTRY)
@require_POST
def review(request, round_id, region_code):
    """Accept the report, or return it for revision with a note."""
    report = _report_or_404(request, round_id, region_code)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        alert = _("Formulir tidak lengkap atau sudah tidak berlaku. Muat ulang halaman lalu coba lagi.")
        return _render_report(request, report, form=form, status=400, alert=alert)
    action, version = form.cleaned_data["action"], form.cleaned_data["version"]
    try:
        if action == "accept":
            services.accept_report(reviewer=request.user, report_id=report.pk, expected_version=version)
        else:
            note = form.cleaned_data["note"]
            services.return_report(reviewer=request.user, report_id=report.pk, note=note, expected_version=version)
    except NotFound:
        raise Http404 from None
    except Conflict as conflict:
        fresh = _report_or_404(request, round_id, region_code)
        return _render_report(request, fresh, status=409, alert=conflict.message)
    except DomainError as refused:
        form.add_error("note", refused.message)
        return _render_report(request, report, form=form, status=400)
    messages.success(request, _("Dicatat: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("monitoring:report", round_id=round_id, region_code=region_code)


def _round_or_404(request, round_id):
    reporting_round = selectors.round_for_ministry(request.user, round_id)
    if reporting_round is None:
        raise Http404
    return reporting_round


def _report_or_404(request, round_id, region_code):
    report = selectors.report_for_ministry(request.user, round_id, region_code)
    if report is None:
        raise Http404
    return report


def _render_report(request, report, *, form=None, status=200, alert=""):
    context = {
        "report": report,
        "round": report.reporting_round,
        "figure_rows": [(figure, None) for figure in selectors.figures_of(report, live=False)]
        if report.was_submitted
        else [],
        "obstacles": selectors.obstacles_of(report) if report.was_submitted else [],
        "history": selectors.history_of(report),
        "form": form or ReviewForm(),
        "may_review": report.status == "submitted",
        "alert": alert,
    }
    return render(request, "monitoring/ministry_report.html", context, status=status)
