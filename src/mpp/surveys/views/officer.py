"""The counter officer's side: the survey code of a visit, shown on the counter's screen or read out.

A visit is an application entered at the counter, or a ticket of the MPP's line served at a counter. Only a
counter officer of the application's agency, for a counter visit they may open
(``applications.selectors.application_for_officer``), or one who may sit at the counter that served the
ticket (``queueing.access``), reaches it; anyone else gets a 404.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mpp.applications import presence
from mpp.applications import selectors as applications
from mpp.applications.models import Channel
from mpp.core.errors import DomainError
from mpp.identity.access import officer_required
from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles
from mpp.queueing import access
from mpp.queueing import selectors as queueing

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
    number = application.tracking_number
    return _code_page(
        request,
        issue=lambda: services.issue_code(application=application),
        find=lambda: selectors.invitation_of_application(application),
        subject=application,
        back=(reverse("applications:officer_detail", args=[application.pk]), _("Permohonan %s") % number),
    )


@officer_required
@require_http_methods(["GET", "POST"])
def visit_code(request, ticket_id):
    """As ``survey_code``, for a ticket of the MPP's line served at one of the officer's counters."""
    ticket = queueing.public_ticket(ticket_id)
    if ticket is None or ticket.counter_id is None or access.counter_for(request.user, ticket.counter_id) is None:
        raise Http404
    return _code_page(
        request,
        issue=lambda: services.issue_visit_code(ticket=ticket),
        find=lambda: selectors.invitation_of_visit(ticket),
        subject=ticket,
        back=(reverse("queueing:console", args=[ticket.counter_id]), _("Antrean %s") % ticket.label),
        region=ticket.mpp.region,
    )


def _code_page(request, *, issue, find, subject, back, region=None):
    """GET shows the visit's code if it has a working one; POST issues it (the same one while it works)."""
    problem, status = "", 200
    if request.method == "POST":
        try:
            issue()
        except DomainError as refused:
            problem, status = refused.message, refused.status_code
        else:
            return redirect(request.path)
    invitation = find()
    now = timezone.now()
    working = invitation is not None and invitation.code and invitation.code_expires_at > now
    context = {
        "service": subject.service,
        "agency": subject.agency,
        "region": region or subject.region,
        "back_url": back[0],
        "back_label": back[1],
        "invitation": invitation if working else None,
        "answered": selectors.is_answered(invitation),
        "problem": problem,
    }
    return render(request, "surveys/officer_code.html", context, status=status)
