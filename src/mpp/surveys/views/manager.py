"""The MPP manager's index page: their region's index over a period, its weakest elements, the suggestions
left, the follow-up plan (*rencana tindak lanjut*) they keep, and the exports (the ministry's too).

A manager sees the regions they are assigned to; another region is simply not found (404).
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mpp.core.errors import DomainError, NotFound
from mpp.core.tenancy import region_scope
from mpp.identity.access import role_required
from mpp.identity.models import Role

from .. import exports, pages, selectors, services
from ..forms import ActionForm, ActionStatusForm, PeriodForm
from ..ikm import Scores

MANAGER = Role.MPP_MANAGER
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@role_required(MANAGER)
@require_http_methods(["GET", "POST"])
def manager(request):
    region = _managed_region(request, request.GET.get("wilayah", ""))
    picker = PeriodForm(request.GET if "periode" in request.GET else None)
    if picker.is_bound and not picker.is_valid():
        context = {"region": region, "form": picker, "invalid": True, "hidden_fields": [("wilayah", region.code)]}
        return render(request, "surveys/manager.html", context, status=400)
    period = picker.period
    context = pages.region_page(region, period)
    action_form = ActionForm(
        request.POST or None, today=picker.today, element_choices=_element_choices(context["scores"])
    )
    status = 200
    if request.method == "POST":
        if action_form.is_valid():
            values = action_form.cleaned_data
            try:
                services.add_action(
                    manager=request.user,
                    region_code=region.code,
                    period=action_form.chosen_period,
                    element=values["element"],
                    action=values["action"],
                    unit=values["unit"],
                    target_date=values["target_date"],
                )
            except NotFound:  # a national account (a superuser) reads every region's page but keeps no plan
                raise Http404 from None
            messages.success(request, _("Tindak lanjut ditambahkan ke rencana."))
            return redirect(_page_url(region.code, request.GET.get("periode", "")))
        status = 400
    context |= {
        "form": picker,
        "hidden_fields": [("wilayah", region.code)],
        "action_form": action_form,
        "weakest": context["scores"].weakest(3),
        "suggestions": selectors.suggestions_of(region.code, period),
        "regions": sorted(region_scope(request.user).codes or ()),
        "status_form": ActionStatusForm(),
        "export_query": urlencode({"wilayah": region.code, "periode": period.code}),
    }
    return render(request, "surveys/manager.html", context, status=status)


@role_required(MANAGER)
@require_POST
def action(request, action_id):
    """Change an action's status, or remove it (``intent=remove``)."""
    try:
        if request.POST.get("intent") == "remove":
            region_code = _action_region(request, action_id)
            services.remove_action(manager=request.user, action_id=action_id)
            messages.success(request, _("Tindak lanjut dihapus dari rencana."))
        else:
            form = ActionStatusForm(request.POST)
            if not form.is_valid():
                return HttpResponseBadRequest(_("Pilih status yang tersedia."))
            changed = services.set_action_status(
                manager=request.user, action_id=action_id, status=form.cleaned_data["status"]
            )
            region_code = changed.region_id
            messages.success(request, _("Status tindak lanjut diperbarui."))
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return HttpResponseBadRequest(refused.message)
    return redirect(_page_url(region_code, request.POST.get("periode", "")))


@role_required(MANAGER, Role.MINISTRY)
@require_GET
def export(request, extension):
    """The index of a period as CSV or XLSX: a manager's regions (or one of them), the ministry's every region."""
    scope = region_scope(request.user)
    code = request.GET.get("wilayah", "")
    if code and (not scope.allows(code) or selectors.regency(code) is None):
        raise Http404
    picker = PeriodForm(request.GET if "periode" in request.GET else None)
    if picker.is_bound and not picker.is_valid():
        return HttpResponseBadRequest(_("Pilih periode dari daftar."))
    period = picker.period
    items = selectors.export_rows(scope, period, code)
    body = exports.as_xlsx(items, period) if extension == "xlsx" else exports.as_csv(items, period)
    response = HttpResponse(body, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(period, code, extension)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _managed_region(request, code: str):
    """The region the manager asked for (or their first): 404 outside their regions."""
    scope = region_scope(request.user)
    code = code or min(scope.codes or {""})
    region = selectors.regency(code) if code and scope.allows(code) else None
    if region is None:
        raise Http404
    return region


def _action_region(request, action_id) -> str:
    found = selectors.action_for(region_scope(request.user), action_id)
    if found is None:
        raise NotFound("")
    return found.region_id


def _element_choices(scores: Scores) -> list[tuple[str, str]]:
    """The elements, weakest first, each with its NRR in the period shown."""
    scored = sorted(scores.elements, key=lambda score: (score.mean is None, score.mean or 0, score.element.number))
    choices = []
    for score in scored:
        label = f"{score.element.code} {score.element.name}"
        if score.nrr is not None:
            label += f" — NRR {number_format(score.nrr, 2, use_l10n=True)}"
        choices.append((score.element.field, label))
    return choices


def _page_url(region_code: str, period_code: str) -> str:
    query = {"wilayah": region_code} | ({"periode": period_code} if period_code else {})
    return f"{reverse('surveys:manager')}?{urlencode(query)}"
