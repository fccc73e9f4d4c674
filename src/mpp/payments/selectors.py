"""Reads of payments: a bill as its payer sees it."""

from dataclasses import dataclass

from django.db.models import Case, When
from django.utils.translation import gettext_lazy

from mpp.core import qr

from .models import Bill, BillState, Revenue

#: Where a bill can be paid, by how it is paid (what the payer is told; the network's members accept it).
CHANNELS = {
    "billing": (
        gettext_lazy("Teller bank persepsi"),
        gettext_lazy("ATM"),
        gettext_lazy("Mobile banking dan internet banking"),
        gettext_lazy("Kantor pos"),
    ),
    "va": (
        gettext_lazy("ATM"),
        gettext_lazy("Mobile banking dan internet banking"),
        gettext_lazy("Teller bank"),
        gettext_lazy("Agen bank (Laku Pandai)"),
    ),
    "qris": (gettext_lazy("Aplikasi bank atau dompet digital yang mendukung QRIS"),),
}


@dataclass(frozen=True)
class BillView:
    bill: Bill
    #: The code to type, grouped by four for reading aloud, and its name.
    code: str
    grouped: str
    is_billing: bool
    qr_svg: str
    channels: tuple


def bill_view(bill: Bill) -> BillView:
    code = bill.pay_code
    return BillView(
        bill=bill,
        code=code,
        grouped=" ".join(code[i : i + 4] for i in range(0, len(code), 4)),
        is_billing=bill.revenue == Revenue.PNBP,
        qr_svg=qr.svg(bill.qr_content, border=2) if bill.qr_content and bill.state == BillState.OPEN else "",
        channels=CHANNELS["billing" if bill.revenue == Revenue.PNBP else "va"] + CHANNELS["qris"],
    )


def last_bill_of(application) -> Bill | None:
    """The application's latest bill (open, paid or expired), with its payment."""
    return Bill.objects.filter(application=application).select_related("payment").order_by("-issued_at").first()


def bills_of(user):
    """The user's bills, open ones first, then the newest."""
    return (
        Bill.objects.filter(payer=user)
        .select_related("payment", "application", "region")
        .order_by(Case(When(state=BillState.OPEN, then=0), default=1), "-issued_at")[:100]
    )


def bill_of(user, bill_id) -> Bill | None:
    """The bill if ``user`` is its payer, else None."""
    return Bill.objects.filter(pk=bill_id, payer=user).select_related("payment", "region").first()
