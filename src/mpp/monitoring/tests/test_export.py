"""A round exported: one row per region, one column per item, figures as platform / outside / sum."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mpp.monitoring import exports, services

from .conftest import fill, report_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monev_round, alice):
    report = fill(
        report_of(monev_round, "64.72"),
        alice,
        suggestions='=HYPERLINK("http://example.test")',
        health_permits_issued_outside=2,
    )
    return services.submit_report(manager=alice, report_id=report.pk, expected_version=0)


def test_the_csv_has_a_row_per_region_and_the_items_of_those_that_submitted(client, ministry, monev_round, sent):
    client.force_login(ministry)
    response = client.get(reverse("monitoring:export_csv", args=[monev_round.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="monev-monev-mpp-digital-november-2026.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert len(rows) == 3 and set(by_code) == {"64.72", "33.72"}
    sent_row, missing_row = by_code["64.72"], by_code["33.72"]
    assert sent_row["Status"] == "Dikirim, menunggu pemeriksaan" and sent_row["Terlambat"] == "Tidak"
    assert sent_row["Jumlah pemohon layanan administrasi kependudukan: di luar platform"] == "5"
    assert sent_row["Jumlah pemohon layanan administrasi kependudukan: jumlah"] == "5"
    assert sent_row["Jumlah izin tenaga kesehatan yang diterbitkan: jumlah"] == "2"
    assert sent_row["Kendala"] == (
        "Infrastruktur: Jaringan internet lambat.; SDM (sumber daya manusia): Petugas terlatih baru dua."
    )
    assert sent_row["Saran dan masukan"].startswith("'=")  # text a region typed never runs as a formula
    assert missing_row["Status"] == "Belum dikirim" and missing_row["Nomor SK Pengelola MPP Digital"] == ""


def test_the_xlsx_holds_numbers_as_numbers_and_formulas_as_text(ministry, monev_round, sent):
    sheet = load_workbook(io.BytesIO(exports.as_xlsx(monev_round))).active
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "64.72")
    cells = dict(zip(header, row, strict=True))
    assert cells["Jumlah pemohon layanan administrasi kependudukan: dari platform"].value == 0
    assert cells["Jumlah pemohon layanan administrasi kependudukan: jumlah"].value == 5
    assert cells["Saran dan masukan"].data_type == "s"
    assert cells["Saran dan masukan"].value.startswith("'=")
    assert sheet.max_row == 3


def test_the_export_takes_a_constant_number_of_queries(ministry, monev_round, sent, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        exports.rows(monev_round)
