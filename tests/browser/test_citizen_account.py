"""A new citizen's account: registration checked against the registry, e-mail code, face verification, sign-in.

The live app talks to the Dukcapil simulator and a real SMTP server (see conftest.py). Registration is
rate-limited per IP (10/h) and per NIK (5/h) in the app's cache, which lives as long as the session's
server: keep the registration submits of the whole browser session few, and one NIK per test.
"""

import re
import uuid

from playwright.sync_api import expect

SITI = {"nik": "6472035204900001", "name": "Siti Rahmawati", "birth_date": "1990-04-12"}
DEWI = {"nik": "6472054211950001", "name": "Dewi Lestari", "birth_date": "1995-11-02"}
PASSWORD = "Anggrek-Senja-Mahakam-71"
CHALLENGES = {
    "Kedipkan mata beberapa kali": "blink",
    "Tolehkan kepala perlahan ke kiri": "turn_left",
    "Tolehkan kepala perlahan ke kanan": "turn_right",
}
FACE_CHECK_TIMEOUT_MS = 30_000  # the registry matches every frame and judges liveness: seconds, not milliseconds


def _unique_email(who: str) -> str:
    return f"{who}.{uuid.uuid4().hex[:12]}@contoh.id"


def _fill_registration(page, person: dict, *, name: str, email: str) -> None:
    page.get_by_label("NIK", exact=True).fill(person["nik"])
    page.get_by_label("Nama lengkap").fill(name)
    page.get_by_label("Tanggal lahir").fill(person["birth_date"])
    page.get_by_label("Alamat surel").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Daftar").click()


def _assert_fits_the_phone(page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways: {scroll_width}px > {inner_width}px"


def test_a_new_citizen_registers_confirms_verifies_her_face_and_signs_in(
    page, live_url, mailbox, face_sequences, assert_accessible, tmp_path
):
    page.goto(f"{live_url}/")
    page.get_by_role("navigation", name="Akun").get_by_role("link", name="Masuk").click()
    expect(page).to_have_url(f"{live_url}/akun/masuk/")
    page.get_by_role("main").get_by_role("link", name="Daftar").click()
    expect(page).to_have_url(f"{live_url}/akun/daftar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar akun MPP Digital")
    page.screenshot(path=tmp_path / "register.png", full_page=True)
    _assert_fits_the_phone(page)
    assert_accessible(page)

    email = _unique_email("siti")
    _fill_registration(page, SITI, name=SITI["name"], email=email)

    expect(page).to_have_url(f"{live_url}/akun/konfirmasi-surel/")
    expect(page.get_by_role("main")).to_contain_text(email)
    page.screenshot(path=tmp_path / "confirm-email.png", full_page=True)
    assert_accessible(page)
    page.get_by_label("Kode 6 digit").fill(mailbox.code_for(email, timeout=10))
    page.get_by_role("button", name="Konfirmasi", exact=True).click()

    expect(page).to_have_url(f"{live_url}/akun/")
    expect(page.locator(".level")).to_have_text("NIK terverifikasi")
    expect(page.get_by_role("main")).to_contain_text("SITI RAHMAWATI")  # the registry's data, not what she typed
    page.screenshot(path=tmp_path / "account.png", full_page=True)
    _assert_fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("link", name="Verifikasi wajah").click()
    expect(page).to_have_url(f"{live_url}/akun/wajah/")
    instruction = page.locator("#challenge-text").inner_text().strip()
    assert instruction in CHALLENGES, f"unknown liveness instruction {instruction!r}"
    frames = getattr(face_sequences, CHALLENGES[instruction])
    page.locator("#id_frames").set_input_files(
        [
            {"name": f"wajah-{index}.jpg", "mimeType": "image/jpeg", "buffer": frame}
            for index, frame in enumerate(frames, start=1)
        ]
    )
    page.screenshot(path=tmp_path / "face.png", full_page=True)
    _assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_role("button", name="Kirim foto").click()

    expect(page).to_have_url(f"{live_url}/akun/", timeout=FACE_CHECK_TIMEOUT_MS)
    expect(page.locator(".level")).to_have_text("Wajah terverifikasi")
    expect(page.get_by_role("link", name="Verifikasi wajah")).to_have_count(0)
    page.screenshot(path=tmp_path / "account-face-verified.png", full_page=True)

    page.get_by_role("navigation", name="Akun").locator("summary").click()  # the header's menu, on a phone
    page.get_by_role("navigation", name="Akun").get_by_role("button", name="Keluar", exact=True).click()
    expect(page).to_have_url(f"{live_url}/akun/masuk/")
    expect(page.get_by_role("status")).to_have_text("Anda sudah keluar.")
    expect(page.get_by_role("navigation", name="Akun").get_by_role("link", name="Masuk")).to_be_visible()

    page.get_by_label("NIK, e-mail, atau nama pengguna").fill(SITI["nik"])
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{live_url}/akun/")
    expect(page.locator(".level")).to_have_text("Wajah terverifikasi")
    expect(page.get_by_role("main")).to_contain_text("SITI RAHMAWATI")


def test_a_wrong_name_gets_a_clear_error_and_keeps_the_input(page, live_url, assert_accessible, tmp_path):
    page.goto(f"{live_url}/akun/daftar/")
    _fill_registration(page, DEWI, name="Dewi Lestari Wulandari", email=_unique_email("dewi"))

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Data tidak cocok dengan data kependudukan")
    expect(page.get_by_label("NIK", exact=True)).to_have_value(DEWI["nik"])
    expect(page.get_by_label("Nama lengkap")).to_have_value("Dewi Lestari Wulandari")
    expect(page).to_have_url(re.compile(r"/akun/daftar/$"))
    page.screenshot(path=tmp_path / "register-wrong-name.png", full_page=True)
    assert_accessible(page)


def test_field_errors_are_read_out_with_their_field(page, live_url, assert_accessible, tmp_path):
    page.goto(f"{live_url}/akun/daftar/")
    page.get_by_label("NIK", exact=True).fill("123")
    page.get_by_role("button", name="Daftar").click()  # an invalid form: no registry call, no rate-limit count

    nik = page.get_by_label("NIK", exact=True)
    expect(nik).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=tmp_path / "register-field-errors.png", full_page=True)
    assert_accessible(page)  # axe-core does not catch the dangling references below
    dangling = page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap((el) =>
            el.getAttribute('aria-describedby').split(/\\s+/)
              .filter((id) => id && !document.getElementById(id))
              .map((id) => `#${el.id} -> #${id}`))"""
    )
    assert not dangling, f"aria-describedby names elements that do not exist: {dangling}"
    expect(nik).to_have_accessible_description(re.compile("paling sedikit 16 karakter"))
