"""README's "What to click first", walked in order on a phone and on a desktop, with the labels the README names.

Items 1-12 as a citizen, the officers and the admin click them: Samarinda's page and a service standard, English
and back, the API's pilot regions, Siti's account, her birth certificate application and its receipt, the two
officers, her data-use log, /lacak/, her vault, /verify/ and the admin. Registration (5), single sign-on (7)
and the nurse's permit (11) are walked by their own tests: test_citizen_account.py, tests/sso and
test_practice_permit.py. On every page the walk shows, each link and button of the header is a 44 px touch
target; times carry the region's zone (WITA for Kota Samarinda).

It runs on the demo platform (see conftest.py); the fixtures fail it on any Content-Security-Policy violation.
"""

import re

import browser_steps as steps
import pytest
from playwright.sync_api import expect
from test_birth_certificate import (
    AGENCY,
    APPROVER,
    DEADLINE,
    HUSBAND,
    SAMARINDA,
    SERVICE,
    SITI,
    SITI_EMAIL,
    SITI_KK,
    TRACKING_NUMBER,
    VERIFIER,
)
from test_public_pages import STANDARD_COMPONENTS

from mpp.demo.accounts import DEMO_PASSWORD
from mpp.registry.nik import mask_nik

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
#: WCAG 2.5.5's target size, which the header promises (site.css) for every link and button.
TOUCH_TARGET_PX = 44
ZONE = "WITA"  # Kota Samarinda's (Asia/Makassar)
MANAGER = "pengelola.samarinda"
SITI_CHILDREN = 2  # the minors on her family card in the demo registry ("mother of two minors")
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
#: A child per walk, none of them test_birth_certificate.py's: the same child twice is a likely duplicate, and
#: an approved birth is written back to the registry.
CHILDREN = {"phone": "Nadia Putri Santoso", "desktop": "Salsa Putri Santoso"}


class HeaderTargets:
    """Measures the header's links and buttons (``header.top``) with ``bounding_box()``; remembers the pages it
    measured, so the walk can prove it measured every page the browser showed."""

    def __init__(self, page):
        self.page = page
        self.shown: list[str] = []
        self.measured: set[str] = set()
        page.on("framenavigated", lambda frame: self.shown.append(frame.url) if frame == page.main_frame else None)

    def measure(self) -> None:
        """Fails naming each visible control under 44 px high (or wide, when it has no text), the phone's menu
        opened for the measure and closed again."""
        header = self.page.locator("header.top")
        summary = header.locator("details.account-menu > summary")
        opened = summary.count() == 1 and summary.is_visible() and not _is_open(summary)
        if opened:
            summary.click()
        small = []
        for control in header.locator("a, button, summary").all():
            if not control.is_visible():
                continue
            box = control.bounding_box()
            text = control.inner_text().strip()
            name = text or control.get_attribute("aria-label") or control.evaluate("e => e.outerHTML")
            if round(box["height"], 1) < TOUCH_TARGET_PX:
                small.append(f"{name!r}: {box['height']:.1f} px high")
            if not text and round(box["width"], 1) < TOUCH_TARGET_PX:
                small.append(f"{name!r} (icon only): {box['width']:.1f} px wide")
        if opened:
            summary.click()
        assert not small, f"header targets under {TOUCH_TARGET_PX} px on {self.page.url}: " + "; ".join(small)
        self.measured.add(self.page.url)

    def assert_every_page_measured(self) -> None:
        """Fails naming the pages shown but not measured; the admin has Django's header, not ours."""
        shown = [url for url in dict.fromkeys(self.shown) if url != "about:blank" and "/admin/" not in url]
        missed = [url for url in shown if url not in self.measured]
        assert not missed, f"pages the walk showed without measuring the header: {missed}"


def _is_open(summary) -> bool:
    return summary.evaluate("summary => summary.parentElement.open")


def _assert_times_in_zone(page, where=None) -> None:
    """Every moment (a ``<time>`` with an hour, not a bare day) in ``where`` (the main part) ends in the zone."""
    times = (where or page.get_by_role("main")).locator("time")
    moments = [time.inner_text() for time in times.all() if "T" in (time.get_attribute("datetime") or "")]
    assert moments, f"no time shown on {page.url}"
    unlabelled = [moment for moment in moments if not moment.endswith(f" {ZONE}")]
    assert not unlabelled, f"times without {ZONE} on {page.url}: {unlabelled}"


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_the_readme_walk_works_as_written(screen, new_page, demo_platform, mailbox, assert_accessible, tmp_path):
    platform = demo_platform
    is_phone = screen == "phone"
    page = new_page(viewport=VIEWPORTS[screen])
    header = HeaderTargets(page)
    main = page.get_by_role("main")
    account = page.get_by_role("navigation", name="Akun")

    # 1. Type Samarinda in the region picker and open Kota Samarinda: its MPP, hours, counters, agencies, services.
    page.goto(f"{platform.url}/")
    header.measure()
    page.get_by_label("Cari kabupaten/kota").press_sequentially("Samarinda", delay=30)
    page.locator("#region-results").get_by_role("link", name="Kota Samarinda").click()
    expect(page).to_have_url(f"{platform.url}{SAMARINDA}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kota Samarinda")
    expect(main.locator(".mpp-card h2").first).not_to_be_empty()
    expect(main.locator(".mpp-card dt").filter(has_text=f"Jam layanan ({ZONE})").first).to_be_visible()
    expect(main.locator("details.counters > summary").first).to_have_text("Loket dan instansi")
    expect(page.get_by_role("heading", name=AGENCY, level=3)).to_be_visible()
    header.measure()
    assert_accessible(page)

    # 2. Penerbitan Akta Kelahiran: the 14 components of the standard, and what the state already holds.
    page.get_by_role("link", name=SERVICE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE)
    expect(page.get_by_role("heading", name="Standar pelayanan", level=2)).to_be_visible()
    expect(page.locator("ol.standard > li")).to_have_count(len(STANDARD_COMPONENTS))
    expect(steps.fact(page, "Data yang tidak perlu Anda serahkan")).to_have_text(
        re.compile(r"^[1-9]\d* dari \d+ persyaratan sudah dimiliki pemerintah")
    )
    service_url = page.url
    header.measure()
    assert_accessible(page)

    # 3. English in the header, Bahasa Indonesia back.
    page.get_by_role("banner").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(service_url)
    header.measure()
    page.get_by_role("banner").get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page).to_have_url(service_url)

    # 4. The API the README quotes: the 21 pilot regions of 2023.
    regions = page.request.get(f"{platform.url}/api/v1/regions?pilot=true")
    assert regions.ok, regions.status
    assert regions.json()["count"] == 21, regions.json()

    # 5-6. Masuk (Daftar is there for a new citizen); Siti signs in and sees her children and her data's use.
    account.get_by_role("link", name="Masuk").click()
    expect(page).to_have_url(f"{platform.url}/akun/masuk/")
    expect(main.get_by_role("link", name="Daftar", exact=True)).to_be_visible()
    header.measure()
    assert_accessible(page)
    steps.sign_in(page, platform, SITI)
    expect(page).to_have_url(f"{platform.url}/akun/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Akun saya")
    # The account menu: a "Menu" disclosure on a phone, inline links on a desktop.
    expect(account.locator("details > summary")).to_be_visible(visible=is_phone)
    if is_phone:
        expect(account.locator("details > summary")).to_have_text("Menu")
    else:
        expect(account.get_by_role("button", name="Keluar", exact=True)).to_be_visible()
    expect(main).to_contain_text(mask_nik(SITI))
    assert SITI not in main.inner_text()
    header.measure()
    main.get_by_role("link", name="Kuasa dan anggota keluarga").click()
    children = page.get_by_role("region", name="Anak di bawah umur pada KK Anda").get_by_role("listitem")
    expect(children.first).to_be_visible()
    assert children.count() >= SITI_CHILDREN  # more once a walk's birth certificate is written back to her KK
    header.measure()
    steps.account_menu(page).get_by_role("link", name="Akun saya").click()
    header.measure()
    main.get_by_role("link", name="Siapa yang menggunakan data saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Siapa yang menggunakan data saya")
    expect(main.get_by_role("status")).to_have_text(re.compile(r"^[1-9]\d* penggunaan tercatat\.$"))
    header.measure()
    assert_accessible(page)

    # 8. Kota Samarinda → Penerbitan Akta Kelahiran → Ajukan permohonan: she types only the child and the letter.
    page.goto(f"{platform.url}{SAMARINDA}")
    header.measure()
    page.get_by_role("link", name=SERVICE).click()
    header.measure()
    page.get_by_role("link", name="Ajukan permohonan").click()
    expect(page).to_have_url(re.compile(r"/layanan/[0-9a-f-]{36}/ajukan/$"))
    expect(page.locator(".field.locked").filter(has_text="Nomor KK tempat anak didaftarkan")).to_contain_text(SITI_KK)
    header.measure()
    letter = steps.tiny_pdf(tmp_path / "surat-lahir.pdf", f"walk on a {screen}")
    steps.fill_birth_certificate(page, CHILDREN[screen], letter)
    page.get_by_role("button", name="Kirim permohonan").click()

    # The receipt: the number, the deadline in working days (WITA), NIKs masked, and what happens next.
    expect(page).to_have_url(re.compile(rf"/permohonan/{TRACKING_NUMBER.pattern}/$"))
    number = TRACKING_NUMBER.search(page.url).group(0)
    link = page.url
    expect(page.get_by_role("status")).to_contain_text(f"Permohonan Anda diterima dengan nomor {number}.")
    expect(steps.fact(page, "Batas waktu")).to_have_text(DEADLINE)
    due = steps.fact(page, "Batas waktu").locator("time").inner_text()
    receipt = main.inner_text()
    # Siti and her husband by mask_nik only; the one full 16-digit number is her KK's, which is not a NIK.
    assert f"Anda sendiri · NIK {mask_nik(SITI)}" in receipt, receipt
    assert re.search(rf"{HUSBAND} · NIK \d{{6}}•{{6}}\d{{4}}", receipt), receipt
    assert set(SIXTEEN_DIGITS.findall(receipt)) <= {SITI_KK}, receipt
    next_steps = page.get_by_role("region", name="Apa selanjutnya")
    expect(next_steps).to_contain_text(f"paling lambat {due}.")
    expect(next_steps.get_by_role("link", name="Permohonan saya")).to_have_attribute("href", "/permohonan/")
    expect(next_steps.get_by_role("link", name="Lacak permohonan")).to_have_attribute("href", "/lacak/")
    expect(next_steps).to_contain_text(f"nomor {number} dan 4 angka terakhir NIK Anda, {SITI[-4:]}.")
    expect(next_steps.get_by_role("link", name="Brankas dokumen")).to_have_attribute("href", "/brankas/")
    _assert_times_in_zone(page)
    header.measure()
    assert_accessible(page)
    assert link in steps.mail_text(mailbox, platform, SITI_EMAIL, f"Permohonan {number} diterima")

    # Permohonan saya shows it, and its page every step.
    steps.account_menu(page).get_by_role("link", name="Permohonan saya").click()
    expect(page).to_have_url(f"{platform.url}/permohonan/")
    expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("Diproses")
    header.measure()
    page.get_by_role("link", name=number).click()
    expect(page).to_have_url(link)
    expect(page.get_by_role("heading", name="Riwayat")).to_be_visible()
    expect(page.locator("ol.timeline > li")).to_have_count(1)
    _assert_times_in_zone(page)
    header.measure()

    # 9. Keluar in the header; the verifier lands on Daftar kerja, takes it (Ambil) and passes it on.
    steps.sign_out(page, platform)
    header.measure()
    steps.sign_in(page, platform, VERIFIER)
    expect(page).to_have_url(f"{platform.url}/petugas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar kerja petugas")
    expect(account.locator('a[href="/petugas/"]')).to_have_text("Daftar kerja")  # the header's (maybe in Menu)
    header.measure()
    assert_accessible(page)
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Permohonan {number}")
    header.measure()
    page.get_by_role("button", name="Ambil").click()
    expect(steps.fact(page, "Ditangani")).to_have_text("oleh Anda")
    expect(page.get_by_role("group", name="Minta perbaikan", exact=True)).to_be_visible()  # the other way
    _assert_times_in_zone(page)
    header.measure()
    assert_accessible(page)
    steps.act(page, "Berkas lengkap, teruskan")
    steps.sign_out(page, platform)

    # kadis.samarinda lands on Daftar kerja too, and approves (Setujui): the signed result is issued.
    steps.sign_in(page, platform, APPROVER)
    expect(page).to_have_url(f"{platform.url}/petugas/")
    header.measure()
    page.get_by_role("link", name=number).click()
    steps.act(page, "Setujui")
    expect(steps.fact(page, "Status")).to_have_text("Disetujui")
    expect(page.get_by_role("region", name="Dokumen hasil")).to_be_visible()
    _assert_times_in_zone(page)
    header.measure()
    steps.sign_out(page, platform)
    header.measure()

    # Siti's data-use log names each officer who opened her application, by role and agency.
    steps.sign_in(page, platform, SITI)
    header.measure()
    steps.account_menu(page).get_by_role("link", name="Akun saya").click()
    header.measure()
    main.get_by_role("link", name="Siapa yang menggunakan data saya").click()
    uses = main.locator("section").filter(has=page.get_by_role("heading", name=re.compile(number)))
    expect(uses).to_contain_text(f"Oleh Verifikator · {AGENCY}")
    expect(uses).to_contain_text(f"Oleh Pejabat penyetuju · {AGENCY}")
    _assert_times_in_zone(page, uses)
    header.measure()

    # Anyone follows it at /lacak/ with the number and the last 4 digits of Siti's NIK.
    anyone = new_page(viewport=VIEWPORTS[screen])
    anyone_header = HeaderTargets(anyone)
    anyone.goto(f"{platform.url}/lacak/")
    expect(anyone.get_by_role("heading", level=1)).to_have_text("Lacak permohonan")
    anyone_header.measure()
    anyone.get_by_label("Nomor permohonan").fill(number)
    anyone.get_by_label("4 angka terakhir NIK pemohon").fill(SITI[-4:])
    anyone.get_by_role("button", name="Lacak", exact=True).click()
    expect(steps.fact(anyone, "Nomor permohonan")).to_have_text(number)
    expect(steps.fact(anyone, "Status")).to_have_text("Disetujui")
    _assert_times_in_zone(anyone)
    anyone_header.measure()
    assert_accessible(anyone)

    # 10. The kutipan in her Brankas; its verification page; the PDF checked at /verify/ with its timestamp.
    steps.account_menu(page).get_by_role("link", name="Brankas").click()
    expect(page).to_have_url(f"{platform.url}/brankas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Brankas dokumen")
    card = main.locator(".card").filter(has_text=number)  # the document's number carries the application's
    expect(card.get_by_role("heading")).to_contain_text(re.compile("akta kelahiran", re.IGNORECASE))
    header.measure()
    assert_accessible(page)
    with page.expect_download() as download:
        card.get_by_role("link", name="Unduh PDF").click()
    signed = tmp_path / "kutipan-akta-kelahiran.pdf"
    download.value.save_as(signed)
    card.get_by_role("link", name="Halaman verifikasi").click()
    expect(page).to_have_url(re.compile(r"/verify/[^/]+$"))
    expect(main.locator(".success-box")).to_contain_text("Sah.")
    assert not SIXTEEN_DIGITS.search(main.inner_text()), main.inner_text()  # a few fields, never a full NIK
    header.measure()
    assert_accessible(page)
    main.get_by_role("link", name="Periksa berkas PDF").click()
    expect(page).to_have_url(f"{platform.url}/verify/")
    header.measure()
    page.get_by_label("Berkas PDF yang akan diperiksa").set_input_files(signed)
    page.get_by_role("button", name="Periksa", exact=True).click()
    expect(main.locator(".success-box")).to_contain_text("Sah.")
    timestamp = main.locator("dt", has_text="Stempel waktu tepercaya").locator("xpath=following-sibling::dd[1]")
    expect(timestamp).to_contain_text(f" {ZONE} · dari otoritas stempel waktu")
    _assert_times_in_zone(page)
    header.measure()
    assert_accessible(page)
    steps.sign_out(page, platform)
    header.measure()

    # 12. The admin: the Samarinda manager sees Samarinda's services only.
    page.goto(f"{platform.url}/admin/")
    page.get_by_label("Nama pengguna").fill(MANAGER)
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)  # Django's own login form, in its own words
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{platform.url}/admin/")
    page.goto(f"{platform.url}/admin/catalog/service/")
    regions_shown = page.locator("td.field-region").all_inner_texts()
    assert regions_shown and set(regions_shown) == {"Kota Samarinda (64.72)"}, regions_shown

    header.assert_every_page_measured()
    anyone_header.assert_every_page_measured()
