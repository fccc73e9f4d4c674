"""The MPP's survey kiosk: a tablet by the exit, full screen, for anyone with a code from the counter.

Enter the code → the questionnaire (one screen, the code carried in the form, never in the address) →
the answer redirects (303) to the start with ``?terima-kasih`` → thanks above an empty code box for the next person
(a reload shows the thanks again and never re-sends the answer) (a small script clears the thanks after a few seconds;
a meta refresh would be simpler, but it fails WCAG 2.2.1 as axe-core checks it). Wrong, used and expired codes
each get a plain message. Codes are 30 random bits and tries are limited per address and per code
(``core.limits``), so guessing one is hopeless. ``/survei/kios/<kode wilayah>/`` is one MPP's kiosk:
it takes only the codes of services of its region. The same pages work on a phone.
"""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mpp.core.errors import Conflict
from mpp.core.limits import over_limit

from .. import selectors, services
from ..forms import CodeForm, SurveyForm
from ..models import normalise_code

#: Survey starts (and answers) per address: a busy MPP's kiosk serves a few hundred people a day.
STARTS_PER_ADDRESS = "200/h"
#: Tries of one code: a person mistyping, never a run of guesses at one code.
TRIES_PER_CODE = "10/h"
#: Seconds the thank-you page stays before the kiosk starts again.
RESET_SECONDS = 15
#: The start page's query after an answer: it shows the thanks above the code box.
THANKS = "terima-kasih"
TOO_MANY = _("Terlalu banyak percobaan dari perangkat ini. Coba lagi nanti atau minta bantuan petugas.")


@require_http_methods(["GET", "POST"])
def kiosk(request, region_code: str = ""):
    region = selectors.regency(region_code) if region_code else None
    if region_code and region is None:
        raise Http404
    base = {"region": region, "reset_seconds": RESET_SECONDS}
    if request.method == "GET":
        return _code_page(request, base, CodeForm(), thanks=THANKS in request.GET)
    if "u1" in request.POST:
        return _answer(request, base, region_code)
    return _start(request, base, region_code)


def _start(request, base: dict, region_code: str):
    form = CodeForm(request.POST)
    if over_limit(request, "survey-kiosk-start", "ip", STARTS_PER_ADDRESS):
        return _code_page(request, base, form, problem=str(TOO_MANY), status=429)
    if not form.is_valid():
        return _code_page(request, base, form, status=400)
    code = form.cleaned_data["code"]
    if over_limit(request, "survey-kiosk-code", lambda _group, _request: code, TRIES_PER_CODE):
        return _code_page(request, base, form, problem=str(TOO_MANY), status=429)
    try:
        invitation = services.invitation_for_code(code, region_code=region_code)
    except services.CodeRefused as refused:
        return _code_page(request, base, form, problem=refused.message, status=400)
    except Conflict as refused:
        return _code_page(request, base, form, problem=refused.message, status=409)
    return _survey_page(request, base, invitation, code, SurveyForm())


def _answer(request, base: dict, region_code: str):
    code = normalise_code(request.POST.get("code", ""))
    if over_limit(request, "survey-kiosk-answer", "ip", STARTS_PER_ADDRESS):
        return _code_page(request, base, CodeForm(), problem=str(TOO_MANY), status=429)
    form = SurveyForm(request.POST)
    try:
        if not form.is_valid():
            invitation = services.invitation_for_code(code, region_code=region_code)
            return _survey_page(request, base, invitation, code, form, status=400)
        services.answer_code(code=code, values=form.cleaned_data, region_code=region_code)
    except services.CodeRefused as refused:
        return _code_page(request, base, CodeForm(), problem=refused.message, status=400)
    except Conflict as refused:
        return _code_page(request, base, CodeForm(), problem=refused.message, status=409)
    return HttpResponseRedirect(f"{request.path}?{THANKS}", status=303)


def _code_page(request, base: dict, form: CodeForm, *, problem: str = "", status: int = 200, thanks: bool = False):
    """The code box; after an answer, with the thanks above it (``kiosk.js`` clears them after RESET_SECONDS)."""
    context = {**base, "form": form, "problem": problem, "thanks": thanks}
    return render(request, "surveys/kiosk_code.html", context, status=status)


def _survey_page(request, base: dict, invitation, code: str, form: SurveyForm, *, status: int = 200):
    context = {**base, "invitation": invitation, "code": code, "form": form}
    return render(request, "surveys/kiosk_survey.html", context, status=status)
