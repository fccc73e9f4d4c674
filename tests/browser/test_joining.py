"""A kabupaten joins MPP Digital (issue #13), end to end on a phone: request, designation, agreement, access.

Kabupaten Kutai Kartanegara (64.02, not a pilot) asks to join at /bergabung/ with its official letter and its
readiness; its contact gets the tracking link by e-mail. The ministry returns the request with a note, the
contact completes it through that link, and the ministry scores the readiness checklist and designates the
region. The region's official is invited by e-mail, activates the account, signs the agreement for the region;
the ministry countersigns. The agreement PDF checks at /verify/ with its two signatures. The planned manager is
invited in turn, activates the account and adopts two more national services; the region's public page and
the public list show it active.

It runs on the demo platform (see conftest.py): the ministry's demo account, the demo CA and its trust services
signing and timestamping the agreement, the notifier sending every e-mail to the test's SMTP server. Each key
page is checked with axe-core; the fixtures fail the test on any Content-Security-Policy violation.
"""

import datetime as dt
import re
from pathlib import Path

import browser_steps as steps
from playwright.sync_api import expect

KUKAR = "64.02"
KUKAR_NAME = "Kabupaten Kutai Kartanegara"
PROVINCE = "64"  # Kalimantan Timur
MINISTRY = "kemenpanrb"
OFFICIAL = "Drs. Edi Damansyah"
CONTACT_EMAIL = "dpmptsp@kukar.example.test"
MANAGER_NAME = "Rina Kusuma"
MANAGER_EMAIL = "pengelola@kukar.example.test"
#: The request's two questions answered by ticking (a group each, named by its question).
DUKCAPIL_PKS = "Perjanjian kerja sama (PKS) akses data dengan Dukcapil"
FIRST_SERVICES_QUESTION = "Layanan yang pertama diselenggarakan"
FIRST_SERVICES = ("Penerbitan Akta Kelahiran", "Penerbitan Kartu Keluarga (Baru atau Perubahan Data)")
ADOPTED = ("Penerbitan Akta Kematian", "Penerbitan Kartu Identitas Anak (KIA)")
RETURN_NOTE = "Lampirkan SK tim pengelola MPP dan perbarui jumlah petugas terlatih."
DECREE = "B/123/DP.00.00/2026"
CRITERIA = (
    "Infrastruktur (jaringan, perangkat, ruang MPP)",
    "Informasi umum layanan",
    "Antrean",
    "Konsultasi dan pengaduan",
    "Survei kepuasan masyarakat (SKM)",
    "Pelaporan kinerja",
    "Pemrosesan dan pelacakan dokumen",
    "Komitmen pimpinan daerah",
    "Platform",
    "Keberlanjutan",
    "Keamanan",
    "Uji coba pengguna",
)
#: Passwords the invited staff choose on their activation page (the demo password is for the demo accounts).
OFFICIAL_PASSWORD = "Kukar-ttd-2026-aman"
MANAGER_PASSWORD = "Kukar-kelola-2026-aman"
INVITATION = "Undangan akun MPP Digital"
ACTIVE_SINCE = re.compile(r"MPP Digital aktif sejak \d{1,2} \w+ \d{4}")


def _letter(path: Path, title: str) -> Path:
    """A one-page official letter as a real PDF, rendered with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(72, 770, "PEMERINTAH KABUPATEN KUTAI KARTANEGARA")
    pdf.drawString(72, 740, title)
    pdf.drawString(72, 710, f"{OFFICIAL}, Bupati Kutai Kartanegara")
    pdf.save()
    return path


def _link_in(text: str) -> str:
    """The one link of an e-mail (the sentence's full stop after it is not part of it)."""
    match = re.search(r"https?://\S+", text)
    assert match, f"no link in the e-mail:\n{text}"
    return match.group(0).rstrip(".")


def _username_in(invitation: str) -> str:
    match = re.search(r"Nama pengguna Anda: (\S+?)\.\s", invitation)
    assert match, f"no username in the invitation:\n{invitation}"
    return match.group(1)


def _activate(page, platform, invitation: str, password: str, assert_accessible) -> str:
    """Opens the invitation's one-time link, sets the password and signs in; returns the username."""
    username = _username_in(invitation)
    page.goto(_link_in(invitation))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktifkan akun")
    expect(page.get_by_role("main")).to_contain_text(f"Nama pengguna Anda: {username}.")
    assert_accessible(page)
    page.get_by_label("Sandi baru", exact=True).fill(password)
    page.get_by_label("Konfirmasi sandi baru", exact=True).fill(password)
    page.get_by_role("button", name="Aktifkan akun").click()
    expect(page).to_have_url(f"{platform.url}/akun/masuk/")
    expect(page.get_by_role("status")).to_contain_text(f"Akun Anda aktif. Masuk dengan nama pengguna {username}")
    steps.sign_in(page, platform, username, password)
    return username


def test_kutai_kartanegara_asks_to_join_is_designated_signs_and_goes_live(
    new_page, demo_platform, mailbox, assert_accessible, tmp_path
):
    platform = demo_platform
    letter = _letter(tmp_path / "surat-permohonan.pdf", "Surat permohonan bergabung MPP Digital")
    completed_letter = _letter(tmp_path / "surat-permohonan-lengkap.pdf", "Surat permohonan (dilengkapi SK tim)")

    # 1. The region's contact fills the request in, every field, and is sent to the tracking page.
    contact = new_page()
    contact.goto(f"{platform.url}/bergabung/")
    expect(contact.get_by_role("heading", level=1)).to_have_text("Permohonan bergabung MPP Digital")
    assert_accessible(contact)
    contact.get_by_label("Kode wilayah kabupaten/kota").fill(KUKAR)
    contact.get_by_label("Nama pejabat pemohon").fill(OFFICIAL)
    contact.get_by_label("Jabatan", exact=True).fill("Bupati Kutai Kartanegara")
    contact.get_by_label("Surat permohonan resmi (PDF, maks. 5 MB)").set_input_files(letter)
    contact.get_by_label("Surel kontak").fill(CONTACT_EMAIL)
    contact.get_by_label("Telepon kontak").fill("0541 661234")
    contact.get_by_label("Bandwidth internet di MPP (Mbps)").fill("100")
    contact.get_by_label("Jumlah loket layanan").fill("24")
    contact.get_by_label("Jumlah petugas yang sudah dilatih").fill("30")
    contact.get_by_role("group", name=DUKCAPIL_PKS).get_by_label("Ya, sudah ada").check()
    first_services = contact.get_by_role("group", name=FIRST_SERVICES_QUESTION)
    expect(first_services).to_have_accessible_description("Pilih dari templat layanan nasional.")
    for service in FIRST_SERVICES:
        first_services.get_by_label(service, exact=True).check()
    contact.get_by_label("Nama calon pengelola MPP Digital").fill(MANAGER_NAME)
    contact.get_by_label("Jabatan calon pengelola").fill("Kepala Bidang Pelayanan DPMPTSP")
    contact.get_by_label("Surel dinas calon pengelola").fill(MANAGER_EMAIL)
    contact.get_by_role("button", name="Kirim permohonan").click()
    expect(contact).to_have_url(re.compile(r"/bergabung/[\w-]{20,}/$"))
    tracking_url = contact.url
    expect(contact.get_by_role("status")).to_contain_text("Permohonan diterima.")
    expect(contact.get_by_role("heading", level=1)).to_have_text(f"Permohonan bergabung {KUKAR_NAME}")
    expect(steps.fact(contact, "Tahap")).to_contain_text("Permohonan diajukan")
    expect(steps.fact(contact, "Layanan pertama")).to_have_text("; ".join(FIRST_SERVICES))
    expect(steps.fact(contact, "Kesiapan (penilaian mandiri)")).to_have_text(
        "100 Mbps · 24 loket · 30 petugas terlatih · PKS Dukcapil: sudah"
    )
    assert_accessible(contact)
    received = steps.mail_text(mailbox, platform, CONTACT_EMAIL, f"Permohonan bergabung MPP Digital {KUKAR_NAME}")
    assert _link_in(received) == tracking_url, received

    # 2. The ministry opens the request from its queue and returns it with a note.
    ministry = new_page()
    ministry.goto(f"{platform.url}/kementerian/bergabung/")
    steps.sign_in(ministry, platform, MINISTRY)  # the sign-in page brings it back to the queue
    expect(ministry).to_have_url(f"{platform.url}/kementerian/bergabung/")
    expect(ministry.get_by_role("heading", level=1)).to_have_text("Permohonan bergabung")
    assert_accessible(ministry)
    ministry.get_by_role("link", name=KUKAR_NAME, exact=True).click()
    expect(ministry.get_by_role("heading", level=1)).to_have_text(KUKAR_NAME)
    review_url = ministry.url
    expect(ministry.get_by_role("link", name="Surat permohonan (PDF)")).to_be_visible()
    assert_accessible(ministry)
    returning = ministry.get_by_role("region", name="Kembalikan untuk dilengkapi")
    returning.get_by_label("Alasan atau keterangan yang diminta").fill(RETURN_NOTE)
    returning.get_by_role("button", name="Kembalikan").click()
    expect(ministry.get_by_role("status")).to_have_text("Dikembalikan untuk dilengkapi")
    expect(steps.fact(ministry, "Tahap")).to_contain_text("Dikembalikan untuk dilengkapi")

    # The contact gets the note by e-mail and, through the tracking link, completes the request and sends it back.
    returned = steps.mail_text(mailbox, platform, CONTACT_EMAIL, "perlu dilengkapi")
    assert RETURN_NOTE in returned and _link_in(returned) == tracking_url, returned
    contact.goto(tracking_url)
    expect(steps.fact(contact, "Catatan kementerian")).to_have_text(RETURN_NOTE)
    completing = contact.get_by_role("region", name="Lengkapi dan kirim kembali")
    expect(completing.get_by_label("Surel kontak")).to_have_value(CONTACT_EMAIL)  # what was sent stays filled in
    for service in FIRST_SERVICES:
        expect(completing.get_by_role("group", name=FIRST_SERVICES_QUESTION).get_by_label(service)).to_be_checked()
    expect(completing.get_by_role("group", name=DUKCAPIL_PKS).get_by_label("Ya, sudah ada")).to_be_checked()
    assert_accessible(contact)
    completing.get_by_label("Surat permohonan resmi yang baru (PDF, bila ada)").set_input_files(completed_letter)
    completing.get_by_label("Jumlah petugas yang sudah dilatih").fill("36")
    completing.get_by_role("button", name="Kirim kembali").click()
    expect(contact.get_by_role("status")).to_have_text("Permohonan dikirim kembali ke Kementerian PANRB.")
    expect(steps.fact(contact, "Tahap")).to_contain_text("Permohonan diajukan")
    expect(steps.fact(contact, "Kesiapan (penilaian mandiri)")).to_contain_text("36 petugas terlatih")

    # The ministry scores every criterion of the checklist and designates the region with its decree.
    ministry.goto(review_url)
    expect(steps.fact(ministry, "Tahap")).to_contain_text("Permohonan diajukan")
    for criterion in CRITERIA:
        ministry.get_by_label(criterion, exact=True).select_option(label="Terpenuhi")
    ministry.get_by_label("Uji coba pengguna", exact=True).select_option(label="Sebagian")
    ministry.get_by_label("Catatan: Uji coba pengguna").fill("Uji coba dengan warga dijadwalkan bulan depan.")
    ministry.get_by_label("Nomor keputusan penetapan lokus").fill(DECREE)
    ministry.get_by_label("Tanggal keputusan").fill(dt.date.today().isoformat())
    ministry.get_by_role("button", name="Tetapkan lokus dan siapkan perjanjian").click()
    expect(ministry.get_by_role("status")).to_have_text("Ditetapkan sebagai lokus")
    expect(steps.fact(ministry, "Tahap")).to_contain_text("Ditetapkan sebagai lokus, menunggu tanda tangan daerah")
    expect(steps.fact(ministry, "Keputusan penetapan lokus")).to_contain_text(DECREE)
    expect(ministry.get_by_role("main").locator("details > summary")).to_have_text(
        "Daftar periksa kesiapan: 11 terpenuhi, 1 sebagian, 0 belum"
    )
    assert_accessible(ministry)

    # 3. The region's official is invited at the contact address, activates the account and signs for the region.
    invitation = steps.mail_text(mailbox, platform, CONTACT_EMAIL, INVITATION)
    official = new_page()
    username = _activate(official, platform, invitation, OFFICIAL_PASSWORD, assert_accessible)
    assert username == "pejabat.kutaikartanegara", invitation
    official.goto(f"{platform.url}/daerah/perjanjian/")  # its only agreement opens directly
    expect(official).to_have_url(re.compile(r"/daerah/perjanjian/[0-9a-f-]{36}/$"))
    expect(official.get_by_role("heading", level=1)).to_have_text("Perjanjian pelaksanaan")
    expect(official.get_by_role("main")).to_contain_text(f"/PKS-MPPD/{KUKAR}/")
    assert_accessible(official)
    official.get_by_role("button", name="Tandatangani perjanjian").click()
    expect(official.get_by_role("status")).to_contain_text("Perjanjian ditandatangani untuk daerah.")
    expect(official.get_by_role("main")).to_contain_text("Sudah Anda tandatangani. Menunggu tanda tangan")

    # The ministry countersigns: the agreement is in force and the region active.
    ministry.goto(review_url)
    sign = ministry.get_by_role("region", name="Tanda tangan kementerian")
    expect(sign).to_contain_text(f"Atas nama Pemerintah {KUKAR_NAME}")
    sign.get_by_role("button", name="Tandatangani atas nama Kementerian PANRB").click()
    expect(ministry.get_by_role("status")).to_have_text("Perjanjian ditandatangani kementerian: aktif")
    expect(steps.fact(ministry, "Tahap")).to_contain_text("MPP Digital aktif")
    active = steps.mail_text(mailbox, platform, CONTACT_EMAIL, f"MPP Digital {KUKAR_NAME} aktif")
    assert "ditandatangani kedua pihak" in active, active

    # 4. The agreement's PDF, downloaded from the review page, checks at /verify/ with both signatures.
    link = ministry.get_by_role("link", name="Perjanjian (PDF)")
    response = ministry.request.get(f"{platform.url}{link.get_attribute('href')}")
    assert response.ok and response.headers["content-type"] == "application/pdf", response.headers
    agreement = tmp_path / "perjanjian-kukar.pdf"
    agreement.write_bytes(response.body())
    anyone = new_page()
    anyone.goto(f"{platform.url}/verify/")
    expect(anyone.get_by_role("heading", level=1)).to_have_text("Periksa berkas PDF")
    anyone.get_by_label("Berkas PDF yang akan diperiksa").set_input_files(agreement)
    anyone.get_by_role("button", name="Periksa", exact=True).click()
    verdict = anyone.get_by_role("main")
    expect(verdict.locator(".success-box")).to_contain_text("Sah.")
    expect(verdict.get_by_role("heading", name="2 tanda tangan")).to_be_visible()
    signatures = verdict.locator("ol.signature-list > li")
    expect(signatures).to_have_count(2)
    for signature in signatures.all():
        expect(signature.locator("strong")).to_have_text("Sah")
    expect(signatures.nth(0)).to_contain_text(f"Atas nama Pemerintah {KUKAR_NAME}")
    expect(signatures.nth(1)).to_contain_text("Atas nama Kementerian PANRB")
    assert_accessible(anyone)

    # 5. The planned manager is invited, activates the account and adopts two more national services.
    invitation = steps.mail_text(mailbox, platform, MANAGER_EMAIL, INVITATION)
    manager = new_page()
    username = _activate(manager, platform, invitation, MANAGER_PASSWORD, assert_accessible)
    assert username == "pengelola.kutaikartanegara", invitation
    expect(manager).to_have_url(f"{platform.url}/pengelola/")  # a manager's first page
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Pengelola MPP Digital · {KUKAR_NAME}")
    expect(manager.get_by_role("main").locator(".success-box")).to_have_text(ACTIVE_SINCE)
    offered = manager.get_by_role("region", name="Layanan daerah Anda")
    for service in FIRST_SERVICES:  # adopted when the agreement came into force
        expect(offered.get_by_role("link", name=service, exact=True)).to_be_visible()
    assert_accessible(manager)
    for service in ADOPTED:
        manager.get_by_role("button", name=f"Terapkan {service}", exact=True).click()
        expect(manager.get_by_role("status")).to_have_text(f"{service} kini tersedia di MPP Digital daerah Anda.")
    expect(offered.get_by_role("listitem")).to_have_count(len(FIRST_SERVICES) + len(ADOPTED))
    for service in ADOPTED:
        expect(offered.get_by_role("link", name=service, exact=True)).to_be_visible()
        expect(manager.get_by_role("button", name=f"Terapkan {service}", exact=True)).to_have_count(0)
    assert_accessible(manager)

    # 6. Anyone sees the region live on its public page and in the public list.
    anyone.goto(f"{platform.url}/wilayah/{KUKAR}/")
    expect(anyone.get_by_role("heading", level=1)).to_have_text(KUKAR_NAME)
    expect(anyone.get_by_role("main")).to_contain_text(ACTIVE_SINCE)
    for service in (*FIRST_SERVICES, *ADOPTED):
        expect(anyone.get_by_role("link", name=service, exact=True)).to_be_visible()
    assert_accessible(anyone)
    anyone.get_by_role("main").get_by_role("link", name="Daftar daerah MPP Digital").click()
    expect(anyone).to_have_url(f"{platform.url}/daerah-mpp-digital/")
    anyone.get_by_label("Provinsi").select_option(value=PROVINCE)
    anyone.get_by_label("Tahap", exact=True).select_option(label="MPP Digital aktif")
    anyone.get_by_role("button", name="Tampilkan").click()
    row = anyone.get_by_role("row").filter(has=anyone.get_by_role("rowheader", name=KUKAR_NAME))
    expect(row).to_contain_text(re.compile(r"Kalimantan Timur", re.IGNORECASE))
    expect(row).to_contain_text(re.compile(r"MPP Digital aktif · sejak \d{1,2} \w+ \d{4}"))
    assert_accessible(anyone)
