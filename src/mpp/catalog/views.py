"""The catalog's search page. A service's public page composes other contexts (its satisfaction index), so
it is the portal's (``portal.views.service``)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import presentation, selectors
from .forms import ServiceSearchForm


@require_GET
def service_search(request):
    form = ServiceSearchForm(request.GET)
    found = selectors.search_services(**form.cleaned_data) if form.is_valid() else []
    results = [presentation.search_result(service) for service in found]
    return render(request, "catalog/search.html", {"form": form, "results": results})
