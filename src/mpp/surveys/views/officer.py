"""The counter officer's side: the survey code of a visit, shown on the counter's screen or read out.

Only a counter officer of the application's agency, for a counter visit they may open
(``applications.selectors.application_for_officer``), reaches it; anyone else gets a 404.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mpp.applications import presence
from mpp.applications import selectors as applications
from mpp.applications.models import Channel
from mpp.core.errors import DomainError
from mpp.identity.access import officer_required
from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles

from .. import selectors, services


@officer_required
@require_http_methods(["GET", "POST"])
def survey_code(request, application_id):
    """GET shows the visit's code if it has a working one; POST issues it (the same one while it works)."""
    application = applications.application_for_officer(
        request.user, application_id, present=presence.present_ids(request)
    )
    if (
        application is None
        or application.channel != Channel.COUNTER
        or (application.agency_id, Role.COUNTER_OFFICER) not in agency_roles(request.user)
    ):
        raise Http404
    problem, status = "", 200
    if request.method == "POST":
        try:
            services.issue_code(application=application)
        except DomainError as refused:
            problem, status = refused.message, refused.status_code
        else:
            return redirect("surveys:code", application_id=application.pk)
    invitation = selectors.invitation_of_application(application)
    now = timezone.now()
    working = invitation is not None and invitation.code and invitation.code_expires_at > now
    context = {
        "application": application,
        "invitation": invitation if working else None,
        "answered": selectors.is_answered(invitation),
        "problem": problem,
    }
    return render(request, "surveys/officer_code.html", context, status=status)
