from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from mpp.applications import selectors as application_selectors
from mpp.catalog import presentation
from mpp.catalog import selectors as catalog_selectors
from mpp.core.db.replica import replica_reads
from mpp.core.public_cache import public_cache
from mpp.onboarding import selectors as onboarding
from mpp.regions import selectors as region_selectors
from mpp.regions.models import Level
from mpp.surveys import pages as surveys
from mpp.villages import selectors as villages

from . import selectors
from .forms import RegionSearchForm


@require_GET
@public_cache
@replica_reads
def home(request):
    pilots = region_selectors.regions(pilot=True, level=Level.REGENCY)
    return render(request, "portal/home.html", {"form": RegionSearchForm(), "pilots": pilots})


@require_GET
def region_search(request):
    """The region picker: a full page, or only the result list when htmx asks as the user types."""
    form = RegionSearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    results = region_selectors.search_regencies(q) if q else []
    found_villages = region_selectors.search_villages(q) if q else []
    template = "portal/_region_search_results.html" if request.htmx else "portal/region_search.html"
    return render(request, template, {"form": form, "results": results, "villages": found_villages})


@require_GET
@public_cache
@replica_reads
def region_detail(request, code):
    if region_selectors.level_of(code) == Level.VILLAGE:
        return _village(request, code)  # reads the village with its district and regency: no region() first
    region = region_selectors.region(code)
    if region is None:
        raise Http404
    if region.level == Level.DISTRICT:
        # A kecamatan is served by its kabupaten/kota's MPP.
        return redirect("portal:region", code=region_selectors.regency_code_of(code))
    context = {"region": region, "ancestors": region_selectors.ancestors(region)}
    if region.level == Level.PROVINCE:
        context["children"] = region_selectors.regions(parent=region.code)
    else:
        context["page"] = selectors.region_services(region.code)
        context["participation"] = onboarding.participation_of(region.code)
        context["ikm"] = surveys.region_summary(region.code)
        context["villages"] = selectors.village_count(region.code)
    return render(request, "portal/region.html", context)


def _village(request, code):
    """A village's or kelurahan's light page: its office, its head and the letters it issues."""
    page = villages.village_page(code)
    if page is None:
        raise Http404
    return render(request, "portal/village.html", {"page": page})


@require_GET
@public_cache
@replica_reads
def village_list(request, code):
    """The villages and kelurahan of a kabupaten/kota, a page at a time, optionally those whose name matches."""
    region = region_selectors.region(code)
    if region is None or region.level != Level.REGENCY:
        raise Http404
    form = RegionSearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = selectors.village_page_of(region.code, q=q, number=request.GET.get("halaman"))
    return render(request, "portal/villages.html", {"region": region, "page": page, "q": q})


@require_GET
@public_cache
@replica_reads
def village_service(request, code, service_id):
    """A village letter as this village issues it, lightly: what to bring, how long, what it costs here, and the
    button to apply; the region's service page has the full standard."""
    found = villages.village_service(code, service_id)
    if found is None:
        raise Http404
    page, letter, standard = found
    standard = presentation.localized_standard(standard) if standard else {}
    context = {"page": page, "letter": letter, "standard": standard, "fee": page.fee(letter)}
    return render(request, "portal/village_service.html", context)


@require_GET
@public_cache
@replica_reads
def service(request, service_id):
    """A service's page: its standard from the catalog, and how satisfied its users are (the survey's index)."""
    found = catalog_selectors.service_detail(service_id)
    if found is None:
        raise Http404
    context = {
        "service": found,
        "detail": presentation.service_page(found),
        "ikm": surveys.service_block(found),
        "connection": application_selectors.connection_of(found.pk),
    }
    return render(request, "portal/service.html", context)
