"""The ministry's dashboard, a region manager's, and the public statistics: parse, authorize, read, render."""

from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from mpp.core.db.replica import replica_reads
from mpp.core.public_cache import public_cache
from mpp.core.tenancy import region_scope
from mpp.identity.access import role_required
from mpp.identity.models import Role
from mpp.regions.models import Level

from . import dashboards, selectors
from .forms import DashboardForm, PeriodForm
from .periods import Kind, Period


@require_GET
@role_required(Role.MINISTRY)
@replica_reads
def national(request):
    """The nation at a glance, and any province, kabupaten/kota or service below it (``?wilayah=&layanan=``)."""
    the_scope = selectors.scope(
        region_code=request.GET.get("wilayah", ""), template_slug=request.GET.get("layanan", "")
    )
    if the_scope is None:
        raise Http404
    return _staff(request, the_scope, "ministry")


@require_GET
@role_required(Role.MPP_MANAGER, Role.MINISTRY)
@replica_reads
def region(request):
    """A kabupaten/kota's dashboard for its manager (their own region only), beside the national median."""
    allowed = region_scope(request.user)
    code = request.GET.get("wilayah") or min(allowed.codes or {""})  # national readers name the region
    the_scope = selectors.scope(region_code=code, template_slug=request.GET.get("layanan", ""), allowed=allowed)
    if the_scope is None or the_scope.level != Level.REGENCY:
        raise Http404
    return _staff(request, the_scope, "manager")


@require_GET
@public_cache
@replica_reads
def public_national(request):
    return _public(request, selectors.scope())


@require_GET
@public_cache
@replica_reads
def public_region(request, code):
    the_scope = selectors.scope(region_code=code)
    if the_scope is None:
        raise Http404
    return _public(request, the_scope)


def _staff(request, the_scope, audience: str):
    form = DashboardForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "invalid": True, "scope": the_scope, "audience": audience}
        return render(request, "statistics/dashboard.html", context, status=400)
    period = form.period if form.is_bound else _default_period(form)
    order = form.order if form.is_bound else "diterima"
    context = dashboards.staff_page(the_scope, period, order=order, audience=audience)
    context |= _picker(form, period, urut=order)
    if audience == "manager":
        context["regions"] = sorted(region_scope(request.user).codes or ())
    return render(request, "statistics/dashboard.html", context)


def _public(request, the_scope):
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "invalid": True, "scope": the_scope}
        return render(request, "statistics/public.html", context, status=400)
    period = form.period if form.is_bound else _default_period(form)
    context = dashboards.public_page(the_scope, period) | _picker(form, period)
    return render(request, "statistics/public.html", context)


def _picker(form: PeriodForm, period: Period, **values) -> dict:
    """The picker showing ``period``: its HTML is cached by ``picker_key``, so the form is built only when missing."""
    key = f"{type(form).__name__}:{form.today}:{period.kind}:{period.start}:{period.end}:{sorted(values.items())}"
    return {"form": SimpleLazyObject(lambda: type(form).showing(period, **values)), "picker_key": key}


def _default_period(form: PeriodForm) -> Period:
    """A first visit: the quarter we are in."""
    return Period.containing(Kind.QUARTER, form.today)
