"""A birth certificate end to end: Siti applies for her newborn, the verifier asks for one fix, she fixes
only that, the verifier passes it on and the head of Disdukcapil approves.

It runs on the demo platform (see conftest.py): ``make run``'s accounts, Siti's KK and husband read from the
registry simulator when she signs in, and the notifier process sending her e-mails to the test's SMTP server.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mpp.identity.demo import DEMO_PASSWORD

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
DEADLINE = re.compile(r"^\d{1,2} \w+ \d{4}, 23\.59 \(WITA\) · sisa \d+ hari kerja")
CHILD = "Rahma Putri Santoso"
BIRTH_LETTER = "Surat keterangan kelahiran"
REVISION_NOTE = "Surat keterangan lahir terpotong di bagian bawah. Unggah pindaian yang utuh."
STEPS = ["permohonan diajukan", "meminta perbaikan", "perbaikan dikirim", "berkas lengkap, diteruskan", "disetujui"]
MAIL_TIMEOUT_S = 15


def _pdf(path: Path, label: str) -> Path:
    """A tiny PDF (the upload check reads its header and %%EOF), told apart from another by ``label``."""
    path.write_bytes(f"%PDF-1.4\n% {label}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".encode())
    return path


def _fact(page, term: str):
    """The value next to ``term`` in the application's facts (the page's first ``dl.facts-box``)."""
    term = page.locator("dl.facts-box").first.locator("dt").filter(has_text=re.compile(f"^{re.escape(term)}$"))
    return term.locator("xpath=following-sibling::dd[1]")


def _sign_in(page, platform, login: str) -> None:
    """Signs in on the login page a protected page sent the browser to (and goes back there), or on /akun/masuk/."""
    if "/akun/masuk/" not in page.url:
        page.goto(f"{platform.url}/akun/masuk/")
    page.get_by_label("NIK atau alamat surel").fill(login)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).not_to_have_url(re.compile(r"/akun/masuk/"))


def _sign_out(page, platform) -> None:
    page.get_by_role("navigation", name="Akun").get_by_role("link", name="Akun saya").click()
    page.get_by_role("button", name="Keluar", exact=True).click()
    expect(page).to_have_url(f"{platform.url}/")


def _mail_to_siti(mailbox, platform, subject: str) -> str:
    """The text of the e-mail to Siti whose subject contains ``subject``; on failure, with the notifier's log."""
    try:
        message = mailbox.wait_for(SITI_EMAIL, MAIL_TIMEOUT_S, subject=subject)
    except pytest.fail.Exception as missing:
        pytest.fail(f"{missing}\nnotifier log:\n{platform.notifier_log.read_text(errors='replace')}", pytrace=False)
    return message.get_body(preferencelist=("plain",)).get_content()


def _open_from_worklist(page, platform, number: str) -> None:
    page.get_by_role("navigation", name="Akun").get_by_role("link", name="Daftar kerja").click()
    expect(page).to_have_url(f"{platform.url}/petugas/")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Permohonan {number}")


def _answer(page, label: str):
    """The cell with the applicant's answer ``label`` on the officer's page."""
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label)).get_by_role("cell").first


def _download_birth_letter(page) -> bytes:
    with page.expect_download() as download:
        _answer(page, BIRTH_LETTER).get_by_role("link").click()
    return Path(download.value.path()).read_bytes()


def _act(page, action: str, *, note: str = "", flag: str = "") -> None:
    """Sends the officer's action form ``action`` (its fieldset's legend), with a note and a flagged answer."""
    form = page.get_by_role("group", name=action, exact=True)
    if flag:
        form.get_by_label(flag, exact=True).check()
    if note:
        form.get_by_role("textbox").fill(note)
    form.get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Tindakan dicatat: {action}.")


def test_siti_gets_a_birth_certificate_after_fixing_only_the_flagged_birth_letter(
    page, demo_platform, mailbox, assert_accessible, tmp_path
):
    platform = demo_platform
    main = page.get_by_role("main")
    first_letter = _pdf(tmp_path / "surat-lahir.pdf", "cut off at the bottom")
    full_letter = _pdf(tmp_path / "surat-lahir-utuh.pdf", "the whole page")

    # Siti finds the service of her city and starts; the platform has her sign in, then brings her back.
    page.goto(f"{platform.url}{SAMARINDA}")
    page.get_by_role("link", name=SERVICE).click()
    page.get_by_role("link", name="Ajukan permohonan").click()
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next="))
    _sign_in(page, platform, SITI)
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
    page.get_by_label("Nama lengkap anak").fill(CHILD)
    page.get_by_role("group", name="Jenis kelamin anak").get_by_label("Perempuan").check()
    page.get_by_label("Tanggal lahir").fill((dt.date.today() - dt.timedelta(days=3)).isoformat())
    page.get_by_label("Jam lahir").fill("07:45")
    page.get_by_label("Tempat lahir").fill("SAMARINDA")
    page.get_by_label("Anak ke-").fill("3")
    page.get_by_role("group", name="Penolong persalinan").get_by_label("Bidan atau perawat").check()
    page.get_by_role("group", name="Ada surat keterangan lahir?").get_by_label("Ya").check()
    page.get_by_label(BIRTH_LETTER, exact=True).set_input_files(first_letter)
    page.get_by_label("Data yang saya isi benar").check()
    page.get_by_role("button", name="Kirim permohonan").click()

    # The receipt: the number, who holds it, the deadline and the working days left.
    expect(page).to_have_url(re.compile(rf"/permohonan/{TRACKING_NUMBER.pattern}/$"))
    number = TRACKING_NUMBER.search(page.url).group(0)
    expect(page.get_by_role("status")).to_contain_text(f"Permohonan Anda diterima dengan nomor {number}.")
    expect(_fact(page, "Nomor permohonan")).to_have_text(number)
    expect(_fact(page, "Status")).to_have_text("Diproses")
    expect(_fact(page, "Sedang di")).to_have_text(f"Verifikator · {AGENCY}")
    expect(_fact(page, "Batas waktu")).to_have_text(DEADLINE)
    expect(page.locator("ol.timeline > li")).to_have_text([re.compile(STEPS[0])])
    page.screenshot(path=tmp_path / "receipt.png", full_page=True)
    assert_accessible(page)
    link = f"{platform.url}/permohonan/{number}/"
    assert link in _mail_to_siti(mailbox, platform, f"Permohonan {number} diterima")
    _sign_out(page, platform)

    # The verifier takes it from the worklist, reads the letter and asks for a better one, nothing else.
    _sign_in(page, platform, VERIFIER)
    page.get_by_role("navigation", name="Akun").get_by_role("link", name="Daftar kerja").click()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    page.screenshot(path=tmp_path / "worklist.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="Ambil").click()
    expect(_fact(page, "Ditangani")).to_have_text("oleh Anda")
    assert _download_birth_letter(page) == first_letter.read_bytes()
    page.screenshot(path=tmp_path / "officer-detail.png", full_page=True)
    assert_accessible(page)
    _act(page, "Minta perbaikan", note=REVISION_NOTE, flag=BIRTH_LETTER)
    _sign_out(page, platform)

    # Siti is told by e-mail, sees the request and fixes only the birth letter.
    revision_mail = _mail_to_siti(mailbox, platform, f"Permohonan {number} perlu perbaikan")
    assert REVISION_NOTE in revision_mail
    assert link in revision_mail
    _sign_in(page, platform, SITI)
    page.get_by_role("navigation", name="Akun").get_by_role("link", name="Permohonan saya").click()
    expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("Perlu perbaikan")
    page.get_by_role("link", name=number).click()
    expect(_fact(page, "Status")).to_have_text("Perlu perbaikan")
    expect(_fact(page, "Sedang di")).to_have_text("Anda (perlu perbaikan)")
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
    expect(_fact(page, "Status")).to_have_text("Diproses")
    expect(_fact(page, "Batas waktu")).to_have_text(DEADLINE)
    _sign_out(page, platform)

    # The verifier gets the new letter, the rest as it was, and passes it on; the head of Disdukcapil approves.
    _sign_in(page, platform, VERIFIER)
    _open_from_worklist(page, platform, number)
    assert _download_birth_letter(page) == full_letter.read_bytes()
    expect(_answer(page, "Nama lengkap anak")).to_have_text(CHILD)
    _act(page, "Berkas lengkap, teruskan")
    _sign_out(page, platform)
    _sign_in(page, platform, APPROVER)
    _open_from_worklist(page, platform, number)
    _act(page, "Setujui")
    expect(_fact(page, "Status")).to_have_text("Disetujui")
    _sign_out(page, platform)

    # Siti sees every step, and was told of the approval.
    _sign_in(page, platform, SITI)
    page.goto(link)
    expect(_fact(page, "Status")).to_have_text("Disetujui")
    expect(page.locator("ol.timeline > li")).to_have_text([re.compile(step) for step in STEPS])
    page.screenshot(path=tmp_path / "approved.png", full_page=True)
    assert link in _mail_to_siti(mailbox, platform, f"Permohonan {number} disetujui")
