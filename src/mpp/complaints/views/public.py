"""The reporter's pages: filing (signed in or not), the contact's code, the receipt, following a complaint
by account or by number and secret, answering, the verdict; and each region's public figures.

A complaint is shown only to its reporter: the account that filed it, or a browser that proved its
secret (kept in the session). Anyone else gets a 404, as if it did not exist; on a complaint's page, a
visitor who is not signed in is first asked to sign in (the notices link there), whatever the number.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mpp.applications import selectors as applications
from mpp.core.errors import DomainError
from mpp.core.limits import over_limit
from mpp.regions import selectors as regions

from .. import selectors, services
from ..forms import CodeForm, ComplaintForm, ContactForm, InformForm, RegionChoiceForm, TrackForm, VerdictForm
from ..models import Status
from .common import attachment_response

SESSION_KEY = "complaints_followed"
TOO_MANY = _("Terlalu banyak percobaan. Coba lagi nanti.")


def _followed(request) -> list[str]:
    return request.session.get(SESSION_KEY, [])


def _follow(request, complaint) -> None:
    request.session[SESSION_KEY] = [*_followed(request), str(complaint.pk)][-20:]


def _own(request, number):
    """The complaint when this visitor filed it (by account, or by the secret proven in this session)."""
    complaint = selectors.for_reporter(request.user, number)
    if complaint is None:
        complaint = selectors.by_number(number)
        if complaint is None or complaint.reporter_id is not None or str(complaint.pk) not in _followed(request):
            raise Http404
    return complaint


@require_http_methods(["GET", "POST"])
def start(request):
    """Where filing starts: from an application of the signed-in citizen, or by choosing the region."""
    number = request.GET.get("permohonan", "")
    if number:
        application = applications.citizen_application(request.user, number) if request.user.is_authenticated else None
        if application is None:
            raise Http404
        url = reverse("complaints:file", args=[application.region_id])
        return redirect(f"{url}?permohonan={application.tracking_number}")
    form = RegionChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("complaints:file", code=form.cleaned_data["wilayah"].code)
    return render(request, "complaints/start.html", {"form": form})


@require_http_methods(["GET", "POST"])
def file(request, code):
    region = regions.region(code)
    if region is None or region.level != 2:
        raise Http404
    application = None
    number = request.GET.get("permohonan", "")
    if number:
        application = applications.citizen_application(request.user, number) if request.user.is_authenticated else None
        if application is None or application.region_id != region.code:
            raise Http404
    signed_in = request.user.is_authenticated
    form = ComplaintForm(request.POST or None, request.FILES or None, region=region, application=application)
    contact = None if signed_in else ContactForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "complaints.file", "ip", "20/h") or (
            contact is not None and over_limit(request, "complaints.file.contact", "post:contact", "5/h")
        ):
            messages.error(request, TOO_MANY)
            return render(
                request, "complaints/file.html", _file_context(region, application, form, contact), status=429
            )
        if form.is_valid() and (contact is None or contact.is_valid()):
            extra = contact.cleaned_data if contact else {}
            try:
                filing = form.filing()
                # Without an account and without a contact, the reporter is known to nobody: anonymous.
                filing["anonymous"] = filing["anonymous"] or (not signed_in and not extra.get("contact"))
                complaint, secret = services.file_complaint(
                    **filing,
                    region=region,
                    reporter=request.user if signed_in else None,
                    reporter_name=extra.get("reporter_name", ""),
                    contact=extra.get("contact", ""),
                    application=application,
                    submit_key=request.POST.get("submit_key", "")[:80],
                )
            except ValidationError as invalid:
                form.add_error("files", invalid)
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                if not signed_in:
                    _follow(request, complaint)
                    request.session["complaint_secret"] = secret
                if complaint.awaits_contact:
                    return redirect("complaints:confirm", complaint_id=complaint.pk)
                return redirect("complaints:receipt", number=complaint.tracking_number)
    return render(request, "complaints/file.html", _file_context(region, application, form, contact))


def _file_context(region, application, form, contact):
    return {
        "region": region,
        "application": application,
        "form": form,
        "contact": contact,
        "submit_key": uuid.uuid4().hex,
    }


@require_http_methods(["GET", "POST"])
def confirm(request, complaint_id):
    """The contact's one-time code (only in the browser that filed the complaint)."""
    complaint = selectors.pending_by_id(complaint_id)
    if complaint is None or str(complaint.pk) not in _followed(request):
        raise Http404
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "complaints.code", "ip", "30/h"):
            form.add_error(None, TOO_MANY)
        elif "resend" in request.POST:
            services.resend_code(complaint.pk)
            messages.info(request, _("Kode baru telah dikirim."))
            return redirect("complaints:confirm", complaint_id=complaint.pk)
        elif form.is_valid():
            try:
                services.confirm_contact(complaint.pk, form.cleaned_data["code"])
            except DomainError as refused:
                form.add_error("code", refused.message)
            else:
                return redirect("complaints:receipt", number=complaint.tracking_number)
    return render(request, "complaints/confirm.html", {"complaint": complaint, "form": form})


@require_GET
def receipt(request, number):
    complaint = _own(request, number)
    secret = request.session.pop("complaint_secret", "")
    return render(request, "complaints/receipt.html", {"complaint": complaint, "secret": secret})


@require_http_methods(["GET", "POST"])
def track(request):
    """Following a complaint filed without an account: its number and secret."""
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "complaints.track", "ip", "20/h"):
            form.add_error(None, TOO_MANY)
        else:
            complaint = selectors.for_secret(form.cleaned_data["number"], form.cleaned_data["secret"])
            if complaint is None:
                form.add_error(None, _("Nomor pengaduan atau kode rahasia tidak cocok."))
            else:
                _follow(request, complaint)
                return redirect("complaints:detail", number=complaint.tracking_number)
    return render(request, "complaints/track.html", {"form": form})


@login_required
@require_GET
def mine(request):
    """The signed-in citizen's complaints: a page, or the dashboard's section when htmx asks."""
    template = "complaints/_mine.html" if request.htmx else "complaints/mine.html"
    return render(request, template, {"complaints": selectors.of_reporter(request.user)})


@require_GET
def detail(request, number):
    try:
        complaint = _own(request, number)
    except Http404:
        if request.user.is_authenticated:
            raise
        # A reporter who follows a notice's link signed out: the same answer for any number reveals nothing.
        return redirect_to_login(request.get_full_path())
    context = {
        "complaint": complaint,
        "steps": selectors.timeline(complaint, for_reporter=True),
        "inform_form": InformForm() if complaint.status == Status.INFO_REQUESTED else None,
        "verdict_form": VerdictForm() if complaint.status == Status.RESOLVED else None,
    }
    return render(request, "complaints/detail.html", context)


@require_POST
def inform(request, number):
    complaint = _own(request, number)
    form = InformForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.provide_information(
                complaint_id=complaint.pk,
                text_given=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                reporter=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as invalid:
            form.add_error("files", invalid)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Keterangan Anda terkirim. Waktu penyelesaian berjalan lagi."))
            return redirect("complaints:detail", number=complaint.tracking_number)
    context = {"complaint": complaint, "steps": selectors.timeline(complaint, for_reporter=True), "inform_form": form}
    return render(request, "complaints/detail.html", context, status=400)


@require_POST
def verdict(request, number):
    complaint = _own(request, number)
    form = VerdictForm(request.POST)
    reporter = request.user if request.user.is_authenticated else None
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["verdict"] == "confirm":
                services.confirm(
                    complaint_id=complaint.pk,
                    rating=data["rating"],
                    publish_consent=data["publish_consent"],
                    reporter=reporter,
                )
                messages.success(request, _("Terima kasih. Pengaduan ditutup dengan penilaian Anda."))
            else:
                services.reopen(complaint_id=complaint.pk, reason=data["reason"], reporter=reporter)
                messages.success(request, _("Pengaduan dibuka kembali dan dikembalikan kepada instansi."))
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("complaints:detail", number=complaint.tracking_number)
    context = {"complaint": complaint, "steps": selectors.timeline(complaint, for_reporter=True), "verdict_form": form}
    return render(request, "complaints/detail.html", context, status=400)


@require_GET
def attachment(request, number, attachment_id):
    return attachment_response(_own(request, number), attachment_id)


@require_GET
def region_figures(request, code):
    """A region's complaints in figures, and the complaints published with their reporters' consent."""
    region = regions.region(code)
    if region is None or region.level != 2:
        raise Http404
    context = {
        "region": region,
        "figures": selectors.public_figures(region.code),
        "published": selectors.published(region.code),
    }
    return render(request, "complaints/region_figures.html", context)
