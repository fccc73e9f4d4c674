"""What only a server database shows: every notification sent twice at once, under the same X-EXTERNAL-ID or
a new one, records each payment once and the ledger still adds up."""

import pytest
from django.test import Client
from django.utils import timezone

from mpp.core.testing import at_once
from mpp.payments import ledger
from mpp.payments.models import BillState, Entry, EntryKind, Payment, SnapCall

from .conftest import Bank, give_code, notification, raise_skck

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_bills_each_notified_twice_at_once_are_paid_once(siti, polres, bank_settings, bank_key):
    bills = [give_code(raise_skck(siti, polres), code=f"{n:015d}") for n in range(1, 21)]
    token = Bank(Client(), bank_key[0])
    assert token.get_token().status_code == 200
    paid_at = timezone.now()  # a retry sends the same bytes: the same body under the same X-EXTERNAL-ID

    def notify(n: int):
        bill = bills[n // 2]
        bank = Bank(Client(), bank_key[0], token=token.token)
        # Even bills: the twin shares its X-EXTERNAL-ID (a retry); odd bills: each twin has its own (a duplicate).
        external_id = f"{n // 2}" if (n // 2) % 2 == 0 else f"{n}{n}"
        body = notification(bill, reference=f"PAY-{n // 2}", paid_at=paid_at)
        return bank.notify(body, external_id=external_id).status_code

    statuses = at_once(40, notify)

    assert statuses == [200] * 40, statuses
    assert Payment.objects.count() == 20
    assert Entry.objects.filter(kind=EntryKind.PAID).count() == 20
    assert SnapCall.objects.count() == 30  # 10 shared ids + 20 own ids
    replayed = ledger.replay()
    for bill in bills:
        bill.refresh_from_db()
        assert bill.state == BillState.PAID == replayed[bill.pk].state
        assert replayed[bill.pk].due == 0 and replayed[bill.pk].paid == bill.amount
