"""Paying another system's bill online: Siti, in Samarinda, pays this year's land and building tax (PBB-P2) of a
tax object from her phone. Under "Tagihan" she asks what the NOP owes (the platform asks the city's PBB back
end), sees the amount and its items, and has a bill made: a virtual account and a QRIS. She pays by QRIS on her
bank's page; the network tells the platform, the bill is paid ("Lunas"), the platform confirms the payment to the
PBB back end exactly once, and the signed receipt lands in her vault.

It runs on the demo platform (see conftest.py): ``make run``'s accounts, the billers' simulator with its demo
tax objects (as of today), the payment-network simulator's bank page and notifications, the task worker signing
the receipt.
"""

import re
import time

import browser_steps as steps
import httpx
from playwright.sync_api import expect

SITI = "6472035204900001"
#: The billers' demo tax object that owes only this year's SPPT (simulators/billers/README.md), and its owner.
NOP = "64.72.010.001.002-0123.0"
OWNER = "MUHAMMAD RIDWAN"
SPPT = "Rp312.750"  # this year's SPPT; a penalty of 1% a month is added from 1 September
PBB = "PBB-P2 (Pajak Bumi dan Bangunan), Kota Samarinda"
NUMBER_FIELD = "Nomor objek pajak (NOP) atau nomor pelanggan"
BILL_TITLE = f"PBB-P2 NOP {NOP}"
RECEIPT_TITLE = "BUKTI PEMBAYARAN"
#: How long the platform may take to confirm a payment to the PBB back end (it does right after the payment).
CONFIRMED_WITHIN_S = 15


def _rupiah(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


def _due_at_the_tax_office(billers) -> dict:
    """What the PBB back end says the NOP owes today (its inquiry, as the platform asks it)."""
    response = httpx.get(
        f"{billers.url}/api/pbb/v1/objects/{NOP}/bill", headers={"X-Api-Key": billers.api_key}, timeout=10
    )
    assert response.status_code == 200, f"{response.status_code} {response.text}"
    return response.json()


def _confirmed_to_the_tax_office(billers, reference: str) -> dict:
    """The PBB back end's record of the payment of bill ``reference`` (its admin API), waiting for it a little."""
    deadline = time.monotonic() + CONFIRMED_WITHIN_S
    while True:
        recorded = [payment for payment in billers.payments("pbb") if payment["reference"] == reference]
        if recorded or time.monotonic() > deadline:
            assert len(recorded) == 1, f"the PBB back end recorded {recorded} for {reference}"
            return recorded[0]
        time.sleep(0.2)


def test_siti_pays_this_years_pbb_by_qris_and_the_tax_office_records_it(
    page, new_page, demo_platform, assert_accessible, tmp_path
):
    platform = demo_platform
    main = page.get_by_role("main")
    due = _due_at_the_tax_office(platform.billers)
    year = platform.billers.today()["today"][:4]
    assert due["items"][0] == {"description": f"PBB-P2 tahun {year}", "period": year, "amount": 312_750}, due
    assert {item["period"] for item in due["items"]} == {year}, due  # only this year's, with its penalty if late
    total = _rupiah(due["amount_due"])

    # Siti signs in and opens her bills from the menu; from there, the PBB and water bills.
    steps.sign_in(page, platform, SITI)
    steps.account_menu(page).get_by_role("link", name="Tagihan", exact=True).click()
    expect(page).to_have_url(f"{platform.url}/tagihan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tagihan saya")
    assert_accessible(page)
    page.get_by_role("link", name="Bayar PBB atau air minum").click()
    expect(page).to_have_url(f"{platform.url}/tagihan/bayar/")

    # She checks the NOP: the tax office's answer, its owner, this year's SPPT and the total.
    page.get_by_role("group", name="Tagihan", exact=True).get_by_label(PBB).check()
    page.get_by_label(NUMBER_FIELD).fill(NOP)
    page.get_by_role("button", name="Cek tagihan").click()
    owed = page.get_by_role("region", name="Yang harus dibayar")
    expect(steps.fact(owed, "Nomor")).to_have_text(NOP)
    expect(steps.fact(owed, "Atas nama")).to_have_text(OWNER)
    rows = owed.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(len(due["items"]))
    for row, item in zip(rows.all(), due["items"], strict=True):
        expect(row.get_by_role("cell")).to_have_text([item["description"], _rupiah(item["amount"])])
    expect(rows.first).to_contain_text(SPPT)
    expect(owed.get_by_role("table").locator("tfoot")).to_have_text(re.compile(rf"Total\s*{re.escape(total)}"))
    page.screenshot(path=tmp_path / "pbb-due.png", full_page=True)
    assert_accessible(page)

    # She has it billed: her bill's page, with the amount, the virtual account and the QRIS for it.
    owed.get_by_role("button", name="Bayar tagihan ini").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(platform.url)}/tagihan/[0-9a-f-]{{36}}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(BILL_TITLE)
    bill = page.get_by_role("region", name="Tagihan pembayaran")
    expect(bill.locator(".bill-amount")).to_have_text(total)
    expect(bill.locator("#bill-code")).to_have_attribute("data-code", re.compile(r"^88001\d{16}$"))
    qr = bill.locator("figure.bill-qr")
    expect(qr.get_by_role("img", name=f"QRIS untuk membayar {total}")).to_be_visible()
    expect(qr).to_have_attribute("data-qr-content", re.compile(r"^000201"))  # EMVCo: payload format indicator
    qr_content = qr.get_attribute("data-qr-content")
    bill_number = steps.fact(page, "Nomor tagihan").inner_text().strip()
    if len(due["items"]) > 1:  # past 31 August: the SPPT and its penalty
        items = page.get_by_role("heading", name="Rincian").locator("xpath=following-sibling::ul[1]")
        expect(items.get_by_role("listitem")).to_have_text(
            [f"{item['description']}: {_rupiah(item['amount'])}" for item in due["items"]]
        )
    page.screenshot(path=tmp_path / "pbb-bill.png", full_page=True)
    assert_accessible(page)

    # She pays by QRIS on her bank's page (the simulator's): the QR's content pasted, the amount hers, paid.
    bank = new_page()
    bank.goto(f"{platform.paynet.url}/bank/")
    bank.get_by_label("Isi kode QRIS").fill(qr_content)
    bank.get_by_role("button", name="Cari QRIS").click()
    expect(bank.get_by_role("heading", level=1)).to_have_text("Pembayaran QRIS")
    expect(bank.locator("#nama")).to_have_text(OWNER)
    expect(bank.locator("#jumlah")).to_have_text(total)
    assert_accessible(bank)
    bank.get_by_role("button", name="Bayar", exact=True).click()
    expect(bank.get_by_role("heading", level=1)).to_have_text("Pembayaran berhasil")
    expect(bank.locator("#metode")).to_have_text("QRIS")
    bank.screenshot(path=tmp_path / "bank-qris-receipt.png", full_page=True)

    # The network tells the platform: her bill, reloaded, is paid; the QRIS is gone.
    steps.reload_until(page, bill, re.compile(rf"Lunas: {re.escape(total)} · {bill_number}"))
    expect(qr).to_have_count(0)
    page.screenshot(path=tmp_path / "pbb-paid.png", full_page=True)

    # The platform confirmed it to the tax office, once: its bill, its amount, paid by QRIS, under her bill's number.
    confirmed = _confirmed_to_the_tax_office(platform.billers, bill_number)
    assert confirmed["subject"] == NOP, confirmed
    assert confirmed["bill_id"] == due["bill_id"], confirmed
    assert confirmed["amount"] == due["amount_due"], confirmed
    assert confirmed["channel"] == "qris", confirmed
    assert confirmed["status"] == "paid", confirmed
    assert _due_at_the_tax_office(platform.billers)["amount_due"] == 0  # nothing left to pay for the NOP

    # Her bills list it as paid, and the signed receipt is in her vault; its verification page says it is valid.
    steps.account_menu(page).get_by_role("link", name="Tagihan", exact=True).click()
    row = main.get_by_role("row").filter(has=page.get_by_role("link", name=BILL_TITLE))
    expect(row).to_contain_text("Lunas")
    expect(row).to_contain_text(total)
    steps.account_menu(page).get_by_role("link", name="Brankas").click()
    expect(page).to_have_url(f"{platform.url}/brankas/")
    receipt = main.locator(".card").filter(has=page.get_by_role("heading", name=f"Bukti pembayaran · {BILL_TITLE}"))
    steps.reload_until(page, receipt.get_by_role("heading"), f"Bukti pembayaran · {BILL_TITLE}")
    page.screenshot(path=tmp_path / "vault.png", full_page=True)
    receipt.get_by_role("link", name="Halaman verifikasi").click()
    expect(main.locator(".success-box")).to_contain_text("Sah.")
    expect(main).to_contain_text(RECEIPT_TITLE)
    expect(main).to_contain_text(bill_number)
    expect(main).to_contain_text(total)
