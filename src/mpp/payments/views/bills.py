"""The citizen's bills: their list, one bill to pay (its code, its QRIS, its receipt once paid), and paying what
a PBB tax object or a PDAM customer owes. A bill is its payer's alone: anyone else gets a 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mpp.core.errors import DomainError
from mpp.core.limits import over_limit

from .. import billers, selectors, services
from ..forms import BillerForm

#: Look-ups of another system's bill per account: a person checks a few numbers, a script many.
LOOKUPS_PER_USER = "30/h"


@login_required
def mine(request):
    return render(request, "payments/mine.html", {"bills": selectors.bills_of(request.user)})


@login_required
def detail(request, bill_id):
    bill = selectors.bill_of(request.user, bill_id)
    if bill is None:
        raise Http404
    return render(request, "payments/bill.html", {"view": selectors.bill_view(bill), "region": bill.region})


@login_required
@require_http_methods(["GET", "POST"])
def pay_other(request):
    """Step 1: the system and the number; step 2 (``check``): what is due; step 3 (``bill``): the bill."""
    form = BillerForm(request.POST or None)
    due, problem, status = None, "", 200
    if request.method == "POST":
        if over_limit(request, "payments-biller-lookup", "user", LOOKUPS_PER_USER):
            problem, status = _("Terlalu banyak pencarian. Coba lagi nanti."), 429
        elif not form.is_valid():
            status = 400
        else:
            system, number = form.cleaned_data["system"], form.cleaned_data["number"]
            try:
                if request.POST.get("step") == "bill":
                    bill = services.bill_from_system(payer=request.user, revenue=system, number=number)
                    return redirect("payments:bill", bill_id=bill.pk)
                due = billers.due(system, number)
                if not due.amount:
                    problem, due = _("Tidak ada tagihan yang harus dibayar untuk nomor ini."), None
            except billers.BillerRefused as refused:
                problem = _("Nomor tidak ditemukan.") if refused.status == 404 else _("Periksa kembali nomornya.")
                status = 404 if refused.status == 404 else 400
            except billers.BillerUnavailable:
                problem, status = _("Sistem tagihan sedang tidak dapat dihubungi. Coba lagi beberapa saat lagi."), 503
            except DomainError as refused:
                problem, status = refused.message, refused.status_code
    return render(request, "payments/pay_other.html", {"form": form, "due": due, "problem": problem}, status=status)
