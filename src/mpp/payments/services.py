"""Writes of payments: raising a bill and opening it at the network, taking a payment exactly once (from the
network's notification, its inquiry, or cash at the counter), cancelling and expiring bills.

Every change of money goes through ``ledger.append`` in the same transaction as the rows it explains. Failures a
person can act on raise ``DomainError`` with a message in their language; the network's refusals at the SNAP
endpoints are ``snap.SnapError``.
"""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mpp.catalog.models import Agency
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.regions.models import Region

from . import billers, ledger, network, snap
from .models import Bill, BillItem, BillState, Channel, EntryKind, Payment, Revenue

log = logging.getLogger(__name__)

#: Sent when a bill is paid, inside the payment's transaction: ``bill`` (with its ``payment``). The application's
#: workflow listens and queues its work (a lower floor tells the one above without importing it).
bill_paid = Signal()

#: Agencies whose services cost nothing by law: population documents (UU 24/2013 Pasal 79A).
FREE_BY_LAW = frozenset({"disdukcapil"})


@dataclass(frozen=True)
class Item:
    description: str
    amount: int
    account_code: str = ""


def _checked_items(items: list[Item]) -> list[Item]:
    if not items:
        raise DomainError(_("Tagihan harus berisi sedikitnya satu rincian."))
    for item in items:
        if not isinstance(item.amount, int) or isinstance(item.amount, bool) or item.amount <= 0:
            raise DomainError(_("Jumlah setiap rincian harus bilangan bulat rupiah lebih dari nol."))
    return items


def free_by_law(agency) -> bool:
    return agency is not None and agency.kind.code in FREE_BY_LAW


@transaction.atomic
def raise_bill(
    *,
    region,
    payer,
    payer_name: str,
    title: str,
    revenue: str,
    receiving_account: str,
    items: list[Item],
    expires_at: dt.datetime,
    agency=None,
    application=None,
    subject: str = "",
    external_bill_id: str = "",
    replaces: Bill | None = None,
    now=None,
) -> Bill:
    """Issue a bill: its items, and its first ledger entry (the amount becomes due). The network gives it its
    codes once committed (``open_at_network``). Refused for a service that costs nothing by law."""
    now = now or timezone.now()
    if revenue not in Revenue.values:
        raise DomainError(_("Jenis penerimaan tidak dikenal."))
    if free_by_law(agency):
        raise DomainError(_("Layanan administrasi kependudukan tidak dipungut biaya: tidak ada tagihan."))
    items = _checked_items(items)
    if expires_at <= now:
        raise DomainError(_("Batas waktu pembayaran harus di masa depan."))
    bill = Bill.objects.create(
        region=region,
        agency=agency,
        payer=payer,
        payer_name=payer_name[:200],
        application=application,
        revenue=revenue,
        subject=subject,
        external_bill_id=external_bill_id,
        title=title[:200],
        amount=sum(item.amount for item in items),
        receiving_account=receiving_account[:200],
        issued_at=now,
        expires_at=expires_at,
        replaces=replaces,
    )
    BillItem.objects.bulk_create(
        BillItem(bill=bill, position=n, description=i.description[:200], account_code=i.account_code, amount=i.amount)
        for n, i in enumerate(items, 1)
    )
    ledger.append(bill, EntryKind.ISSUED, now)
    transaction.on_commit(lambda: open_quietly(bill.pk))
    return bill


def _customer_no(bill: Bill) -> str:
    """A VA's customer number: the region's four digits and twelve random ones."""
    return bill.region_id.replace(".", "")[:4] + str(secrets.randbelow(10**12)).zfill(12)


def open_at_network(bill_id) -> Bill:
    """Ask the network for the bill's VA or billing code and its QRIS, once (NetworkUnavailable: later)."""
    bill = Bill.objects.get(pk=bill_id)
    if bill.pay_code or bill.state != BillState.OPEN:
        return bill
    billing = bill.revenue == Revenue.PNBP
    opened = network.open_bill(
        bill_id=str(bill.pk),
        customer_no=_customer_no(bill),
        name=bill.payer_name,
        amount=bill.amount,
        expires_at=bill.expires_at,
        billing=billing,
        revenue=bill.revenue,
        description=bill.title,
    )
    codes = {"billing_code": opened.pay_code} if billing else {"va_number": opened.pay_code}
    Bill.objects.filter(pk=bill.pk, billing_code__isnull=True, va_number__isnull=True).update(
        qr_content=opened.qr_content, qr_reference=opened.qr_reference, **codes
    )
    bill.refresh_from_db()
    return bill


def open_quietly(bill_id) -> None:
    """``open_at_network`` after a bill commits; when the network is away, the minute task tries again."""
    try:
        open_at_network(bill_id)
    except (network.NetworkUnavailable, network.NetworkRefused) as exc:
        log.warning("bill %s not opened at the payment network yet: %s", bill_id, exc)


@dataclass(frozen=True)
class Paid:
    """A payment as the network reports it (from a notification or an inquiry)."""

    pay_code: str
    network_reference: str
    amount: int
    paid_at: dt.datetime
    channel: str = Channel.VA
    bank_reference: str = ""
    ntpn: str = ""
    ntb: str = ""


def _locked_by_code(pay_code: str) -> Bill | None:
    return Bill.objects.select_for_update().filter(Q(va_number=pay_code) | Q(billing_code=pay_code)).first()


def _after_payment(bill: Bill, payment: Payment) -> None:
    """In the payment's own transaction, so that they commit with it or not at all: the application hears of it
    (``bill_paid``: its receiver queues its work), and the worker is asked to sign the receipt and to tell another
    system's back end. None of that work runs in the payment's request."""
    from .tasks import confirm_payment, make_receipt

    bill_paid.send(sender=Bill, bill=bill)
    make_receipt.enqueue(str(payment.pk))
    if bill.revenue in billers.SYSTEMS:
        confirm_payment.enqueue(str(payment.pk))


@transaction.atomic
def take_payment(paid: Paid, *, source: str = Payment.Source.NOTIFICATION, now=None) -> tuple[Payment, bool]:
    """Record the network's payment of a bill exactly once: (the payment, whether it is new). The same network
    reference again answers the payment recorded before. Raises ``snap.SnapError``: unknown bill, another
    payment of a paid bill, an expired or cancelled bill, an amount other than the bill's."""
    now = now or timezone.now()
    bill = _locked_by_code(paid.pay_code)
    if bill is None:
        raise snap.NOT_FOUND
    before = Payment.objects.filter(network_reference=paid.network_reference).first()
    if before is not None:
        if before.bill_id != bill.pk:
            raise snap.PAID_BILL
        return before, False
    if bill.state == BillState.PAID:
        raise snap.PAID_BILL
    if bill.state != BillState.OPEN or bill.expires_at < paid.paid_at:
        raise snap.EXPIRED_BILL
    if paid.amount != bill.amount:
        raise snap.INVALID_AMOUNT
    channel = Channel.BILLING if bill.revenue == Revenue.PNBP and paid.channel == Channel.VA else paid.channel
    try:
        with transaction.atomic():  # the unique constraints decide, also where a lock is not taken (SQLite)
            payment = Payment.objects.create(
                bill=bill,
                channel=channel,
                amount=paid.amount,
                paid_at=paid.paid_at,
                network_reference=paid.network_reference,
                bank_reference=paid.bank_reference[:64],
                ntpn=paid.ntpn[:16],
                ntb=paid.ntb[:32],
                source=source,
                recorded_at=now,
            )
    except IntegrityError:  # a twin of this notification recorded it meanwhile, or another payment did
        before = Payment.objects.filter(network_reference=paid.network_reference).first()
        if before is not None and before.bill_id == bill.pk:
            return before, False
        raise snap.PAID_BILL from None
    ledger.append(bill, EntryKind.PAID, now, payment=payment)
    _after_payment(bill, payment)
    return payment, True


@transaction.atomic
def take_cash(*, bill_id, officer, agencies, receipt_number: str, now=None) -> Payment:
    """A counter officer of the bill's agency took the amount in cash, against a numbered cash receipt. Raises
    NotFound for a bill outside ``agencies``, Conflict for one no longer open, DomainError without a number."""
    now = now or timezone.now()
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise DomainError(_("Tulis nomor kuitansi tunai."))
    bill = Bill.objects.select_for_update().filter(pk=bill_id, agency__in=agencies).first()
    if bill is None:
        raise NotFound(_("Tagihan tidak ditemukan."))
    if bill.state != BillState.OPEN:
        raise Conflict(
            _("Tagihan %(number)s tidak dapat dibayar: %(state)s.")
            % {"number": bill.number, "state": bill.get_state_display()}
        )
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                bill=bill,
                channel=Channel.CASH,
                amount=bill.amount,
                paid_at=now,
                cash_receipt_number=receipt_number[:40],
                recorded_by=officer,
                source=Payment.Source.COUNTER,
                recorded_at=now,
            )
    except IntegrityError:
        raise Conflict(_("Tagihan ini sudah dibayar.")) from None
    ledger.append(bill, EntryKind.PAID, now, payment=payment, by=officer, note=f"kuitansi {receipt_number}")
    _after_payment(bill, payment)
    return payment


@transaction.atomic
def cancel(*, bill_id, by=None, reason: str, now=None) -> Bill:
    """Cancel an open bill (nothing is due any more): a changed amount, a withdrawn application."""
    now = now or timezone.now()
    bill = Bill.objects.select_for_update().filter(pk=bill_id).first()
    if bill is None:
        raise NotFound(_("Tagihan tidak ditemukan."))
    if bill.state != BillState.OPEN:
        raise Conflict(_("Hanya tagihan yang menunggu pembayaran yang dapat dibatalkan."))
    ledger.append(bill, EntryKind.CANCELLED, now, by=by, note=reason)
    return bill


@transaction.atomic
def expire(*, bill_id, now=None) -> Bill | None:
    """End an open bill past its time (None when it is no longer open or not yet due to end)."""
    now = now or timezone.now()
    bill = Bill.objects.select_for_update().filter(pk=bill_id, state=BillState.OPEN, expires_at__lte=now).first()
    if bill is None:
        return None
    ledger.append(bill, EntryKind.EXPIRED, now)
    return bill


def check_at_network(bill: Bill, *, now=None) -> Payment | None:
    """Ask the network whether an open bill was paid (its notification may never come): the payment, taken
    exactly once like a notified one, or None when it is not paid. NetworkUnavailable: ask again later."""
    data = network.inquiry(bill.pay_code, billing=bill.revenue == Revenue.PNBP)
    if data.get("paymentFlagStatus") != "00":
        return None
    try:
        extra = data.get("additionalInfo") or {}
        paid = Paid(
            pay_code=bill.pay_code,
            network_reference=str(data["paymentRequestId"])[:64],
            amount=snap.rupiah(data.get("paidAmount"), "paidAmount"),
            paid_at=dt.datetime.fromisoformat(str(data["trxDateTime"])),
            channel=Channel.QRIS if extra.get("channel") == "qris" else Channel.VA,
            bank_reference=str(data.get("referenceNo") or ""),
            ntpn=str(extra.get("ntpn") or ""),
            ntb=str(extra.get("ntb") or ""),
        )
    except (KeyError, ValueError, snap.SnapError) as exc:
        raise network.NetworkUnavailable(f"inquiry answer outside the contract: {exc!r}") from exc
    try:
        payment, _new = take_payment(paid, source=Payment.Source.INQUIRY, now=now)
    except snap.SnapError as refused:  # paid there, refused here (amount, expiry): reconciliation shows it
        log.warning("bill %s paid at the network but refused here: %s", bill.number, refused.message)
        return None
    return payment


#: Days another system's bill stays payable (to the end of the last one, in the region's time), at most.
BILLER_PAYABLE_DAYS = 3
#: What the payer reads as the receiving account of another system's bill.
BILLER_ACCOUNTS = {
    Revenue.PBB: gettext_lazy("Rekening Kas Umum Daerah Kota Samarinda (PBB-P2)"),
    Revenue.PDAM: gettext_lazy("Perumda Air Minum Tirta Kencana Samarinda"),
}
BILLER_TITLES = {
    Revenue.PBB: gettext_lazy("PBB-P2 NOP %(number)s"),
    Revenue.PDAM: gettext_lazy("Air minum pelanggan %(number)s"),
}


def bill_from_system(*, payer, revenue: str, number: str, now=None) -> Bill:
    """A bill for what a PBB tax object or a PDAM customer owes now, payable through the network like any other
    (the same dues already billed and open: that bill). DomainError when nothing is due; the client's errors
    (BillerRefused: a malformed or unknown number; BillerUnavailable) for the caller to word."""
    now = now or timezone.now()
    if revenue not in billers.SYSTEMS:
        raise DomainError(_("Jenis tagihan tidak dikenal."))
    due = billers.due(revenue, number)
    if not due.bill_id or due.amount <= 0:
        raise DomainError(_("Tidak ada tagihan yang harus dibayar untuk nomor ini."))
    with transaction.atomic():
        earlier = list(
            Bill.objects.select_for_update().filter(
                revenue=revenue, subject=due.subject, payer=payer, state=BillState.OPEN
            )
        )
        same = next((bill for bill in earlier if bill.external_bill_id == due.bill_id), None)
        if same is not None:
            return same
        for stale in earlier:  # what is due changed (a penalty grew, a month was added): a new bill replaces it
            ledger.append(stale, EntryKind.CANCELLED, now, note="tagihan berubah")
        replaced = earlier[0] if earlier else None
        region = Region.objects.get(pk=settings.BILLERS_REGION)
        zone = region.time_zone
        last_day = now.astimezone(ZoneInfo(zone)).date() + dt.timedelta(days=BILLER_PAYABLE_DAYS)
        if due.due_date is not None:  # the dues change after it (a penalty, a new month)
            last_day = min(last_day, due.due_date)
        latest = dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=ZoneInfo(zone))
        agency = Agency.objects.filter(region=region, kind__code="bapenda").first() if revenue == Revenue.PBB else None
        with translation.override(settings.LANGUAGE_CODE):
            title = str(BILLER_TITLES[revenue]) % {"number": due.subject}
            account = str(BILLER_ACCOUNTS[revenue])
        return raise_bill(
            region=region,
            agency=agency,
            payer=payer,
            payer_name=due.name,
            title=title,
            revenue=revenue,
            receiving_account=account,
            items=[Item(item.description, item.amount) for item in due.items],
            expires_at=latest,
            subject=due.subject,
            external_bill_id=due.bill_id,
            replaces=replaced,
            now=now,
        )


def confirm_at_system(payment_id) -> Payment | None:
    """Tell the system of a PBB or PDAM bill that it is paid, once (the same key on every retry). None when
    there is nothing to confirm; BillerUnavailable or BillerRefused otherwise."""
    payment = Payment.objects.select_related("bill").filter(pk=payment_id, confirmed_at__isnull=True).first()
    if payment is None or payment.bill.revenue not in billers.SYSTEMS:
        return None
    receipt = billers.confirm(
        payment.bill.revenue,
        key=str(payment.pk),
        bill_id=payment.bill.external_bill_id,
        amount=payment.amount,
        paid_at=payment.paid_at,
        reference=payment.bill.number,
        channel=payment.channel,
    )
    Payment.objects.filter(pk=payment.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmation_number=receipt[:40]
    )
    payment.refresh_from_db()
    return payment
