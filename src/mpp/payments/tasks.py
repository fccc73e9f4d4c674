"""Jobs of the task worker (``manage.py db_worker``): bills get their codes from the network, open bills are
checked there (a notification may never come), and bills past their time end, each after a last check."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from mpp.core.periodic import come_back

from . import billers, figures, network, services
from .models import Bill, BillState, Payment, Settlement

log = logging.getLogger(__name__)

EVERY = timedelta(minutes=1)
#: How often an open bill is checked at the network, and how many bills a round handles of each kind.
CHECK_EVERY = timedelta(minutes=10)
BATCH = 100


def _open_bills():
    return Bill.objects.filter(state=BillState.OPEN).order_by("expires_at")


def open_new() -> int:
    """Bills the network has not opened yet (it was away when they were raised)."""
    opened = 0
    for bill_id in (
        _open_bills().filter(va_number__isnull=True, billing_code__isnull=True).values_list("pk", flat=True)[:BATCH]
    ):
        try:
            services.open_at_network(bill_id)
            opened += 1
        except (network.NetworkUnavailable, network.NetworkRefused) as exc:
            log.warning("payment network: bill %s not opened: %s", bill_id, exc)
            break
    return opened


def check_open(now) -> int:
    """Open bills not checked within CHECK_EVERY, soonest to expire first: how many turned out paid."""
    found = 0
    coded = _open_bills().exclude(va_number__isnull=True, billing_code__isnull=True)
    for bill in coded[: BATCH * 5]:
        key = f"payments:checked:{bill.pk}"
        if not cache.add(key, 1, int(CHECK_EVERY.total_seconds())):
            continue
        try:
            found += services.check_at_network(bill, now=now) is not None
        except (network.NetworkUnavailable, network.NetworkRefused) as exc:
            cache.delete(key)
            log.warning("payment network: bill %s not checked: %s", bill.number, exc)
            break
    return found


def end_expired(now) -> int:
    """Bills past their time: a last check at the network (a payment in its last minute counts), then the end."""
    ended = 0
    for bill in _open_bills().filter(expires_at__lte=now)[:BATCH]:
        if bill.pay_code and network.configured():
            try:
                if services.check_at_network(bill, now=now) is not None:
                    continue
            except (network.NetworkUnavailable, network.NetworkRefused):
                continue  # ended once the network answers
        ended += services.expire(bill_id=bill.pk, now=now) is not None
    return ended


def issue_receipts() -> int:
    """Receipts of payments that have none yet (the task queued with the payment failed, or never ran)."""
    from . import receipt

    made = 0
    for payment_id in (
        Payment.objects.filter(receipt__isnull=True).order_by("paid_at").values_list("pk", flat=True)[:BATCH]
    ):
        made += receipt.issue_receipt(payment_id) is not None
    return made


@task()
def make_receipt(payment_id: str) -> None:
    """Sign a payment's receipt, queued as the payment commits (signing has no place in the network's request)."""
    from . import receipt

    receipt.issue_receipt(payment_id)


#: Reconcile a day once the network's day (Jakarta) has been over this long.
RECONCILE_AFTER = timedelta(hours=1)


def reconcile_yesterday(now) -> int:
    """Yesterday's settlement file, once, an hour after the network's day ended (0 when done or too early)."""
    from . import reconciliation, snap

    local = now.astimezone(snap.JAKARTA)
    yesterday = local.date() - timedelta(days=1)
    if local - RECONCILE_AFTER < local.replace(hour=0, minute=0, second=0, microsecond=0):
        return 0
    if Settlement.objects.filter(day=yesterday).exists():
        return 0
    try:
        reconciliation.reconcile(yesterday, now=now)
    except (network.NetworkUnavailable, network.NetworkRefused) as exc:
        log.warning("payment network: settlement of %s not reconciled yet: %s", yesterday, exc)
        return 0
    return 1


@task()
def confirm_payment(payment_id: str) -> None:
    """Tell a PBB or PDAM back end of a payment, queued as it commits (the minute round retries)."""
    try:
        services.confirm_at_system(payment_id)
    except (billers.BillerUnavailable, billers.BillerRefused) as exc:
        log.warning("payment %s not confirmed to its system yet: %s", payment_id, exc)


@task()
def keep_payments_current() -> dict:
    """Every minute: bills end when due; with a payment network, they are opened and checked there; with the
    billers' systems, their paid bills are confirmed to them."""
    now = timezone.now()
    try:
        done = {
            "expired": end_expired(now),
            "confirmed": confirm_pending() if settings.BILLERS_URL else 0,
            "receipts": issue_receipts(),
            "figures": figures.refresh(now=now),
        }
        if network.configured():
            done |= {"opened": open_new(), "found_paid": check_open(now), "reconciled": reconcile_yesterday(now)}
        return done
    finally:
        come_back(keep_payments_current, EVERY)


def confirm_pending() -> int:
    """Payments of PBB and PDAM bills their system has not confirmed yet (it was away)."""
    confirmed = 0
    pending = Payment.objects.filter(confirmed_at__isnull=True, bill__revenue__in=list(billers.SYSTEMS))
    for payment_id in pending.order_by("paid_at").values_list("pk", flat=True)[:BATCH]:
        try:
            confirmed += services.confirm_at_system(payment_id) is not None
        except billers.BillerUnavailable as exc:
            log.warning("billers: payment %s not confirmed: %s", payment_id, exc)
            break
        except billers.BillerRefused as exc:
            log.error("billers: payment %s refused by its system (reconciliation shows it): %s", payment_id, exc)
    return confirmed
