"""Reads of payments: a bill as its payer sees it, and what a region collected, for its treasurer."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Sum, When
from django.utils.translation import gettext_lazy

from mpp.core import qr

from .models import Bill, BillState, Channel, Collected, Mismatch, Payment, Revenue, Settlement

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


@dataclass(frozen=True)
class CollectedRow:
    agency: str
    service: str
    revenue: str
    channel: str
    payments: int
    amount: int


def collected(regions, start: dt.date, end: dt.date) -> list[CollectedRow]:
    """What ``regions`` collected from ``start`` to ``end`` (inclusive), per agency, service, revenue and channel,
    from the aggregate table: the largest amounts first."""
    rows = (
        Collected.objects.filter(region__in=regions, day__gte=start, day__lte=end)
        .values("agency__name", "service__name", "revenue", "channel")
        .annotate(count=Sum("payments"), total=Sum("amount"))
        .order_by("-total")
    )
    revenues, channels = dict(Revenue.choices), dict(Channel.choices)
    return [
        CollectedRow(
            agency=row["agency__name"] or "—",
            service=row["service__name"] or str(revenues[row["revenue"]]),
            revenue=str(revenues[row["revenue"]]),
            channel=str(channels[row["channel"]]),
            payments=row["count"],
            amount=row["total"],
        )
        for row in rows
    ]


def collected_by_day(regions, start: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
    """Each day's total from ``start`` to ``end`` (days without payments as 0)."""
    totals = dict(
        Collected.objects.filter(region__in=regions, day__gte=start, day__lte=end)
        .values_list("day")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    days = (end - start).days + 1
    return [(start + dt.timedelta(days=n), totals.get(start + dt.timedelta(days=n), 0)) for n in range(days)]


def open_mismatches(regions):
    return (
        Mismatch.objects.filter(region__in=regions, resolved_at__isnull=True)
        .select_related("settlement", "line", "payment__bill")
        .order_by("settlement__day", "id")[:200]
    )


def recent_settlements(limit: int = 14):
    return Settlement.objects.order_by("-day")[:limit]


def cash_on(regions, start: dt.date, end: dt.date):
    """Cash taken at the counters of ``regions`` in the period, with who recorded it."""
    return (
        Payment.objects.filter(
            bill__region__in=regions, channel=Channel.CASH, paid_at__date__gte=start, paid_at__date__lte=end
        )
        .select_related("bill", "recorded_by")
        .order_by("-paid_at")[:200]
    )


def collected_by_region(start: dt.date, end: dt.date, *, prefix: str = "") -> list[tuple[str, int, int]]:
    """(region name, payments, rupiah) per kabupaten/kota whose code starts with ``prefix``, the most first."""
    rows = (
        Collected.objects.filter(day__gte=start, day__lte=end, region__code__startswith=prefix)
        .values("region__name")
        .annotate(count=Sum("payments"), total=Sum("amount"))
        .order_by("-total")[:20]
    )
    return [(row["region__name"], row["count"], row["total"]) for row in rows]


def open_bills_of(user):
    """The user's bills waiting to be paid, the soonest to end first."""
    return Bill.objects.filter(payer=user, state=BillState.OPEN).select_related("region").order_by("expires_at")[:20]
