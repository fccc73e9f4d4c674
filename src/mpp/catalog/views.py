from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mpp.core.public_cache import public_cache
from mpp.identity import selectors as identity_selectors
from mpp.identity.access import assurance_redirect

from . import presentation, selectors
from .forms import ServiceSearchForm
from .models import Mode
from .standard import COMPONENTS


@require_GET
@public_cache
def service_detail(request, service_id):
    service = selectors.service_detail(service_id)
    if service is None:
        raise Http404
    detail = presentation.service_detail(service)
    return render(
        request,
        "catalog/service_detail.html",
        {"service": service, "detail": detail, "components": COMPONENTS},
    )


@require_GET
def service_search(request):
    form = ServiceSearchForm(request.GET)
    results = selectors.search_services(**form.cleaned_data) if form.is_valid() else []
    return render(request, "catalog/search.html", {"form": form, "results": results})


@require_GET
def apply_start(request, service_id):
    """The first step of applying: the service's identity level is checked (sign-in or upgrade first,
    then back here), and the citizen sees for whom they may apply and what the state already holds."""
    service = selectors.service_detail(service_id)
    if service is None or service.template.mode != Mode.APPLICATION:
        raise Http404
    detour = assurance_redirect(request, service.template.assurance_level)
    if detour is not None:
        return detour
    detail = presentation.service_detail(service)
    return render(
        request,
        "catalog/apply_start.html",
        {"service": service, "detail": detail, "children": identity_selectors.minor_children(request.user)},
    )
