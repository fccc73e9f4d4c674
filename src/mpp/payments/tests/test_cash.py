"""Cash at the counter: a counter officer of the bill's agency records it against a receipt number, once; another
agency's officer does not find the bill."""

import pytest

from mpp.applications.tests.conftest import officer
from mpp.identity.models import Role
from mpp.payments.models import BillState, Channel, Payment

from .conftest import raise_skck


@pytest.fixture
def bill(siti, polres):
    return raise_skck(siti, polres)


def test_a_counter_officer_takes_cash_once_with_a_receipt_number(client, bill, django_capture_on_commit_callbacks):
    desk = officer("loket.polres", Role.COUNTER_OFFICER, kind="polres")
    client.force_login(desk)
    page = client.get(f"/loket/tagihan/?nomor={bill.number.lower()}")
    assert page.status_code == 200 and "Rp30.000" in page.content.decode()
    missing = client.post("/loket/tagihan/", {"number": bill.number, "receipt": " "})
    assert missing.status_code == 400 and "nomor kuitansi" in missing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/loket/tagihan/", {"number": bill.number, "receipt": "KW-2026-0001"})
    assert done.status_code == 302
    payment = Payment.objects.get(bill=bill)
    assert (payment.channel, payment.cash_receipt_number, payment.recorded_by) == (Channel.CASH, "KW-2026-0001", desk)
    bill.refresh_from_db()
    assert bill.state == BillState.PAID
    again = client.post("/loket/tagihan/", {"number": bill.number, "receipt": "KW-2026-0002"})
    assert again.status_code == 409 and Payment.objects.count() == 1


def test_another_agencys_officer_and_a_citizen_find_nothing(client, bill, siti):
    client.force_login(officer("loket.dukcapil", Role.COUNTER_OFFICER))
    assert client.get(f"/loket/tagihan/?nomor={bill.number}").status_code == 404
    assert client.post("/loket/tagihan/", {"number": bill.number, "receipt": "KW-1"}).status_code == 404
    assert not Payment.objects.exists()
    client.force_login(siti)
    assert client.get("/loket/tagihan/").status_code == 404
