from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mpp.core.public_cache import public_cache

from . import presentation, selectors
from .forms import ServiceSearchForm
from .standard import COMPONENTS


@require_GET
@public_cache
def service_detail(request, service_id):
    service = selectors.service_detail(service_id)
    if service is None:
        raise Http404
    detail = presentation.service_page(service)
    return render(
        request,
        "catalog/service_detail.html",
        {"service": service, "detail": detail, "components": COMPONENTS},
    )


@require_GET
def service_search(request):
    form = ServiceSearchForm(request.GET)
    found = selectors.search_services(**form.cleaned_data) if form.is_valid() else []
    results = [presentation.search_result(service) for service in found]
    return render(request, "catalog/search.html", {"form": form, "results": results})
