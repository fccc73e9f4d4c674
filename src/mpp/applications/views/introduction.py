"""The RT/RW head's link (no account: the link is the key), and the citizen asking again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mpp.core.errors import DomainError

from .. import introductions, services


@require_http_methods(["GET", "POST"])
def answer(request, token):
    """What the head sees: who asks, for which letter, and two buttons. A used, replaced or expired link says so."""
    try:
        introduction = introductions.check_open(introductions.by_token(token), now=timezone.now())
    except introductions.LinkInvalid as invalid:
        return render(request, "applications/introduction_closed.html", {"reason": invalid.message}, status=410)
    if request.method == "POST":
        choice = request.POST.get("jawaban")
        if choice not in ("setuju", "tolak"):
            messages.error(request, _("Pilih salah satu: beri pengantar, atau tolak."))
        else:
            try:
                services.answer_introduction(
                    token=token, confirm=choice == "setuju", reason=request.POST.get("alasan", "")[:300]
                )
            except introductions.LinkInvalid as invalid:
                return render(request, "applications/introduction_closed.html", {"reason": invalid.message}, status=410)
            return render(request, "applications/introduction_done.html", {"confirmed": choice == "setuju"})
    application = introduction.application
    return render(
        request,
        "applications/introduction_answer.html",
        {"introduction": introduction, "application": application, "village": application.agency.village},
    )


@login_required
@require_POST
def ask_again(request, tracking_number):
    """Send the link again, to the same head or to another from the village's directory."""
    try:
        introduction = services.ask_introduction_again(
            tracking_number=tracking_number, applicant=request.user, head_id=request.POST.get("head")
        )
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Permintaan pengantar dikirim ke %(head)s (%(name)s).")
            % {"head": introduction.head_title, "name": introduction.head_name},
        )
    return redirect("applications:detail", tracking_number=tracking_number)
