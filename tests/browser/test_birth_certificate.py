"""A birth certificate end to end: Siti applies for her newborn, the verifier asks for one fix, she fixes
only that, the verifier passes it on and the head of Disdukcapil approves.

It runs on the demo platform (see conftest.py): ``make run``'s accounts, Siti's KK and husband read from the
registry simulator when she signs in, and the notifier process sending her e-mails to the test's SMTP server.
"""

import re
from pathlib import Path

import browser_steps as steps
from playwright.sync_api import expect

SITI = "6472035204900001"
SITI_EMAIL = "siti@demo.mpp.go.id"
SITI_KK = "6472031803200001"  # on her registry record: she never types it
HUSBAND = "BUDI SANTOSO"
VERIFIER = "verifikator.samarinda"
APPROVER = "kadis.samarinda"
SAMARINDA = "/wilayah/64.72/"
SERVICE = "Penerbitan Akta Kelahiran"
AGENCY = "Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda"
FROM_REGISTRY = "Dari Dukcapil Kemendagri; tidak dapat diubah di sini."
TRACKING_NUMBER = re.compile(r"6472-\d{4}-[0-9A-Z]{8}")
#: The end of a working day in Samarinda's zone, and the working days left until it.
DEADLINE = re.compile(r"^\d{1,2} \w+ \d{4}, 23\.59 WITA · sisa \d+ hari kerja")
CHILD = "Rahma Putri Santoso"
BIRTH_LETTER = steps.BIRTH_LETTER
REVISION_NOTE = "Surat keterangan lahir terpotong di bagian bawah. Unggah pindaian yang utuh."
STEPS = ["permohonan diajukan", "meminta perbaikan", "perbaikan dikirim", "berkas lengkap, diteruskan", "disetujui"]


def _download_birth_letter(page) -> bytes:
    with page.expect_download() as download:
        steps.office_answer(page, BIRTH_LETTER).get_by_role("link").click()
    return Path(download.value.path()).read_bytes()


def test_siti_gets_a_birth_certificate_after_fixing_only_the_flagged_birth_letter(
    page, demo_platform, mailbox, assert_accessible, tmp_path
):
    platform = demo_platform
    main = page.get_by_role("main")
    first_letter = steps.tiny_pdf(tmp_path / "surat-lahir.pdf", "cut off at the bottom")
    full_letter = steps.tiny_pdf(tmp_path / "surat-lahir-utuh.pdf", "the whole page")

    # Siti finds the service of her city and starts; the platform has her sign in, then brings her back.
    page.goto(f"{platform.url}{SAMARINDA}")
    page.get_by_role("link", name=SERVICE).click()
    page.get_by_role("link", name="Ajukan permohonan").click()
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next="))
    steps.sign_in(page, platform, SITI)
    expect(page).to_have_url(re.compile(r"/layanan/[0-9a-f-]{36}/ajukan/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE)

    # What the state holds is shown locked, with its source: nothing to type or upload for it.
    expect(main).to_contain_text(re.compile(r"\d dari \d persyaratan sudah dimiliki negara dan diambil otomatis"))
    locked = page.locator(".field.locked")
    kk = locked.filter(has_text="Nomor KK tempat anak didaftarkan")
    expect(kk.locator(".value")).to_have_text(SITI_KK)
    expect(kk).to_contain_text(FROM_REGISTRY)
    other_parent = locked.filter(has_text="Orang tua lainnya")
    expect(other_parent.locator(".value")).to_contain_text(HUSBAND)
    expect(other_parent).to_contain_text(FROM_REGISTRY)
    expect(locked.filter(has_text="Pelapor (ayah atau ibu)")).to_contain_text(FROM_REGISTRY)
    for name in ("reporter", "kk_number", "other_parent"):
        expect(page.locator(f'[name="{name}"]')).to_have_count(0)
    page.screenshot(path=tmp_path / "apply.png", full_page=True)
    assert_accessible(page)

    # She gives only the child's data and the birth letter.
    steps.fill_birth_certificate(page, CHILD, first_letter)
    page.get_by_role("button", name="Kirim permohonan").click()

    # The receipt: the number, who holds it, the deadline and the working days left.
    expect(page).to_have_url(re.compile(rf"/permohonan/{TRACKING_NUMBER.pattern}/$"))
    number = TRACKING_NUMBER.search(page.url).group(0)
    expect(page.get_by_role("status")).to_contain_text(f"Permohonan Anda diterima dengan nomor {number}.")
    expect(steps.fact(page, "Nomor permohonan")).to_have_text(number)
    expect(steps.fact(page, "Status")).to_have_text("Diproses")
    expect(steps.fact(page, "Sedang di")).to_have_text(f"Verifikator · {AGENCY}")
    expect(steps.fact(page, "Batas waktu")).to_have_text(DEADLINE)
    expect(page.locator("ol.timeline > li")).to_have_text([re.compile(STEPS[0])])
    page.screenshot(path=tmp_path / "receipt.png", full_page=True)
    assert_accessible(page)
    link = f"{platform.url}/permohonan/{number}/"
    assert link in steps.mail_text(mailbox, platform, SITI_EMAIL, f"Permohonan {number} diterima")
    steps.sign_out(page, platform)

    # The verifier takes it from the worklist, reads the letter and asks for a better one, nothing else.
    steps.sign_in(page, platform, VERIFIER)
    steps.account_menu(page).get_by_role("link", name="Daftar kerja").click()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    page.screenshot(path=tmp_path / "worklist.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="Ambil").click()
    expect(steps.fact(page, "Ditangani")).to_have_text("oleh Anda")
    assert _download_birth_letter(page) == first_letter.read_bytes()
    page.screenshot(path=tmp_path / "officer-detail.png", full_page=True)
    assert_accessible(page)
    steps.act(page, "Minta perbaikan", note=REVISION_NOTE, flag=BIRTH_LETTER)
    steps.sign_out(page, platform)

    # Siti is told by e-mail, sees the request and fixes only the birth letter.
    revision_mail = steps.mail_text(mailbox, platform, SITI_EMAIL, f"Permohonan {number} perlu perbaikan")
    assert REVISION_NOTE in revision_mail
    assert link in revision_mail
    steps.sign_in(page, platform, SITI)
    steps.account_menu(page).get_by_role("link", name="Permohonan saya").click()
    expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("Perlu perbaikan")
    page.get_by_role("link", name=number).click()
    expect(steps.fact(page, "Status")).to_have_text("Perlu perbaikan")
    expect(steps.fact(page, "Sedang di")).to_have_text("Anda (perlu perbaikan)")
    expect(main).to_contain_text("Waktu penyelesaian berhenti sampai Anda mengirim perbaikan.")
    expect(page.locator("ol.timeline > li").last).to_contain_text(REVISION_NOTE)
    page.get_by_role("link", name="Perbaiki sekarang").click()
    expect(page).to_have_url(f"{link}perbaikan/")
    expect(main).to_contain_text(REVISION_NOTE)
    form = page.locator("form").filter(has=page.get_by_role("button", name="Kirim perbaikan"))
    expect(form.locator("input:not([type=hidden]), select, textarea")).to_have_count(1)
    form.get_by_label(BIRTH_LETTER, exact=True).set_input_files(full_letter)
    page.screenshot(path=tmp_path / "revise.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="Kirim perbaikan").click()
    expect(page).to_have_url(link)
    expect(page.get_by_role("status")).to_contain_text("Perbaikan terkirim")
    expect(steps.fact(page, "Status")).to_have_text("Diproses")
    expect(steps.fact(page, "Batas waktu")).to_have_text(DEADLINE)
    steps.sign_out(page, platform)

    # The verifier gets the new letter, the rest as it was, and passes it on; the head of Disdukcapil approves.
    steps.sign_in(page, platform, VERIFIER)
    steps.open_from_worklist(page, platform, number)
    assert _download_birth_letter(page) == full_letter.read_bytes()
    expect(steps.office_answer(page, "Nama lengkap anak")).to_have_text(CHILD)
    steps.pass_on_and_approve(page, platform, number, APPROVER)
    steps.sign_out(page, platform)

    # Siti sees every step, and was told of the approval.
    steps.sign_in(page, platform, SITI)
    page.goto(link)
    expect(steps.fact(page, "Status")).to_have_text("Disetujui")
    expect(page.locator("ol.timeline > li")).to_have_text([re.compile(step) for step in STEPS])
    page.screenshot(path=tmp_path / "approved.png", full_page=True)
    assert link in steps.mail_text(mailbox, platform, SITI_EMAIL, f"Permohonan {number} disetujui")
