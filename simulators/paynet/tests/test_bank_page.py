"""The bank page: look a bill up by its VA number or billing code, or a QRIS by its content or
from the list of those waiting, pay it (post/redirect/get), and read why a payment is refused."""

from __future__ import annotations

import re

import httpx
import pytest

from .conftest import billing_body, create, generate_qr, later, va_body


@pytest.fixture
def bank(paynet):
    with httpx.Client(base_url=paynet.url, timeout=30) as http:
        yield http


def text(html: str, element_id: str) -> str:
    """The text of the element with this id (tags inside stripped)."""
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no #{element_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_page_is_indonesian_and_labels_its_fields(bank):
    page = bank.get("/bank/")
    assert page.status_code == 200 and '<html lang="id">' in page.text
    assert '<label for="nomor">' in page.text and 'id="nomor" name="nomor"' in page.text
    assert '<label for="konten">' in page.text and 'id="konten" name="konten"' in page.text
    assert "<h1>Pembayaran tagihan</h1>" in page.text and "QRIS menunggu pembayaran" in page.text
    assert ">Cari tagihan</button>" in page.text and ">Cari QRIS</button>" in page.text
    assert bank.get("/static/bank.css").headers["content-type"].startswith("text/css")


def test_a_bill_is_shown_and_paid_then_the_receipt_follows(paynet, client, bank, platform):
    data = create(client, va_body(expiredDate="2030-12-08T23:59:59+08:00"))
    number = data["virtualAccountNo"].strip()
    page = bank.get("/bank/tagihan", params={"nomor": number})
    assert page.status_code == 200
    assert text(page.text, "nama") == "SITI RAHAYU" and text(page.text, "jumlah") == "Rp30.000"
    assert text(page.text, "kedaluwarsa") == "8 Desember 2030, 23.59 WITA"
    assert text(page.text, "status") == "Belum dibayar" and ">Bayar</button>" in page.text
    paid = bank.post("/bank/tagihan/bayar", data={"nomor": number})
    assert paid.status_code == 303 and "/bank/bukti/" in paid.headers["location"]
    receipt = bank.get(paid.headers["location"])
    assert receipt.status_code == 200 and "<h1>Pembayaran berhasil</h1>" in receipt.text
    [payment] = paynet.payments(trx_id=data["trxId"])
    assert (
        text(receipt.text, "nomor-referensi") == payment["referenceNo"] and text(receipt.text, "jumlah") == "Rp30.000"
    )
    platform.wait_for(data["trxId"], lambda calls: len(calls) == 1)  # notified like any payment


def test_a_paid_bill_says_so_and_a_second_payment_is_refused(paynet, client, bank):
    data = create(client, va_body())
    paynet.pay(virtual_account_no=data["virtualAccountNo"])
    number = data["virtualAccountNo"].strip()
    page = bank.get("/bank/tagihan", params={"nomor": number})
    assert text(page.text, "galat") == "Tagihan ini sudah dibayar." and ">Bayar</button>" not in page.text
    again = bank.post("/bank/tagihan/bayar", data={"nomor": number})
    assert again.status_code == 409 and text(again.text, "galat") == "Tagihan ini sudah dibayar."


def test_an_expired_bill_says_so(client, bank):
    data = create(client, va_body(expiredDate=later(minutes=-1)))
    page = bank.get("/bank/tagihan", params={"nomor": data["virtualAccountNo"].strip()})
    assert "kedaluwarsa" in text(page.text, "galat") and text(page.text, "status") == "Kedaluwarsa"
    refused = bank.post("/bank/tagihan/bayar", data={"nomor": data["virtualAccountNo"].strip()})
    assert refused.status_code == 409 and "kedaluwarsa" in text(refused.text, "galat")


@pytest.mark.parametrize(
    ("number", "status", "message"),
    [
        ("889999999999999", 404, "tidak ditemukan"),
        ("abc", 400, "berupa angka"),
        ("", 400, "berupa angka"),
    ],
)
def test_an_unknown_or_malformed_number_says_so(bank, number, status, message):
    page = bank.get("/bank/tagihan", params={"nomor": number})
    assert page.status_code == status and message in text(page.text, "galat")
    assert bank.post("/bank/tagihan/bayar", data={"nomor": number}).status_code == 404


def test_a_billing_code_shows_pnbp_and_its_receipt_the_ntpn(paynet, client, bank):
    data = create(client, billing_body())
    page = bank.get("/bank/tagihan", params={"nomor": data["virtualAccountNo"]})
    assert text(page.text, "jumlah") == "Rp50.000" and "PNBP" in text(page.text, "jenis")
    receipt = bank.get(bank.post("/bank/tagihan/bayar", data={"nomor": data["virtualAccountNo"]}).headers["location"])
    [payment] = paynet.payments(trx_id=data["trxId"])
    assert text(receipt.text, "ntpn") == payment["ntpn"] and text(receipt.text, "ntb") == payment["ntb"]


def test_a_waiting_qris_is_listed_picked_and_paid(paynet, client, bank):
    data = create(client, va_body())
    qr = generate_qr(client, data)
    reference = qr["referenceNo"]
    listed = bank.get("/bank/")
    assert f'id="pilih-{reference}"' in listed.text
    page = bank.get(f"/bank/qris/{reference}")
    assert text(page.text, "referensi-qris") == reference and text(page.text, "jumlah") == "Rp30.000"
    paid = bank.post(f"/bank/qris/{reference}/bayar")
    assert paid.status_code == 303
    assert paynet.payments(trx_id=data["trxId"])[0]["channel"] == "qris"
    assert f'id="pilih-{reference}"' not in bank.get("/bank/").text  # no longer waiting
    assert bank.post(f"/bank/qris/{reference}/bayar").status_code == 409


def test_a_pasted_qris_is_found_and_a_bad_one_refused(client, bank):
    qr = generate_qr(client, create(client, va_body()))
    found = bank.get("/bank/qris", params={"konten": qr["qrContent"]})
    assert found.status_code == 303 and found.headers["location"].endswith(f"/bank/qris/{qr['referenceNo']}")
    broken = bank.get("/bank/qris", params={"konten": qr["qrContent"].replace("5802ID", "5802XX")})
    assert broken.status_code == 400 and "tidak valid" in text(broken.text, "galat")
    assert bank.get("/bank/qris/QR-UNKNOWN").status_code == 404
    assert bank.post("/bank/qris/QR-UNKNOWN/bayar").status_code == 404


def test_an_unknown_receipt_is_404(bank):
    page = bank.get("/bank/bukti/PN-UNKNOWN")
    assert page.status_code == 404 and "tidak ditemukan" in text(page.text, "galat")
