"""The applicant rates their application: one screen, once, from the decision notice or the application's page.

Only the applicant opens it (anyone else gets the 404 of an application that is not theirs). The page
says where the survey stands: open (the questionnaire), answered (thanks), not yet (the application is
still being decided), or closed (answers are taken for ``services.ANSWER_DAYS`` after it was served).
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mpp.applications import selectors as applications
from mpp.core.errors import Conflict, DomainError

from .. import selectors, services
from ..forms import SurveyForm


@login_required
@require_http_methods(["GET", "POST"])
def application_survey(request, tracking_number):
    application = applications.citizen_application(request.user, tracking_number)
    if application is None:
        raise Http404
    form, status, problem = SurveyForm(), 200, ""
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                services.answer_application(application=application, values=form.cleaned_data)
            except Conflict as refused:  # answered meanwhile (another tab), or closed
                problem, status = refused.message, 409
            except DomainError as refused:
                problem, status = refused.message, 400
            else:
                messages.success(request, _("Terima kasih. Penilaian Anda tercatat tanpa nama Anda."))
                return redirect("surveys:application", tracking_number=tracking_number)
        else:
            status = 400
    context = {"application": application, "form": form, "problem": problem, **_state(application)}
    return render(request, "surveys/application.html", context, status=status)


def _state(application) -> dict:
    """Where the application's survey stands: "open", "answered", "not_yet" or "closed"."""
    invitation = selectors.invitation_of_application(application)
    if selectors.is_answered(invitation):
        return {"state": "answered"}
    moment = invitation.served_at if invitation else services.served_at(application)
    if moment is None:
        return {"state": "not_yet"}
    closes = moment + dt.timedelta(days=services.ANSWER_DAYS)
    return {"state": "open" if closes > timezone.now() else "closed", "closes_at": closes}
