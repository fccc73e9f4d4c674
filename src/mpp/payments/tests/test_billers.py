"""Paying what a PBB tax object or a PDAM customer owes (the billers' back ends as their own process): the due
amount shown, one bill for it, and the payment confirmed back to that system exactly once."""

import pytest
from django.utils import timezone

from mpp.payments import services, tasks
from mpp.payments.models import Bill, BillState, Payment, Revenue

pytestmark = pytest.mark.django_db

ANDI = "0101234567"  # PDAM: two months due
BAMBANG = "0203456789"  # PDAM: three months due (no test pays it)
PAID_UP = "0300012345"
RIDWAN = "64.72.010.001.002-0123.0"  # PBB: this year's SPPT with its penalty


@pytest.fixture
def citizen(siti, client):
    client.force_login(siti)
    return siti


def test_a_citizen_checks_a_water_bill_pays_it_and_the_company_gets_it_once(
    citizen, client, billers, django_capture_on_commit_callbacks
):
    checked = client.post("/tagihan/bayar/", {"system": "pdam", "number": ANDI, "step": "check"})
    html = checked.content.decode()
    assert checked.status_code == 200 and "ANDI MAPPANYUKKI" in html and "Bayar tagihan ini" in html
    made = client.post("/tagihan/bayar/", {"system": "pdam", "number": ANDI, "step": "bill"})
    bill = Bill.objects.get(payer=citizen)
    assert made.status_code == 302 and made["Location"] == f"/tagihan/{bill.pk}/"
    assert bill.revenue == Revenue.PDAM and bill.subject == ANDI and bill.external_bill_id.startswith("PDAM-")
    assert bill.amount == sum(item.amount for item in bill.items.all()) > 0
    # The same dues again: the same bill, not a second one.
    client.post("/tagihan/bayar/", {"system": "pdam", "number": ANDI, "step": "bill"})
    assert Bill.objects.filter(payer=citizen).count() == 1
    assert "Rp" in client.get(f"/tagihan/{bill.pk}/").content.decode()

    bill.va_number = "880016472000000000077"
    bill.save(update_fields=["va_number"])
    with django_capture_on_commit_callbacks(execute=True):
        payment, _new = services.take_payment(
            services.Paid(bill.va_number, "PAY-77", bill.amount, timezone.now()), now=timezone.now()
        )
    tasks.confirm_payment.call(str(payment.pk))  # queued as the payment committed; the worker runs it
    payment.refresh_from_db()
    assert payment.confirmed_at is not None and payment.confirmation_number.startswith("KWT-")
    assert [p["bill_id"] for p in billers.payments("pdam")] == [bill.external_bill_id]
    # A retry of the confirmation (the answer was lost): the same receipt, nothing paid twice.
    Payment.objects.filter(pk=payment.pk).update(confirmed_at=None)
    again = services.confirm_at_system(payment.pk)
    assert again.confirmation_number == payment.confirmation_number and len(billers.payments("pdam")) == 1
    # Nothing is due any more.
    after = client.post("/tagihan/bayar/", {"system": "pdam", "number": ANDI, "step": "check"})
    assert "Tidak ada tagihan" in after.content.decode()


def test_a_land_tax_bill_is_billed_with_its_items(citizen, client, billers):
    client.post("/tagihan/bayar/", {"system": "pbb", "number": RIDWAN, "step": "bill"})
    bill = Bill.objects.get(payer=citizen, revenue=Revenue.PBB)
    assert bill.subject == RIDWAN and bill.items.count() >= 1 and bill.state == BillState.OPEN
    assert bill.agency is not None and bill.agency.kind.code == "bapenda"


@pytest.mark.parametrize(
    ("system", "number", "status", "said"),
    [
        ("pdam", PAID_UP, 200, "Tidak ada tagihan"),
        ("pdam", "0999999999", 404, "tidak ditemukan"),
        ("pbb", "12345", 400, "Periksa kembali"),
        ("air", ANDI, 400, "Pilih jenis tagihan"),
        ("pdam", "", 400, "Tulis NOP"),
    ],
)
def test_nothing_due_an_unknown_or_a_malformed_number(citizen, client, billers, system, number, status, said):
    answer = client.post("/tagihan/bayar/", {"system": system, "number": number, "step": "check"})
    assert answer.status_code == status and said in answer.content.decode()
    assert not Bill.objects.exists()


def test_a_system_away_is_said_and_changes_nothing(citizen, client, billers):
    billers.set_faults(error_rate=1)
    answer = client.post("/tagihan/bayar/", {"system": "pdam", "number": ANDI, "step": "bill"})
    assert answer.status_code == 503 and "tidak dapat dihubungi" in answer.content.decode()
    assert not Bill.objects.exists()


def test_a_bill_is_its_payers_alone(citizen, client, billers, budi):
    client.post("/tagihan/bayar/", {"system": "pdam", "number": BAMBANG, "step": "bill"})
    bill = Bill.objects.get(payer=citizen)
    assert client.get("/tagihan/").status_code == 200
    client.force_login(budi)
    assert client.get(f"/tagihan/{bill.pk}/").status_code == 404
    assert bill.number not in client.get("/tagihan/").content.decode()
    client.logout()
    assert client.get(f"/tagihan/{bill.pk}/").status_code == 302  # to sign in


def test_when_what_is_due_changes_the_open_bill_is_cancelled_and_replaced(citizen, client, billers):
    number = "0102345678"  # PDAM: last month due
    client.post("/tagihan/bayar/", {"system": "pdam", "number": number, "step": "bill"})
    first = Bill.objects.get(payer=citizen, subject=number)
    billers.add_bill("pdam", number, period="2026-12", amount=98000, usage_m3=17)
    billers.set_today("2027-01-05")  # December's water is payable now
    try:
        client.post("/tagihan/bayar/", {"system": "pdam", "number": number, "step": "bill"})
    finally:
        billers.reset_today()
    second = Bill.objects.get(payer=citizen, subject=number, state=BillState.OPEN)
    first.refresh_from_db()
    assert first.state == BillState.CANCELLED and second.replaces == first
    assert second.amount >= first.amount + 98000
