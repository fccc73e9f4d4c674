"""Steps the end-to-end browser tests share: signing in and out, an officer's worklist and actions,
reading a page's facts, waiting for a page to change as another process acts, the e-mail a citizen receives, the
WhatsApp message a phone receives, paying a bill on the bank's page, a tiny PDF to upload, Siti's birth-certificate
form."""

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mpp.demo.accounts import DEMO_PASSWORD

MAIL_TIMEOUT_S = 15
#: How long a WhatsApp/SMS message may take to reach the simulated phone (the notifier sends it through the gateway).
PHONE_TIMEOUT_S = 15
#: How long a page may take to show what another process did (a payment notified by the network, a receipt signed
#: by the task worker), and how long each look at it waits before the page is reloaded.
RELOAD_TIMEOUT_S = 15
RELOAD_EVERY_MS = 500
#: The birth-certificate form's upload of the hospital's or midwife's letter.
BIRTH_LETTER = "Surat keterangan kelahiran"


def tiny_pdf(path: Path, label: str) -> Path:
    """A tiny PDF (the upload check reads its header and %%EOF), told apart from another by ``label``."""
    path.write_bytes(f"%PDF-1.4\n% {label}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".encode())
    return path


def fill_birth_certificate(page, child: str, letter: Path) -> None:
    """On the birth-certificate form, what Siti types for her newborn ``child`` (a girl born three days ago in
    Samarinda) and the birth ``letter``, the declaration ticked; the rest is locked from the registry
    (test_birth_certificate.py checks it). The same child twice is a likely duplicate: each test names its own."""
    page.get_by_label("Nama lengkap anak").fill(child)
    page.get_by_role("group", name="Jenis kelamin anak").get_by_label("Perempuan").check()
    page.get_by_label("Tanggal lahir").fill((dt.date.today() - dt.timedelta(days=3)).isoformat())
    page.get_by_label("Jam lahir").fill("07:45")
    page.get_by_label("Tempat lahir").fill("SAMARINDA")
    page.get_by_label("Anak ke-").fill("3")
    page.get_by_role("group", name="Penolong persalinan").get_by_label("Bidan atau perawat").check()
    page.get_by_role("group", name="Ada surat keterangan lahir?").get_by_label("Ya").check()
    page.get_by_label(BIRTH_LETTER, exact=True).set_input_files(letter)
    page.get_by_label("Data yang saya isi benar").check()


def sign_in(page, platform, login: str, password: str = DEMO_PASSWORD) -> None:
    """Signs in on the login page a protected page sent the browser to (and goes back there), or on /akun/masuk/;
    with the demo accounts' password unless told another."""
    if "/akun/masuk/" not in page.url:
        page.goto(f"{platform.url}/akun/masuk/")
    page.get_by_label("NIK, e-mail, atau nama pengguna").fill(login)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page).not_to_have_url(re.compile(r"/akun/masuk/"))


def account_menu(page):
    """The header's account links (navigation "Akun"): in a menu that is opened first on a phone, inline on a
    wide screen."""
    nav = page.get_by_role("navigation", name="Akun")
    menu = nav.locator("details")
    if menu.count() and menu.get_attribute("open") is None and nav.locator("summary").is_visible():
        nav.locator("summary").click()
    return nav


def sign_out(page, platform) -> None:
    account_menu(page).get_by_role("button", name="Keluar", exact=True).click()
    expect(page).to_have_url(f"{platform.url}/akun/masuk/")
    expect(page.get_by_role("status")).to_have_text("Anda sudah keluar.")


def fact(page, term: str):
    """The value next to ``term`` in the application's facts (the page's first ``dl.facts-box``)."""
    term = page.locator("dl.facts-box").first.locator("dt").filter(has_text=re.compile(f"^{re.escape(term)}$"))
    return term.locator("xpath=following-sibling::dd[1]")


def reload_until(page, locator, text: str | re.Pattern, timeout_s: float = RELOAD_TIMEOUT_S) -> None:
    """Reloads ``page`` until ``locator`` has ``text`` (a regular expression: contains a match), for what another
    process changes while the page is open; fails as ``expect`` does after ``timeout_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            expect(locator).to_have_text(text, timeout=RELOAD_EVERY_MS)
            return
        except AssertionError:
            page.reload()
    expect(locator).to_have_text(text, timeout=RELOAD_EVERY_MS)


def open_from_worklist(page, platform, number: str) -> None:
    account_menu(page).get_by_role("link", name="Daftar kerja").click()
    expect(page).to_have_url(f"{platform.url}/petugas/")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Permohonan {number}")


def office_answer(page, label: str):
    """The cell with the applicant's answer ``label`` on the officer's page."""
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label)).get_by_role("cell").first


def act(page, action: str, *, note: str = "", flag: str = "") -> None:
    """Sends the officer's action form ``action`` (its fieldset's legend), with a note and a flagged answer."""
    form = page.get_by_role("group", name=action, exact=True)
    if flag:
        form.get_by_label(flag, exact=True).check()
    if note:
        form.get_by_role("textbox").fill(note)
    form.get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Tindakan dicatat: {action}.")


def mail_text(mailbox, platform, address: str, subject: str) -> str:
    """The text of the e-mail to ``address`` whose subject contains ``subject``; on failure, with the notifier's log."""
    try:
        message = mailbox.wait_for(address, MAIL_TIMEOUT_S, subject=subject)
    except pytest.fail.Exception as missing:
        pytest.fail(f"{missing}\nnotifier log:\n{platform.notifier_log.read_text(errors='replace')}", pytrace=False)
    return message.get_body(preferencelist=("plain",)).get_content()


def pass_on_and_approve(page, platform, number: str, approver: str) -> None:
    """The verifier, signed in on application ``number``, passes it on; ``approver`` signs in and approves it
    (the browser stays on the approved application)."""
    act(page, "Berkas lengkap, teruskan")
    sign_out(page, platform)
    sign_in(page, platform, approver)
    open_from_worklist(page, platform, number)
    act(page, "Setujui")
    expect(fact(page, "Status")).to_have_text("Disetujui")


def texted_link(platform, phone: str, path: str, timeout_s: float = PHONE_TIMEOUT_S) -> str:
    """The newest link under ``{platform.url}{path}`` in a message the gateway simulator delivered to ``phone`` (the
    simulated phone; ``platform.gateway``), waiting for it; on failure, with what the phone holds and the notifier's
    log."""
    wanted = re.compile(rf"{re.escape(platform.url + path)}\S*?/(?=\s|$|\))")
    deadline = time.monotonic() + timeout_s
    while True:
        received = platform.gateway.messages(to=phone)
        for message in received:  # newest first
            if found := wanted.search(message["text"]):
                return found.group(0)
        if time.monotonic() > deadline:
            texts = [message["text"] for message in received]
            log = platform.notifier_log.read_text(errors="replace")
            pytest.fail(f"no link to {path} reached {phone} within {timeout_s} s; it holds {texts}\n{log}", False)
        time.sleep(0.2)


def pay_on_bank_page(bank, platform, code: str, amount: str) -> None:
    """On the bank's page of the payment-network simulator (``bank``, a page of its own), pays the bill of virtual
    account or billing ``code``, checking it is for ``amount`` and unpaid."""
    bank.goto(f"{platform.paynet.url}/bank/")
    bank.get_by_label("Nomor virtual account atau kode billing").fill(code)
    bank.get_by_role("button", name="Cari tagihan").click()
    expect(bank.get_by_role("heading", level=1)).to_have_text("Tagihan")
    expect(bank.locator("#nomor-tagihan")).to_have_text(code)
    expect(bank.locator("#jumlah")).to_have_text(amount)
    expect(bank.locator("#status")).to_have_text("Belum dibayar")
    bank.get_by_role("button", name="Bayar", exact=True).click()
    expect(bank.get_by_role("heading", level=1)).to_have_text("Pembayaran berhasil")
    expect(bank.locator("#nomor-tagihan")).to_have_text(code)
