"""A complaint (pengaduan) end to end: Siti complains about her birth-certificate application with a photo, the
MPP manager routes it to Disdukcapil, its complaint officer asks her for more, she answers (the clock runs
again), the officer resolves it, and she confirms and rates the handling.

It runs on the demo platform (see conftest.py): ``make run``'s accounts, the notifier sending every notice to
the test's SMTP server. The demo seed files complaints of its own (some of them Siti's): the test finds hers
by its number and title. Each key page is checked with axe-core; the fixtures fail the test on any
Content-Security-Policy violation.
"""

import re
from pathlib import Path

import browser_steps as steps
from playwright.sync_api import expect
from test_birth_certificate import AGENCY, SAMARINDA, SERVICE, SITI, SITI_EMAIL, TRACKING_NUMBER

MANAGER = "pengelola.samarinda"
OFFICER = "pengaduan.samarinda"
OFFICER_EMAIL = "pengaduan.samarinda@demo.mpp.go.id"
#: Not test_birth_certificate.py's nor the README walk's child: the same child twice is a likely duplicate.
CHILD = "Aisyah Putri Santoso"
COMPLAINT_NUMBER = re.compile(r"ADU-6472-\d{4}-[0-9A-Z]{8}")
#: A deadline: the end of a working day in Samarinda's zone.
DEADLINE = re.compile(r"^\d{1,2} \w+ \d{4}, 23\.59 WITA$")
CATEGORY = "Informasi layanan"
TITLE = "Loket meminta fotokopi KK untuk akta kelahiran"
DESCRIPTION = (
    "Saat saya bertanya di loket Disdukcapil MPP, petugas meminta fotokopi KK dan surat nikah, padahal di "
    "laman MPP Digital tertulis data itu diambil dari Dukcapil. Foto papan pengumuman di loket terlampir."
)
PHOTO = "papan-pengumuman-loket.jpg"
ROUTE_NOTE = "Disdukcapil menjelaskan persyaratan yang berlaku di loket."
QUESTION = "Di loket nomor berapa dan pada tanggal berapa Anda dilayani?"
ANSWER = "Loket 7, Senin pagi sekitar pukul 09.00 WITA."
ACTION_TAKEN = "Petugas loket 7 diberi pengarahan; papan pengumuman lama diturunkan."
REPLY = "Fotokopi KK tidak diperlukan: datanya diambil dari Dukcapil. Mohon maaf atas ketidaknyamanannya."
#: The reporter's timeline, filing to closing (each entry: who, and the status it led to).
TIMELINE = [
    "Pelapor · Diterima, menunggu verifikasi",
    "Pengelola MPP Kota Samarinda · Ditangani instansi",
    f"{AGENCY} · Menunggu keterangan pelapor",
    "Pelapor · Ditangani instansi",
    f"{AGENCY} · Selesai ditangani, menunggu konfirmasi pelapor",
    "Pelapor · Ditutup",
]


def _photo(path: Path) -> Path:
    """A small, real JPEG: a white notice board on a blue wall."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 120), (40, 70, 160))
    ImageDraw.Draw(image).rectangle((30, 20, 130, 100), fill=(250, 250, 245))
    image.save(path, format="JPEG", quality=85)
    return path


def _take_step(page, section: str, button: str, done: str, **fields: str) -> None:
    """Sends the officer's step form under the heading ``section``, its textboxes filled by label."""
    form = page.get_by_role("region", name=section)
    for label, value in fields.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(done)


def _open_from_complaints(page, platform) -> None:
    """The staff menu's complaint worklist, then the complaint by its title."""
    steps.account_menu(page).get_by_role("link", name="Pengaduan", exact=True).click()
    expect(page).to_have_url(f"{platform.url}/petugas/pengaduan/")
    page.get_by_role("link", name=TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_siti_complains_about_her_application_and_rates_the_answer_after_the_agency_asked_her_once(
    page, demo_platform, mailbox, assert_accessible, tmp_path
):
    platform = demo_platform
    main = page.get_by_role("main")
    photo = _photo(tmp_path / PHOTO)

    # 1. Siti signs in and applies for her newborn's birth certificate.
    steps.sign_in(page, platform, SITI)
    page.goto(f"{platform.url}{SAMARINDA}")
    page.get_by_role("link", name=SERVICE).click()
    page.get_by_role("link", name="Ajukan permohonan").click()
    steps.fill_birth_certificate(page, CHILD, steps.tiny_pdf(tmp_path / "surat-lahir.pdf", CHILD))
    page.get_by_role("button", name="Kirim permohonan").click()
    expect(page).to_have_url(re.compile(rf"/permohonan/{TRACKING_NUMBER.pattern}/$"))
    application = TRACKING_NUMBER.search(page.url).group(0)

    # 2. From the application she complains about it, with a photo: the application fixes the agency.
    main.get_by_role("link", name="Ajukan pengaduan", exact=True).click()
    expect(page).to_have_url(f"{platform.url}/pengaduan/baru/64.72/?permohonan={application}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajukan pengaduan")
    expect(main).to_contain_text(f"Tentang permohonan {application} ({SERVICE}, {AGENCY}).")
    expect(main.get_by_label("Instansi yang diadukan (opsional)")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("group", name="Kategori").get_by_label(CATEGORY, exact=True).check()
    page.get_by_label("Judul singkat").fill(TITLE)
    page.get_by_label("Uraian", exact=True).fill(DESCRIPTION)
    page.get_by_label("Lampiran: foto atau PDF (opsional, paling banyak 5)").set_input_files(photo)
    page.get_by_role("button", name="Kirim pengaduan").click()

    # The receipt: the number and the three deadlines, in working days.
    expect(page).to_have_url(re.compile(rf"/pengaduan/{COMPLAINT_NUMBER.pattern}/terkirim/$"))
    number = COMPLAINT_NUMBER.search(page.url).group(0)
    link = f"{platform.url}/pengaduan/{number}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Pengaduan terkirim")
    expect(page.get_by_role("status")).to_contain_text(f"Nomor pengaduan: {number}")
    for deadline in ("Diverifikasi paling lambat", "Ditanggapi paling lambat", "Diselesaikan paling lambat"):
        expect(steps.fact(page, deadline)).to_have_text(DEADLINE)
    page.screenshot(path=tmp_path / "receipt.png", full_page=True)
    assert_accessible(page)
    received = steps.mail_text(mailbox, platform, SITI_EMAIL, f"Pengaduan {number} diterima")
    assert f'"{TITLE}"' in received and link in received, received
    page.get_by_role("link", name="Lihat pengaduan").click()
    expect(page).to_have_url(link)
    expect(steps.fact(page, "Permohonan")).to_have_text(application)
    expect(page.locator("ol.timeline > li").first).to_contain_text(PHOTO)
    steps.sign_out(page, platform)

    # 3. The MPP manager finds it on the complaint worklist, reads the photo and routes it to Disdukcapil.
    steps.sign_in(page, platform, MANAGER)
    steps.account_menu(page).get_by_role("link", name="Pengaduan", exact=True).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE, exact=True))
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("Diterima, menunggu verifikasi")
    assert_accessible(page)
    row.get_by_role("link", name=TITLE, exact=True).click()
    expect(steps.fact(page, "Nomor pengaduan")).to_contain_text(number)
    expect(steps.fact(page, "Permohonan")).to_have_text(application)
    with page.expect_download() as download:
        page.locator("ol.timeline").get_by_role("link", name=PHOTO).click()
    assert Path(download.value.path()).read_bytes() == photo.read_bytes()
    page.screenshot(path=tmp_path / "officer-detail.png", full_page=True)
    assert_accessible(page)
    routing = page.get_by_role("region", name="Verifikasi dan teruskan ke instansi")
    expect(routing.get_by_label("Kategori", exact=True)).to_have_value("information")
    routing.get_by_label("Bobot").select_option(label="Biasa")
    routing.get_by_label("Instansi penanggung jawab").select_option(label=AGENCY)
    _take_step(
        page,
        "Verifikasi dan teruskan ke instansi",
        "Teruskan",
        "Pengaduan diteruskan ke instansi.",
        **{"Catatan untuk pelapor (opsional)": ROUTE_NOTE},
    )
    expect(steps.fact(page, "Status")).to_have_text("Ditangani instansi")
    routed = steps.mail_text(mailbox, platform, SITI_EMAIL, f"Pengaduan {number} diteruskan ke instansi")
    assert f"Diteruskan kepada {AGENCY}. {ROUTE_NOTE}" in routed and link in routed, routed
    steps.sign_out(page, platform)

    # 4. Disdukcapil's complaint officer asks Siti for more: the clock stops.
    steps.sign_in(page, platform, OFFICER)
    _open_from_complaints(page, platform)
    assert_accessible(page)
    _take_step(
        page,
        "Minta keterangan tambahan (waktu berhenti)",
        "Kirim pertanyaan",
        "Pertanyaan terkirim",
        **{"Tanggapan atau pertanyaan": QUESTION},
    )
    expect(steps.fact(page, "Status")).to_have_text("Menunggu keterangan pelapor")
    officer_link = page.url
    steps.sign_out(page, platform)

    # 5. Siti follows the e-mail's link and answers on her complaint's page: the clock runs again.
    asked = steps.mail_text(mailbox, platform, SITI_EMAIL, f"Pengaduan {number}: mohon keterangan tambahan")
    assert QUESTION in asked and link in asked, asked
    page.goto(link)
    steps.sign_in(page, platform, SITI)
    expect(page).to_have_url(link)
    expect(steps.fact(page, "Status")).to_have_text("Menunggu keterangan pelapor")
    expect(steps.fact(page, "Diselesaikan paling lambat")).to_contain_text("waktu berhenti sampai Anda menjawab")
    expect(page.locator("ol.timeline > li").last).to_contain_text(QUESTION)
    informing = page.get_by_role("region", name="Instansi meminta keterangan tambahan")
    informing.get_by_label("Keterangan tambahan").fill(ANSWER)
    page.screenshot(path=tmp_path / "inform.png", full_page=True)
    assert_accessible(page)
    informing.get_by_role("button", name="Kirim keterangan").click()
    expect(page).to_have_url(link)
    expect(page.get_by_role("status")).to_contain_text("Keterangan Anda terkirim. Waktu penyelesaian berjalan lagi.")
    expect(steps.fact(page, "Status")).to_have_text("Ditangani instansi")
    expect(steps.fact(page, "Diselesaikan paling lambat")).to_have_text(DEADLINE)
    expect(page.get_by_role("region", name="Instansi meminta keterangan tambahan")).to_have_count(0)
    steps.sign_out(page, platform)

    # 6. The officer is told (a confirmed address), reads the answer and resolves the complaint.
    informed = steps.mail_text(mailbox, platform, OFFICER_EMAIL, f"Pelapor menjawab pengaduan {number}")
    assert officer_link in informed, informed
    page.goto(officer_link)
    steps.sign_in(page, platform, OFFICER)
    expect(page).to_have_url(officer_link)
    expect(page.locator("ol.timeline > li").last).to_contain_text(ANSWER)
    _take_step(
        page,
        "Nyatakan selesai",
        "Nyatakan selesai",
        "Pengaduan dinyatakan selesai",
        **{"Tindakan yang dilakukan": ACTION_TAKEN, "Jawaban untuk pelapor": REPLY},
    )
    expect(steps.fact(page, "Status")).to_have_text("Selesai ditangani, menunggu konfirmasi pelapor")
    steps.sign_out(page, platform)

    # 7. Siti reads the answer, from her complaints beside her applications, confirms and rates it 4 of 4.
    resolved = steps.mail_text(mailbox, platform, SITI_EMAIL, f"Pengaduan {number} selesai ditangani")
    assert REPLY in resolved and link in resolved, resolved
    steps.sign_in(page, platform, SITI)
    steps.account_menu(page).get_by_role("link", name="Permohonan saya").click()
    mine = page.get_by_role("region", name="Pengaduan saya")
    expect(mine.get_by_role("listitem").filter(has_text=number)).to_contain_text(
        "Selesai ditangani, menunggu konfirmasi pelapor"
    )
    mine.get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(link)
    expect(main).to_contain_text(REPLY)
    expect(main).to_contain_text(f"Tindakan: {ACTION_TAKEN}")
    verdict = page.get_by_role("region", name="Konfirmasi penyelesaian")
    verdict.get_by_role("group", name="Apakah pengaduan Anda sudah selesai?").get_by_label("Ya, sudah selesai").check()
    verdict.get_by_role("group", name="Nilai penanganan pengaduan").get_by_label("4 — Sangat baik").check()
    page.screenshot(path=tmp_path / "verdict.png", full_page=True)
    assert_accessible(page)
    verdict.get_by_role("button", name="Kirim").click()
    expect(page).to_have_url(link)
    expect(page.get_by_role("status")).to_contain_text("Terima kasih. Pengaduan ditutup dengan penilaian Anda.")
    expect(steps.fact(page, "Status")).to_have_text("Ditutup")
    expect(steps.fact(page, "Nilai Anda")).to_have_text("4 / 4")
    expect(page.get_by_role("region", name="Konfirmasi penyelesaian")).to_have_count(0)
    expect(page.locator("ol.timeline > li")).to_have_text([re.compile(re.escape(entry)) for entry in TIMELINE])
    page.screenshot(path=tmp_path / "closed.png", full_page=True)
    assert_accessible(page)
