"""Public verification of issued documents, the citizen's vault, and revocation by the issuer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mpp.core.errors import DomainError
from mpp.core.limits import over_limit
from mpp.identity.access import officer_required

from . import selectors, services
from .forms import RevokeForm, VaultUploadForm, VerifyUploadForm


@require_GET
def verify(request, code):
    """What anyone who scans the QR code sees: valid, revoked or unknown, and the key fields (no full NIK).

    Limited per address, so codes cannot be tried in bulk; an unknown code says only that.
    """
    if over_limit(request, "verify-code", "ip", "120/m", method="GET"):
        return render(request, "documents/verify.html", {"limited": True}, status=429)
    issued = selectors.issued_by_code(code)
    response = render(request, "documents/verify.html", {"issued": issued}, status=200 if issued else 404)
    response["Cache-Control"] = "no-store"  # a revocation shows at once
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def verify_upload(request):
    """Upload a PDF: its signature is checked (intact, trusted, covering the whole file) and its hash looked up."""
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    verdict, issued, status = None, None, 200
    if request.method == "POST":
        if over_limit(request, "verify-upload", "ip", "30/m"):
            form.add_error(None, _("Terlalu banyak pemeriksaan. Coba lagi sebentar lagi."))
            status = 429
        elif form.is_valid():
            from .validation import validate  # pyHanko on first use (see services.issue); forks inherit it

            verdict = validate(form.cleaned_data["file"].read())
            issued = selectors.issued_by_signed_revision(verdict.signed_revision_sha256) if verdict.is_valid else None
        else:
            status = 400
    context = {"form": form, "verdict": verdict, "issued": issued}
    return render(request, "documents/verify_upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def vault(request):
    """The citizen's documents: uploaded ones (new document or new version) and the ones issued to them."""
    form = VaultUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_to_vault(
                    owner=request.user,
                    uploaded=form.cleaned_data["file"],
                    document_type=form.cleaned_data["document_type"],
                    title=form.cleaned_data["title"],
                    document_id=request.POST.get("document") or None,
                )
            except ValidationError as invalid:
                form.add_error("file", invalid)
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Dokumen tersimpan di brankas Anda."))
                return redirect("documents:vault")
        status = 400
    context = {"documents": selectors.vault(request.user), "form": form}
    return render(request, "documents/vault.html", context, status=status)


@officer_required
@require_POST
def revoke(request, code):
    """The issuing agency's approving official withdraws a document; verification shows it revoked at once."""
    form = RevokeForm(request.POST)
    agencies = selectors.revoking_agencies(request.user)
    issued = selectors.issued_for_agencies(code, agencies)
    if issued is None:
        raise Http404
    if not form.is_valid():
        # A reason and the "I understand" box: nothing is revoked without both.
        for errors in form.errors.values():
            messages.error(request, errors[0])
    else:
        try:
            services.revoke(
                code=code,
                officer=request.user,
                reason=form.cleaned_data["reason"],
                agencies=agencies,
            )
        except DomainError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Dokumen %(number)s dicabut.") % {"number": issued.number})
    return redirect("applications:officer_detail", application_id=issued.application_id)
