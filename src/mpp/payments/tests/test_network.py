"""The platform and the payment-network simulator over real HTTP, each its own process: bills opened at the
network, paid there, every notification sent twice at once and some with a wrong signature first, the network
failing a third of our calls, one notification that never comes (found by inquiry) — and then the day's payments
and ledger match the settlement file exactly."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from mpp.payments import ledger, network, reconciliation, services, snap, tasks
from mpp.payments.models import Bill, BillState, Channel, Payment
from simulators.paynet.testing import running_paynet

from .conftest import raise_skck

# PostgreSQL: the live server's threads each have their own connection and row locks, as in production (on SQLite
# the test server shares one in-memory connection between its threads, which makes concurrency meaningless).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BILLS = 9


@pytest.fixture
def paynet(tmp_path, live_server, settings):
    with running_paynet(tmp_path, platform_url=live_server.url, max_attempts=10) as simulator:
        settings.PAYNET_URL = simulator.url
        settings.PAYNET_CLIENT_KEY = simulator.client_key
        settings.PAYNET_CLIENT_SECRET = simulator.client_secret
        settings.PAYNET_PRIVATE_KEY_FILE = str(simulator.keys.platform_private)
        settings.PAYNET_BANK_CLIENT_KEY = simulator.bank_client_key
        settings.PAYNET_BANK_CLIENT_SECRET = simulator.bank_client_secret
        settings.PAYNET_BANK_PUBLIC_KEY_FILE = str(simulator.keys.network_public)
        settings.PAYNET_PARTNER_SERVICE_ID = simulator.partner_service_id
        yield simulator


def retried(call, attempts=30):
    """A call to the network while it fails a third of them (what the minute task's next round would do)."""
    for _ in range(attempts):
        try:
            return call()
        except network.NetworkUnavailable:
            continue
    raise AssertionError("the network never answered")


def until(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_duplicates_failures_and_a_lost_notification_still_add_up_to_the_settlement_file(siti, polres, paynet):
    yesterday = timezone.now().astimezone(snap.JAKARTA).date() - dt.timedelta(days=1)
    issued = dt.datetime.combine(yesterday, dt.time(9, 0), tzinfo=snap.JAKARTA)
    bills = []
    for n in range(BILLS):
        bill = raise_skck(siti, polres, amount=30000 + 1000 * n, now=issued, hours=72)
        bills.append(retried(lambda bill=bill: services.open_at_network(bill.pk)))
    assert all(bill.pay_code and bill.qr_content for bill in bills)
    assert len(bills[0].billing_code) == 15  # PNBP: a billing code

    paynet.set_faults(error_rate=0.33, duplicate_notification_rate=1, wrong_signature_rate=0.3)
    lost = bills[-1]
    for n, bill in enumerate(reversed(bills[:-1])):  # paid in another order than raised
        paid_at = (issued + dt.timedelta(hours=1, minutes=n)).isoformat()
        if n % 3 == 0:
            paynet.pay(qr_reference=bill.qr_reference, paid_at=paid_at)
        else:
            paynet.pay(virtual_account_no=bill.pay_code, paid_at=paid_at)
    paynet.set_faults(error_rate=0.33, lost_notification_rate=1)
    paynet.pay(virtual_account_no=lost.pay_code, paid_at=(issued + dt.timedelta(hours=3)).isoformat())

    until(lambda: Payment.objects.count() == BILLS - 1)
    time.sleep(1)  # the duplicates' twins and the retries have landed too
    assert Payment.objects.count() == BILLS - 1
    assert Bill.objects.get(pk=lost.pk).state == BillState.OPEN  # its notification never came...
    retried(lambda: services.check_at_network(Bill.objects.get(pk=lost.pk)))  # ...the inquiry finds it
    assert Payment.objects.get(bill=lost).source == Payment.Source.INQUIRY
    assert Payment.objects.filter(channel=Channel.QRIS).count() == 3

    settlement = retried(lambda: reconciliation.reconcile(yesterday))
    assert (settlement.lines, settlement.matched, settlement.mismatches) == (BILLS, BILLS, 0)
    assert settlement.total == sum(bill.amount for bill in bills)
    replayed = ledger.replay()
    assert all(replayed[bill.pk].state == BillState.PAID and replayed[bill.pk].due == 0 for bill in bills)
    assert tasks.reconcile_yesterday(timezone.now()) == 0  # done once
