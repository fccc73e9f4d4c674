"""A practice permit (SIP) end to end: Dewi, a nurse in Samarinda, applies without typing or uploading her
STR (the platform reads it from SISDMK). Samarinda charges a fee for it, paid before the health office
processes it: her application waits for payment with a bill, whose virtual account she pays on the bank's page;
the network tells the platform, and her application moves on to the health office. The health office's verifier
passes it on and its head approves, which issues a signed PDF. Dewi downloads it, finds it in her vault and on
its public verification page, beside the signed receipt of her payment; anyone can check the PDF by uploading
it, and an altered copy fails. Then the head revokes it and the verification says so.

It runs on the demo platform (see conftest.py): ``make run``'s accounts, demo CA and demo fee, Dewi's record read
from the registry simulator, her STR from the SISDMK simulator, the payment-network simulator's bank page and
notifications, the task worker signing the receipt, the notifier sending e-mail to the test's server.
"""

import re
from pathlib import Path

import browser_steps as steps
from cryptography import x509
from playwright.sync_api import expect

from mpp.documents import validation

DEWI = "6472054211950001"
DEWI_NAME = "DEWI LESTARI"
DEWI_EMAIL = "dewi@demo.mpp.go.id"
DEWI_STR = "2164230990000001"  # hers in SISDMK (simulators/sisdmk/demo_workers.py): she never types it
VERIFIER = "verifikator.dinkes.samarinda"
APPROVER = "kadinkes.samarinda"
SAMARINDA = "/wilayah/64.72/"
SERVICE = "Penerbitan Surat Izin Praktik (SIP) Tenaga Medis dan Tenaga Kesehatan"
FROM_REGISTRY = "Dari Dukcapil Kemendagri; tidak dapat diubah di sini."
TRACKING_NUMBER = re.compile(r"6472-\d{4}-[0-9A-Z]{8}")
PRACTICE_NAME = "RSUD Abdul Wahab Sjahranie"
PRACTICE_STREET = "Jl. Palang Merah Indonesia No. 1"
PRACTICE_VILLAGE = "64.72.05.1002"  # a kelurahan of Kecamatan Samarinda Ulu
PRACTICE_HOURS = "Senin–Jumat 07.30–14.00"
PRACTICE_LETTER = "Surat keterangan tempat praktik"
PHOTO = "Pas foto berwarna terbaru"
PERMIT_TITLE = "SURAT IZIN PRAKTIK PERAWAT"
REVOCATION_REASON = "Tempat praktik ditutup sejak 1 Juli."
ALTERED = "Isi dokumen telah diubah setelah ditandatangani."
FEE = "Rp50.000"  # Samarinda's demo fee for the SIP (src/mpp/demo/payments.py), paid before processing
VIRTUAL_ACCOUNT = re.compile(r"^88001\d{16}$")  # the region bank's prefix, then Samarinda's 6472 and twelve digits
RECEIPT_TITLE = "BUKTI PEMBAYARAN"


def _photo(path: Path) -> Path:
    """A small, valid PNG: a 4x6 passport photo on a plain red background."""
    from PIL import Image

    Image.new("RGB", (80, 120), (200, 30, 30)).save(path, format="PNG")
    return path


def _answer(page, label: str):
    """The citizen's answer ``label`` with its source, in the application's "Isian" (its last ``dl.facts-box``)."""
    term = page.locator("dl.facts-box").last.locator("dt").filter(has_text=re.compile(f"^{re.escape(label)}"))
    return term.locator("xpath=following-sibling::dd[1]")


def _demo_ca_roots(platform) -> list[x509.Certificate]:
    """The demo platform's CA (``create_demo_ca`` in its var dir, where the notifier's log is too)."""
    ca = platform.notifier_log.parent / "signing" / "ca.pem"
    return x509.load_pem_x509_certificates(ca.read_bytes())


def _altered(pdf: bytes) -> bytes:
    """``pdf`` with one byte flipped inside its first stream: still readable, no longer what was signed."""
    at = pdf.index(b"stream", pdf.index(b"/Length")) + len(b"stream\n") + 16
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def _check_upload(page, platform, pdf: Path):
    """Uploads ``pdf`` on the public verification page; returns the verdict's box."""
    page.goto(f"{platform.url}/verify/")
    page.get_by_label("Berkas PDF yang akan diperiksa").set_input_files(pdf)
    page.get_by_role("button", name="Periksa", exact=True).click()
    return page.get_by_role("main").locator(".success-box, .error-box")


def test_dewi_gets_a_signed_practice_permit_that_anyone_can_verify_until_the_health_office_revokes_it(
    page, new_page, demo_platform, mailbox, assert_accessible, tmp_path
):
    platform = demo_platform
    main = page.get_by_role("main")
    letter = steps.tiny_pdf(tmp_path / "surat-keterangan-rsud.pdf", "surat keterangan RSUD")
    photo = _photo(tmp_path / "pas-foto.png")

    # Dewi finds the permit in her city's services and starts; she signs in and comes back to the form.
    page.goto(f"{platform.url}{SAMARINDA}")
    page.get_by_role("link", name=SERVICE).click()
    page.get_by_role("link", name="Ajukan permohonan").click()
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next="))
    steps.sign_in(page, platform, DEWI)
    expect(page).to_have_url(re.compile(r"/layanan/[0-9a-f-]{36}/ajukan/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE)

    # Her name comes from the registry, locked; her STR is neither asked for as a document nor required.
    locked = page.locator(".field.locked")
    name = locked.filter(has=page.locator(".label", has_text=re.compile("^Nama$")))
    expect(name.locator(".value")).to_have_text(DEWI_NAME)
    expect(name).to_contain_text(FROM_REGISTRY)
    expect(page.locator('[name="name"]')).to_have_count(0)
    expect(page.locator('input[type="file"]')).to_have_count(3)  # the letter, the photo, a superior's approval
    expect(page.get_by_label("Nomor STR (boleh dikosongkan)")).to_have_value("")
    page.screenshot(path=tmp_path / "apply.png", full_page=True)
    assert_accessible(page)

    # She chooses her profession and gives the practice place, its letter and her photo.
    page.get_by_role("group", name="Profesi", exact=True).get_by_label("Perawat").check()
    page.get_by_role("group", name="Jenis permohonan").get_by_label("SIP baru").check()
    page.get_by_role("group", name="Bentuk praktik").get_by_label("Di fasilitas pelayanan kesehatan").check()
    page.get_by_role("group", name="Jenis fasilitas pelayanan kesehatan").get_by_label("Rumah sakit").check()
    page.get_by_label("Nama tempat praktik").fill(PRACTICE_NAME)
    address = page.get_by_role("group", name="Alamat tempat praktik")
    address.get_by_label("Jalan dan nomor rumah").fill(PRACTICE_STREET)
    address.get_by_label("RT", exact=True).fill("1")
    address.get_by_label("RW", exact=True).fill("2")
    # The village from the region lists (the service's province and city come chosen).
    expect(address.get_by_label("Kabupaten/kota")).to_have_value("64.72")
    address.get_by_label("Kecamatan").select_option(PRACTICE_VILLAGE.rsplit(".", 1)[0])
    address.get_by_label("Desa/kelurahan").select_option(PRACTICE_VILLAGE)
    page.get_by_label("Hari dan jam praktik").fill(PRACTICE_HOURS)
    page.get_by_label(PRACTICE_LETTER, exact=True).set_input_files(letter)
    page.get_by_label(PHOTO, exact=True).set_input_files(photo)
    page.get_by_role("group", name=re.compile(r"^Apakah Anda ASN")).get_by_label("Tidak").check()
    page.get_by_role("group", name="Pernyataan praktik").get_by_role("checkbox").check()
    page.get_by_label("Data yang saya isi benar").check()
    page.get_by_role("button", name="Kirim permohonan").click()

    # The receipt, and the STR the platform read from SISDMK among her answers.
    expect(page).to_have_url(re.compile(rf"/permohonan/{TRACKING_NUMBER.pattern}/$"))
    number = TRACKING_NUMBER.search(page.url).group(0)
    link = f"{platform.url}/permohonan/{number}/"
    expect(page.get_by_role("status")).to_contain_text(f"Permohonan Anda diterima dengan nomor {number}.")
    expect(_answer(page, "Nomor STR")).to_contain_text(DEWI_STR)
    expect(_answer(page, "Profesi")).to_have_text("Perawat")

    # The permit costs the city's fee, paid first: it waits for payment, with the bill and its virtual account.
    expect(steps.fact(page, "Status")).to_have_text("Menunggu pembayaran")
    bill = page.get_by_role("region", name="Tagihan pembayaran")
    expect(bill.locator(".bill-amount")).to_have_text(FEE)
    expect(bill).to_contain_text(f"permohonan {number}")
    code = bill.locator("#bill-code")
    expect(code).to_have_attribute("data-code", VIRTUAL_ACCOUNT)
    expect(bill.get_by_text("Nomor virtual account", exact=True)).to_be_visible()
    virtual_account = code.get_attribute("data-code")
    expect(code).to_have_text(re.sub(r"(\d{4})(?=\d)", r"\1 ", virtual_account))  # grouped by four for reading
    page.screenshot(path=tmp_path / "receipt.png", full_page=True)
    assert_accessible(page)

    # She pays it on her bank's page (the simulator's), in another tab: the bill it finds is hers, for the fee.
    bank = new_page()
    bank.goto(f"{platform.paynet.url}/bank/")
    assert_accessible(bank)
    bank.get_by_label("Nomor virtual account atau kode billing").fill(virtual_account)
    bank.get_by_role("button", name="Cari tagihan").click()
    expect(bank.get_by_role("heading", level=1)).to_have_text("Tagihan")
    expect(bank.locator("#nomor-tagihan")).to_have_text(virtual_account)
    expect(bank.locator("#jumlah")).to_have_text(FEE)
    expect(bank.locator("#status")).to_have_text("Belum dibayar")
    assert_accessible(bank)
    bank.get_by_role("button", name="Bayar", exact=True).click()
    expect(bank.get_by_role("heading", level=1)).to_have_text("Pembayaran berhasil")
    expect(bank.locator("#nomor-tagihan")).to_have_text(virtual_account)
    bank.screenshot(path=tmp_path / "bank-receipt.png", full_page=True)
    assert_accessible(bank)

    # The network tells the platform: her application, reloaded, is paid and with the health office's verifier.
    steps.reload_until(page, steps.fact(page, "Status"), "Diproses")
    expect(steps.fact(page, "Sedang di")).to_have_text(re.compile(r"^Verifikator · Dinas Kesehatan"))
    expect(page.locator("ol.timeline")).to_contain_text("tagihan dibayar")
    expect(bill).to_contain_text(f"Lunas: {FEE}")
    page.screenshot(path=tmp_path / "paid.png", full_page=True)
    steps.sign_out(page, platform)

    # The health office's verifier finds it in the worklist and passes it on; its head approves, which signs it.
    steps.sign_in(page, platform, VERIFIER)
    steps.open_from_worklist(page, platform, number)
    expect(steps.office_answer(page, "Nomor STR")).to_have_text(DEWI_STR)
    page.screenshot(path=tmp_path / "officer-detail.png", full_page=True)
    steps.pass_on_and_approve(page, platform, number, APPROVER)
    issued_box = page.get_by_role("region", name="Dokumen hasil")
    expect(issued_box).to_contain_text(PERMIT_TITLE)
    office_link = page.url
    steps.sign_out(page, platform)

    # Dewi was told; her application shows the permit, and the signed PDF validates against the demo CA.
    assert link in steps.mail_text(mailbox, platform, DEWI_EMAIL, f"Permohonan {number} disetujui")
    steps.sign_in(page, platform, DEWI)
    page.goto(link)
    expect(steps.fact(page, "Status")).to_have_text("Disetujui")
    issued = main.locator(".success-box")
    expect(issued).to_contain_text("Dokumen hasil sudah terbit dan tersimpan di brankas Anda.")
    expect(issued).to_contain_text(PERMIT_TITLE)
    permit_number = issued.locator("p").first.inner_text().rsplit(" · ", 1)[1].strip()
    with page.expect_download() as download:
        issued.get_by_role("link", name="Unduh PDF bertanda tangan").click()
    signed = tmp_path / "sip.pdf"
    download.value.save_as(signed)
    pdf = signed.read_bytes()
    assert pdf.startswith(b"%PDF-")
    verdict = validation.validate(pdf, trust_roots=_demo_ca_roots(platform))
    assert verdict.is_valid, verdict
    # PAdES B-LTA, as make run signs: validation data and an archive timestamp follow the signature.
    assert verdict.intact and verdict.trusted and verdict.long_term and verdict.timestamped_at is not None

    # It is in her vault, with its verification page: valid, her name and STR, never her full NIK.
    steps.account_menu(page).get_by_role("link", name="Brankas").click()
    expect(page).to_have_url(f"{platform.url}/brankas/")
    card = main.locator(".card").filter(has=page.get_by_role("heading", name=PERMIT_TITLE))
    expect(card).to_contain_text(permit_number)
    page.screenshot(path=tmp_path / "vault.png", full_page=True)
    assert_accessible(page)
    card.get_by_role("link", name="Halaman verifikasi").click()
    expect(page).to_have_url(re.compile(r"/verify/[^/]+$"))
    verify_link = page.url
    expect(main.locator(".success-box")).to_contain_text("Sah.")
    expect(main).to_contain_text(DEWI_NAME)
    expect(main).to_contain_text(DEWI_STR)
    expect(main).to_contain_text(permit_number)
    assert DEWI not in page.content()
    page.screenshot(path=tmp_path / "verify.png", full_page=True)
    assert_accessible(page)

    # Beside it, the receipt of her payment, signed by the task worker; its verification page says it is valid.
    page.goto(f"{platform.url}/brankas/")
    paid = main.locator(".card").filter(has=page.get_by_role("heading", name=re.compile(r"^Bukti pembayaran")))
    expect(paid.get_by_role("heading")).to_contain_text(number)
    paid.get_by_role("link", name="Halaman verifikasi").click()
    expect(page).to_have_url(re.compile(r"/verify/[^/]+$"))
    expect(main.locator(".success-box")).to_contain_text("Sah.")
    expect(main).to_contain_text(RECEIPT_TITLE)
    expect(main).to_contain_text(FEE)
    assert DEWI not in page.content()
    page.screenshot(path=tmp_path / "verify-payment.png", full_page=True)
    assert_accessible(page)
    steps.sign_out(page, platform)

    # Anyone can check the PDF itself by uploading it: the one issued is valid, a copy with one byte changed is not.
    public = new_page()
    verdict_box = _check_upload(public, platform, signed)
    expect(verdict_box).to_contain_text("Sah.")
    expect(verdict_box).to_contain_text("Tanda tangan sah")
    expect(public.get_by_role("main")).to_contain_text(permit_number)
    altered = tmp_path / "sip-diubah.pdf"
    altered.write_bytes(_altered(pdf))
    verdict_box = _check_upload(public, platform, altered)
    expect(verdict_box).to_contain_text("Tidak sah.")
    expect(verdict_box).to_contain_text(ALTERED)
    public.screenshot(path=tmp_path / "verify-upload-altered.png", full_page=True)

    # The head of the health office revokes it from the application; its verification says so at once.
    steps.sign_in(page, platform, APPROVER)
    page.goto(office_link)
    # The revoke form is apart from the issued document, collapsed, and asks to confirm what revoking means.
    revoke = page.locator("details#revoke")
    revoke.locator("summary").click()
    revoke.get_by_label("Alasan pencabutan").fill(REVOCATION_REASON)
    revoke.get_by_label("Saya mengerti dokumen ini tidak berlaku lagi").check()
    revoke.get_by_role("button", name="Cabut dokumen").click()
    expect(page.get_by_role("status")).to_contain_text(f"Dokumen {permit_number} dicabut.")
    expect(page.get_by_role("region", name="Dokumen hasil")).to_contain_text("dicabut")
    steps.sign_out(page, platform)
    public.goto(verify_link)
    revoked = public.get_by_role("main").locator(".error-box")
    expect(revoked).to_contain_text("Dicabut.")
    expect(revoked).to_contain_text(REVOCATION_REASON)
    assert DEWI not in public.content()
    verdict_box = _check_upload(public, platform, signed)
    expect(verdict_box).to_contain_text("Dicabut.")
