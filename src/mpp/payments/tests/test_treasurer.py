"""The treasurer's page: what the region collected (chart and table, CSV and XLSX), cash at counters, the
reconciliation and its mismatches; another region's treasurer and everyone else see none of it."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from mpp.identity.models import RoleAssignment
from mpp.identity.tests.factories import UserFactory
from mpp.payments import figures, reconciliation, services
from mpp.payments.models import Mismatch

from .conftest import give_code, raise_skck


def treasurer(region: str):
    user = UserFactory(staff=True)
    RoleAssignment.objects.create(user=user, role="treasurer", region_id=region)
    return user


@pytest.fixture
def collected(siti, polres, bank_settings):
    now = timezone.now()
    bill = give_code(raise_skck(siti, polres))
    services.take_payment(services.Paid(bill.pay_code, "PAY-T1", 30000, now), now=now)
    reconciliation.reconcile(timezone.localdate(), [])  # the bank's file lacks it: a mismatch
    figures.refresh()
    return bill


def test_the_regions_treasurer_sees_what_was_collected_and_exports_it(client, collected):
    client.force_login(treasurer("64.72"))
    page = client.get("/bendahara/")
    html = page.content.decode()
    assert page.status_code == 200 and "Rp30.000" in html and "<svg" in html and "Kode billing" in html
    assert "Tercatat di MPP Digital, tidak ada di berkas bank" in html
    csv = client.get("/bendahara/penerimaan.csv").content.decode("utf-8-sig")
    assert "30000" in csv.splitlines()[1]
    sheet = load_workbook(io.BytesIO(client.get("/bendahara/penerimaan.xlsx").content)).active
    assert sheet.cell(row=2, column=6).value == 30000
    assert client.get("/bendahara/penerimaan.pdf").status_code == 404


def test_a_mismatch_is_resolved_by_its_regions_treasurer_only(client, collected):
    mismatch = Mismatch.objects.get()
    client.force_login(treasurer("33.72"))
    assert "tidak ada di berkas bank" not in client.get("/bendahara/").content.decode()
    assert client.post(f"/bendahara/selisih/{mismatch.pk}/", {"resolution": "Sudah dicek ke bank."}).status_code == 404
    client.force_login(treasurer("64.72"))
    assert client.post(f"/bendahara/selisih/{mismatch.pk}/", {"resolution": "Sudah dicek ke bank."}).status_code == 302
    mismatch.refresh_from_db()
    assert mismatch.resolved_at is not None and mismatch.resolution == "Sudah dicek ke bank."


def test_others_get_nothing_and_bad_dates_are_said(client, collected, siti):
    assert client.get("/bendahara/").status_code == 302  # to sign in
    client.force_login(siti)
    assert client.get("/bendahara/").status_code == 404
    client.force_login(UserFactory(staff=True))  # staff without the role
    assert client.get("/bendahara/").status_code == 404
    client.force_login(treasurer("64.72"))
    bad = client.get("/bendahara/?dari=kemarin")
    assert bad.status_code == 400 and "Tanggal tidak dikenali" in bad.content.decode()
    reversed_ = client.get("/bendahara/?dari=2026-12-05&sampai=2026-12-01")
    assert reversed_.status_code == 400


def test_the_ministrys_dashboard_shows_what_each_region_collected(client, collected, ministry):
    client.force_login(ministry)
    html = client.get("/kementerian/").content.decode()
    assert "Pembayaran layanan yang diterima" in html and "Kota Samarinda" in html and "30.000" in html
