from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from mpp.catalog import presentation
from mpp.catalog import selectors as catalog_selectors
from mpp.core.public_cache import public_cache
from mpp.onboarding import selectors as onboarding
from mpp.regions import selectors as region_selectors
from mpp.regions.models import Level
from mpp.surveys import pages as surveys

from . import selectors
from .forms import RegionSearchForm


@require_GET
@public_cache
def home(request):
    pilots = region_selectors.regions(pilot=True, level=Level.REGENCY)
    return render(request, "portal/home.html", {"form": RegionSearchForm(), "pilots": pilots})


@require_GET
def region_search(request):
    """The region picker: a full page, or only the result list when htmx asks as the user types."""
    form = RegionSearchForm(request.GET)
    results = region_selectors.search_regencies(form.cleaned_data["q"]) if form.is_valid() else []
    template = "portal/_region_search_results.html" if request.htmx else "portal/region_search.html"
    return render(request, template, {"form": form, "results": results})


@require_GET
@public_cache
def region_detail(request, code):
    region = region_selectors.region(code)
    if region is None:
        raise Http404
    if region.level > Level.REGENCY:
        # A kecamatan or desa is served by its kabupaten/kota's MPP.
        return redirect("portal:region", code=region_selectors.regency_code_of(code))
    context = {"region": region, "ancestors": region_selectors.ancestors(region)}
    if region.level == Level.PROVINCE:
        context["children"] = region_selectors.regions(parent=region.code)
    else:
        context["page"] = selectors.region_services(region.code)
        context["participation"] = onboarding.participation_of(region.code)
        context["ikm"] = surveys.region_summary(region.code)
    return render(request, "portal/region.html", context)


@require_GET
@public_cache
def service(request, service_id):
    """A service's page: its standard from the catalog, and how satisfied its users are (the survey's index)."""
    found = catalog_selectors.service_detail(service_id)
    if found is None:
        raise Http404
    context = {
        "service": found,
        "detail": presentation.service_page(found),
        "ikm": surveys.service_block(found),
    }
    return render(request, "portal/service.html", context)
