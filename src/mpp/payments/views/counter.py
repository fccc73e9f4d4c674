"""Cash at the counter: a counter officer finds a bill of their agencies by its number and records the amount
taken in cash against a numbered cash receipt. The payment is recorded with who took it and shows in the
treasurer's reconciliation as cash. A bill of another agency is not found."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mpp.core.errors import DomainError
from mpp.identity.access import officer_required

from .. import access, services
from ..models import Bill


@officer_required
@require_http_methods(["GET", "POST"])
def cash(request):
    agencies = access.cash_agencies(request.user)
    if not agencies:
        raise Http404
    number = (request.POST.get("number") or request.GET.get("nomor") or "").strip().upper()
    bill = Bill.objects.filter(number=number, agency__in=agencies).select_related("payment").first() if number else None
    problem, status = "", 200
    if number and bill is None:
        problem, status = _("Tagihan dengan nomor itu tidak ditemukan di instansi Anda."), 404
    if request.method == "POST" and bill is not None:
        try:
            services.take_cash(
                bill_id=bill.pk, officer=request.user, agencies=agencies, receipt_number=request.POST.get("receipt", "")
            )
        except DomainError as refused:
            problem, status = refused.message, refused.status_code
        else:
            messages.success(request, _("Pembayaran tunai tagihan %(number)s tercatat.") % {"number": bill.number})
            return redirect(f"{request.path}?nomor={bill.number}")
    return render(request, "payments/cash.html", {"number": number, "bill": bill, "problem": problem}, status=status)
