"""The public side: the index of every region and of one region, and the open survey anyone may answer.

The index pages read the figures only (a constant number of queries) and are shared by every anonymous
visitor through the public response cache. The open survey is counted apart from the index: its answers
are not tied to a served transaction, so they could be sent by anyone, as often as the limit allows.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mpp.catalog.models import Service
from mpp.core.db.replica import replica_reads
from mpp.core.limits import over_limit
from mpp.core.public_cache import public_cache
from mpp.identity.access import has_role
from mpp.identity.models import Role

from .. import pages, selectors, services
from ..forms import OpenSurveyForm, PeriodForm

#: Open answers per address: a family may answer for each service they used; a flood may not.
OPEN_ANSWERS_PER_ADDRESS = "20/h"


@require_GET
@public_cache
@replica_reads
def national(request):
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "surveys/national.html", {"form": form, "invalid": True}, status=400)
    context = pages.national_page(form.period) | {"form": form}
    context["may_export"] = has_role(request.user, Role.MINISTRY)
    return render(request, "surveys/national.html", context)


@require_GET
@public_cache
@replica_reads
def region(request, code):
    found = selectors.regency(code)
    if found is None:
        raise Http404
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "invalid": True, "region": found}
        return render(request, "surveys/region.html", context, status=400)
    return render(request, "surveys/region.html", pages.region_page(found, form.period) | {"form": form})


@require_http_methods(["GET", "POST"])
def open_survey(request, region_code):
    region = selectors.regency(region_code)
    if region is None:
        raise Http404
    offered = selectors.services_of(region.code)
    form, status, problem = OpenSurveyForm(services=offered), 200, ""
    if request.method == "POST":
        form = OpenSurveyForm(request.POST, services=offered)
        if over_limit(request, "survey-open", "ip", OPEN_ANSWERS_PER_ADDRESS):
            problem, status = _("Terlalu banyak jawaban dari perangkat ini. Coba lagi nanti."), 429
        elif form.is_valid():
            chosen = form.cleaned_data["service"]
            service = Service.objects.filter(pk=chosen, region_id=region.code).first() if chosen else None
            services.answer_open(region=region, service=service, values=form.cleaned_data)
            return render(request, "surveys/open_thanks.html", {"region": region})
        else:
            status = 400
    context = {"region": region, "form": form, "problem": problem}
    return render(request, "surveys/open_survey.html", context, status=status)
