"""Money that adds up: the day's settlement file matched line by line, every difference left for a treasurer, the
ledger replayed, and the collected figures equal to a full recount."""

import datetime as dt

import pytest
from django.core.management import call_command

from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.identity.tests.factories import UserFactory
from mpp.payments import figures, reconciliation, services, snap
from mpp.payments.models import Collected, Mismatch, MismatchKind

from .conftest import give_code, raise_skck

DAY = dt.date(2026, 12, 3)
NOON = dt.datetime(2026, 12, 3, 12, 0, tzinfo=snap.JAKARTA)


def paid(bill, reference, *, at=NOON, amount=None):
    payment, _new = services.take_payment(
        services.Paid(bill.pay_code, reference, bill.amount if amount is None else amount, at), now=at
    )
    return payment


def line(reference, amount, code="", at=NOON):
    return {
        "payment_request_id": reference,
        "virtual_account_no": code,
        "trx_id": "",
        "channel": "va",
        "amount": amount,
        "paid_at": at.isoformat(),
        "reference_no": "",
        "ntpn": "",
    }


@pytest.fixture
def day_of_payments(siti, polres, bank_settings):
    bills = [
        give_code(raise_skck(siti, polres, now=NOON - dt.timedelta(hours=1)), code=f"{n:015d}") for n in range(1, 6)
    ]
    payments = [paid(bills[n], f"PAY-{n}") for n in range(4)]
    cash = services.take_cash(
        bill_id=bills[4].pk, officer=UserFactory(staff=True), agencies=[polres], receipt_number="KW-1", now=NOON
    )
    return bills, payments, cash


def test_a_day_is_matched_line_by_line_and_every_difference_waits_for_a_treasurer(day_of_payments, polres):
    _bills, payments, _cash = day_of_payments
    rows = [
        line("PAY-0", 30000),
        line("PAY-1", 30000),
        line("PAY-2", 25000),  # a different amount
        line("PAY-X", 30000, code="999999999999999"),  # paid there, not here
    ]  # PAY-3 is not in the file: here, not there; the cash payment is never in it
    settlement = reconciliation.reconcile(DAY, rows)
    assert (settlement.lines, settlement.total, settlement.matched, settlement.mismatches) == (4, 115000, 3, 3)
    kinds = dict(Mismatch.objects.values_list("kind", "payment_id"))
    assert kinds == {
        MismatchKind.AMOUNT: payments[2].pk,
        MismatchKind.MISSING_HERE: None,
        MismatchKind.MISSING_THERE: payments[3].pk,
    }
    with pytest.raises(Conflict):
        reconciliation.reconcile(DAY, rows)

    treasurer = UserFactory(staff=True)
    amount = Mismatch.objects.get(kind=MismatchKind.AMOUNT)
    with pytest.raises(NotFound):  # another region's treasurer
        reconciliation.resolve(mismatch_id=amount.pk, officer=treasurer, regions=["33.72"], resolution="Dicek ke bank.")
    with pytest.raises(DomainError):
        reconciliation.resolve(mismatch_id=amount.pk, officer=treasurer, regions=["64.72"], resolution="ok")
    done = reconciliation.resolve(
        mismatch_id=amount.pk, officer=treasurer, regions=["64.72"], resolution="Bank mengoreksi berkasnya."
    )
    assert done.resolved_by == treasurer
    with pytest.raises(Conflict):
        reconciliation.resolve(mismatch_id=amount.pk, officer=treasurer, regions=["64.72"], resolution="Lagi-lagi ya.")


def test_the_ledger_replays_and_the_figures_equal_a_full_recount(day_of_payments):
    call_command("check_ledger")
    assert figures.refresh() == 1
    kept = sorted(Collected.objects.values_list("day", "revenue", "channel", "payments", "amount"))
    assert kept == [(DAY, "pnbp", "billing", 4, 120000), (DAY, "pnbp", "cash", 1, 30000)]
    figures.rebuild()
    assert sorted(Collected.objects.values_list("day", "revenue", "channel", "payments", "amount")) == kept
    assert figures.refresh() == 0  # nothing new
