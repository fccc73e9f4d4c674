"""Raising a bill: whole rupiah, items that add up, free services stay free, and the ledger that says its state."""

import datetime as dt

import pytest
from django.utils import timezone

from mpp.catalog.models import Agency
from mpp.core.errors import Conflict, DomainError
from mpp.payments import ledger, services
from mpp.payments.models import Bill, BillState, Entry, EntryKind

from .conftest import raise_skck


def test_a_bill_adds_its_items_and_its_first_entry_makes_it_due(siti, polres):
    now = timezone.now()
    bill = services.raise_bill(
        region=polres.region,
        agency=polres,
        payer=siti,
        payer_name="SITI RAHMAWATI",
        title="Perpanjangan SIM A",
        revenue="pnbp",
        receiving_account="Kas Negara (PNBP Polri)",
        items=[services.Item("PNBP perpanjangan SIM A", 80000, "425131"), services.Item("Penerbitan kartu", 5000)],
        expires_at=now + dt.timedelta(days=2),
        now=now,
    )
    assert bill.amount == 85000 and bill.state == BillState.OPEN
    assert [item.amount for item in bill.items.all()] == [80000, 5000]
    assert list(bill.entries.values_list("kind", "amount")) == [(EntryKind.ISSUED, 85000)]
    assert ledger.balance(bill) == 85000
    assert bill.number.startswith("TGH-") and len(bill.number) == 12


@pytest.mark.parametrize("code", ["disdukcapil"])
def test_no_bill_can_be_raised_for_a_population_service(siti, code):
    disdukcapil = Agency.objects.filter(region_id="64.72", kind__code=code).first()
    with pytest.raises(DomainError, match="tidak dipungut biaya"):
        services.raise_bill(
            region=disdukcapil.region,
            agency=disdukcapil,
            payer=siti,
            payer_name="SITI",
            title="Akta kelahiran",
            revenue="retribusi",
            receiving_account="RKUD",
            items=[services.Item("Akta", 10000)],
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
    assert not Bill.objects.exists()


@pytest.mark.parametrize("amount", [0, -5000, 2500.5, "30000", True])
def test_an_amount_must_be_whole_positive_rupiah(siti, polres, amount):
    with pytest.raises(DomainError, match="bilangan bulat rupiah"):
        raise_skck(siti, polres, amount=amount)
    assert not Bill.objects.exists()


def test_an_expiry_in_the_past_is_refused(siti, polres):
    with pytest.raises(DomainError, match="masa depan"):
        raise_skck(siti, polres, hours=-1)


def test_cancel_and_expire_end_a_bill_once_and_the_ledger_replays_to_the_same_states(siti, polres):
    now = timezone.now()
    cancelled, expiring, open_ = (raise_skck(siti, polres, now=now, hours=h) for h in (5, 1, 9))
    services.cancel(bill_id=cancelled.pk, reason="jumlah berubah", now=now)
    with pytest.raises(Conflict):
        services.cancel(bill_id=cancelled.pk, reason="lagi", now=now)
    assert services.expire(bill_id=open_.pk, now=now + dt.timedelta(hours=2)) is None  # not yet
    assert services.expire(bill_id=expiring.pk, now=now + dt.timedelta(hours=2)).state == BillState.EXPIRED
    assert services.expire(bill_id=expiring.pk, now=now + dt.timedelta(hours=3)) is None  # once
    replayed = ledger.replay()
    for bill in Bill.objects.all():
        assert replayed[bill.pk].state == bill.state
        assert replayed[bill.pk].due == (bill.amount if bill.state == BillState.OPEN else 0)
    assert Entry.objects.filter(kind=EntryKind.CANCELLED).get().amount == -30000
