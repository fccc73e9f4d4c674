"""A kelurahan's letter and the agencies' own systems, as README items 20 and 21 walk them, in Samarinda.

Siti asks her kelurahan, Air Putih, for the surat pengantar she needs for an SKCK. Her RT head gets a one-time link
by WhatsApp (the gateway simulator's phone), opens it on his own phone without an account and gives his
introduction; the kelurahan's officer checks the application and the lurah signs the letter, which lands in her
vault. She then applies for the SKCK in Kota Samarinda: the letter is taken from her vault, not uploaded again; she
pays the Rp30.000 fee on her bank's page, the application is forwarded to Polri's SKCK system (the agency
simulator), and the statuses it sends back appear on her page. The SIM renewal is handed over: she applies on
Korlantas's own portal (the agency simulator's), signed in with MPP Digital after the consent screen, and the case
appears among her applications with its statuses. The MPP manager's page of the connected systems shows them.

It runs on ``connected_platform`` (see conftest.py): the demo platform with the gateway and the Polri and Korlantas
simulators, as ``make run`` starts them. The village page, the RT head's page and the connector health page (and
the other pages a person reads here) are checked with axe-core; the fixtures fail a test on any
Content-Security-Policy violation.
"""

import hashlib
import re
from pathlib import Path

import browser_steps as steps
from playwright.sync_api import expect

from mpp.demo.villages import HEADS

SITI = "6472035204900001"
SITI_NAME = "SITI RAHMAWATI"
SAMARINDA = "/wilayah/64.72/"
VILLAGE = "Kelurahan Air Putih"
VILLAGE_PAGE = "/wilayah/64.72.03.1004/"
LURAH = "Andi Firmansyah, S.STP."
VILLAGE_OFFICER = "petugas.airputih"
VILLAGE_HEAD = "lurah.airputih"
#: Siti's RT head (RT 014/RW 005 in the registry's address, the kelurahan's directory has his number).
_KIND, RW, RT, RT_HEAD_NAME, RT_HEAD_PHONE = next(head for head in HEADS if head[:3] == ("rt", "005", "014"))
RT_HEAD = f"Ketua RT {RT}/RW {RW}"
LETTER = "Surat Pengantar untuk SKCK"
LETTER_TITLE = "SURAT PENGANTAR SKCK"
LETTER_FIELD = "Surat pengantar dari desa/kelurahan"
PURPOSE = "Melamar pekerjaan di rumah sakit"
PHOTO = "Pas foto berwarna terbaru"
SKCK = "Penerbitan Surat Keterangan Catatan Kepolisian (SKCK)"
SKCK_FEE = "Rp30.000"
POLRI = "SKCK Online Polresta Samarinda"
SIM = "Perpanjangan Surat Izin Mengemudi (SIM)"
KORLANTAS = "SIM Online Korlantas"
MANAGER = "pengelola.samarinda"
TRACKING_NUMBER = re.compile(r"6472-\d{4}-[0-9A-Z]{8}")
#: How long an agency system may take to send its statuses back (its delays are a second each: see conftest.py).
AGENCY_TIMEOUT_S = 45


def _photo(path: Path) -> Path:
    """A small, valid PNG: a 4x6 passport photo on a plain red background."""
    from PIL import Image

    Image.new("RGB", (80, 120), (200, 30, 30)).save(path, format="PNG")
    return path


def _status_updates(case: dict) -> list[tuple[str, str, int]]:
    """An agency simulator's case's status updates as (status, delivery state, attempts), in order."""
    return [(update["status"], update["state"], update["attempts"]) for update in case["status_updates"]]


def test_siti_gets_her_kelurahans_letter_through_her_rt_head_and_applies_for_an_skck_with_it(
    page, new_page, connected_platform, assert_accessible, tmp_path
):
    platform = connected_platform
    main = page.get_by_role("main")

    # (a) Siti signs in and finds her kelurahan from her city's page: its lurah and the letters it issues online.
    steps.sign_in(page, platform, SITI)
    page.goto(f"{platform.url}{SAMARINDA}")
    page.get_by_role("link", name=re.compile(r"desa dan kelurahan$")).click()
    expect(page).to_have_url(f"{platform.url}/wilayah/64.72/desa/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Desa dan kelurahan di Kota Samarinda")
    page.get_by_role("link", name=VILLAGE, exact=True).click()
    expect(page).to_have_url(f"{platform.url}{VILLAGE_PAGE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(VILLAGE)
    expect(main).to_contain_text(LURAH)
    letter_item = main.get_by_role("listitem").filter(has=page.get_by_role("heading", name=LETTER))
    expect(letter_item).to_contain_text("Pengantar RT/RW diminta daring")
    page.screenshot(path=tmp_path / "village.png", full_page=True)
    assert_accessible(page)

    # She asks for the surat pengantar: who she is comes from the registry; she types only what it is for.
    letter_item.get_by_role("link", name=LETTER).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LETTER)
    page.get_by_role("link", name="Ajukan permohonan").click()
    expect(page).to_have_url(re.compile(r"/layanan/[0-9a-f-]{36}/ajukan/$"))
    locked = page.locator(".field.locked")
    expect(locked.filter(has=page.locator(".label", has_text=re.compile("^Nama$"))).locator(".value")).to_have_text(
        SITI_NAME
    )
    address = locked.filter(has=page.locator(".label", has_text="Alamat sesuai KTP-el")).locator(".value")
    expect(address).to_contain_text(f"RT {RT}/RW {RW}, Air Putih")
    page.get_by_label("Keperluan SKCK").fill(PURPOSE)
    page.get_by_label("Data yang saya isi benar").check()
    page.get_by_role("button", name="Kirim permohonan").click()

    # Her application waits for her RT head's introduction, asked by a one-time link to his phone.
    expect(page).to_have_url(re.compile(rf"/permohonan/{TRACKING_NUMBER.pattern}/$"))
    letter_number = TRACKING_NUMBER.search(page.url).group(0)
    letter_link = page.url
    expect(page.get_by_role("status")).to_contain_text(f"Permohonan Anda diterima dengan nomor {letter_number}.")
    expect(steps.fact(page, "Status")).to_have_text("Menunggu pengantar RT/RW")
    waiting = page.get_by_role("region", name="Menunggu pengantar RT/RW")
    expect(waiting).to_contain_text(f"Tautan pengantar dikirim ke {RT_HEAD} ({RT_HEAD_NAME}, 0812****514)")
    page.screenshot(path=tmp_path / "letter-waiting-introduction.png", full_page=True)
    assert_accessible(page)

    # (b) The link reaches the RT head's phone by WhatsApp; he opens it, no account, and gives the introduction.
    introduction_link = steps.texted_link(platform, RT_HEAD_PHONE, "/pengantar/")
    [message] = [m for m in platform.gateway.messages(to=RT_HEAD_PHONE) if introduction_link in m["text"]]
    assert message["channel"] == "whatsapp", message
    assert SITI_NAME in message["text"] and letter_number in message["text"], message
    head = new_page()
    head.goto(introduction_link)
    expect(head.get_by_role("heading", level=1)).to_have_text("Permintaan pengantar RT/RW")
    expect(head.get_by_role("main")).to_contain_text(f"Yth. {RT_HEAD}, Bapak/Ibu {RT_HEAD_NAME}:")
    expect(steps.fact(head, "Pemohon")).to_have_text(SITI_NAME)
    expect(steps.fact(head, "Surat yang diminta")).to_have_text(LETTER)
    expect(steps.fact(head, "Nomor permohonan")).to_have_text(letter_number)
    head.screenshot(path=tmp_path / "rt-head-link.png", full_page=True)
    assert_accessible(head)
    head.get_by_role("button", name="Beri pengantar", exact=True).click()
    expect(head.get_by_role("status")).to_have_text(
        "Pengantar Anda tercatat. Permohonan diteruskan ke kantor desa/kelurahan."
    )
    page.reload()
    expect(steps.fact(page, "Status")).to_have_text("Diproses")
    expect(page.locator("ol.timeline")).to_contain_text("pengantar RT/RW diberikan")
    steps.sign_out(page, platform)

    # (c) The kelurahan's officer checks it and passes it on; the lurah signs the letter.
    steps.sign_in(page, platform, VILLAGE_OFFICER)
    steps.open_from_worklist(page, platform, letter_number)
    expect(steps.office_answer(page, "Keperluan SKCK")).to_have_text(PURPOSE)
    steps.act(page, "Data sesuai, teruskan untuk ditandatangani")
    steps.sign_out(page, platform)
    steps.sign_in(page, platform, VILLAGE_HEAD)
    steps.open_from_worklist(page, platform, letter_number)
    steps.act(page, "Tandatangani surat")
    expect(steps.fact(page, "Status")).to_have_text("Disetujui")
    steps.sign_out(page, platform)

    # The signed letter is issued: her application shows it, and she keeps the PDF.
    steps.sign_in(page, platform, SITI)
    page.goto(letter_link)
    issued = main.locator(".success-box")
    steps.reload_until(page, issued, re.compile("Dokumen hasil sudah terbit dan tersimpan di brankas Anda."))
    expect(issued).to_contain_text(LETTER_TITLE)
    letter_reference = issued.locator("p").first.inner_text().rsplit(" · ", 1)[1].strip()
    with page.expect_download() as download:
        issued.get_by_role("link", name="Unduh PDF bertanda tangan").click()
    signed_letter = tmp_path / "surat-pengantar-skck.pdf"
    download.value.save_as(signed_letter)
    assert signed_letter.read_bytes().startswith(b"%PDF-")

    # (d) She applies for an SKCK in her city: the letter comes from her vault; only her photo is uploaded.
    page.goto(f"{platform.url}{SAMARINDA}")
    page.get_by_role("link", name=SKCK).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SKCK)
    expect(main).to_contain_text(f"Diajukan di sini, diproses di {POLRI}")
    page.get_by_role("link", name="Ajukan permohonan").click()
    expect(page).to_have_url(re.compile(r"/layanan/[0-9a-f-]{36}/ajukan/$"))
    from_vault = locked.filter(has=page.locator(".label", has_text=re.compile(f"^{re.escape(LETTER_FIELD)}$")))
    expect(from_vault.locator(".value")).to_contain_text("Diambil dari brankas Anda:")
    expect(from_vault.locator(".value")).to_contain_text(letter_reference)
    expect(page.locator('input[type="file"]')).to_have_count(1)  # the photo; the letter is not asked for
    expect(page.get_by_label(PHOTO, exact=True)).to_have_count(1)
    page.screenshot(path=tmp_path / "skck-apply.png", full_page=True)
    assert_accessible(page)
    page.get_by_label("Keperluan SKCK").fill(PURPOSE)
    page.get_by_label(PHOTO, exact=True).set_input_files(_photo(tmp_path / "pas-foto.png"))
    page.get_by_label("Data yang saya isi benar").check()
    page.get_by_role("button", name="Kirim permohonan").click()

    # It waits for the fee, which she pays on her bank's page.
    expect(page).to_have_url(re.compile(rf"/permohonan/{TRACKING_NUMBER.pattern}/$"))
    number = TRACKING_NUMBER.search(page.url).group(0)
    assert number != letter_number
    expect(steps.fact(page, "Status")).to_have_text("Menunggu pembayaran")
    bill = page.get_by_role("region", name="Tagihan pembayaran")
    expect(bill.locator(".bill-amount")).to_have_text(SKCK_FEE)
    expect(bill).to_contain_text(f"permohonan {number}")
    code = bill.locator("#bill-code").get_attribute("data-code")
    steps.pay_on_bank_page(new_page(), platform, code, SKCK_FEE)

    # (e) Paid, it goes to Polri's system, whose statuses come back to her page until the SKCK is issued.
    steps.reload_until(page, steps.fact(page, "Status"), "Disetujui", timeout_s=AGENCY_TIMEOUT_S)
    expect(bill).to_contain_text(f"Lunas: {SKCK_FEE}")
    [case] = platform.polri.cases(tracking_number=number)
    assert case["decision"] == "approved", case
    assert _status_updates(case) == [
        ("DITERIMA", "sent", 1),
        ("JADWAL_SIDIK_JARI", "sent", 1),
        ("SKCK_TERBIT", "sent", 1),
    ], case["status_updates"]
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("diteruskan ke sistem instansi")
    for update in case["status_updates"]:
        expect(timeline).to_contain_text(f"{POLRI}: ")
        expect(timeline).to_contain_text(update["note"])
    expect(timeline).to_contain_text(f"Nomor di {POLRI}: {case['external_reference']}")
    page.screenshot(path=tmp_path / "skck-issued.png", full_page=True)
    assert_accessible(page)
    # Polri received what she typed and the very letter the lurah signed, taken from her vault.
    application = case["application"]
    assert application["form"]["keperluan"] == PURPOSE, application["form"]
    assert application["form"]["surat_pengantar"]["source"] == "vault", application["form"]
    [sent_letter] = [item for item in application["attachments"] if item["type"] == "surat_pengantar"]
    assert sent_letter["sha256"] == hashlib.sha256(signed_letter.read_bytes()).hexdigest(), sent_letter

    # Her applications list both, decided.
    page.get_by_role("navigation", name="Lokasi").get_by_role("link", name="Permohonan saya").click()
    for tracking_number, service in ((number, SKCK), (letter_number, LETTER)):
        row = main.get_by_role("row").filter(has=page.get_by_role("link", name=tracking_number))
        expect(row).to_contain_text(service)
        expect(row.get_by_role("cell").nth(2)).to_have_text("Disetujui")


def test_siti_renews_her_sim_on_korlantas_portal_signed_in_with_mpp_digital_and_follows_it_here(
    page, connected_platform, assert_accessible, tmp_path
):
    platform = connected_platform
    portal = f"{platform.korlantas.url}/portal/"

    # The service page of her city hands the renewal over to Korlantas's portal.
    page.goto(f"{platform.url}{SAMARINDA}")
    page.get_by_role("link", name=SIM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SIM)
    expect(page.get_by_role("main")).to_contain_text(f"Layanan ini diajukan di portal {KORLANTAS}.")
    page.get_by_role("link", name=f"Ajukan di {KORLANTAS}").click()
    expect(page).to_have_url(portal)

    # The portal signs her in with MPP Digital: her password there, then what Korlantas asks to see, approved.
    page.get_by_role("link", name="Masuk dengan MPP Digital").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(platform.url)}/akun/masuk/\?next=/o/authorize/"))
    steps.sign_in(page, platform, SITI)
    expect(page).to_have_url(re.compile(rf"^{re.escape(platform.url)}/o/authorize/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Korlantas Polri meminta data berikut dari akun Anda")
    expect(page.get_by_role("main")).to_contain_text(KORLANTAS)
    expect(page.get_by_role("region", name="Data yang akan dikirim")).to_contain_text("NIK")
    page.screenshot(path=tmp_path / "consent.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="Setujui").click()
    expect(page).to_have_url(portal)
    expect(page.get_by_role("banner")).to_contain_text(SITI_NAME)

    # She fills in the portal's own form: her name and NIK are MPP Digital's.
    page.get_by_role("link", name="Ajukan Perpanjangan SIM").click()
    applicant = page.get_by_role("region", name="Pemohon")
    expect(applicant.locator("#nama-pemohon")).to_have_text(SITI_NAME)
    expect(applicant.locator("#nik-pemohon")).to_have_text(SITI)
    page.get_by_role("group", name="Golongan SIM (wajib)").get_by_label("SIM C (sepeda motor)").check()
    page.get_by_label("Nomor surat keterangan sehat (wajib)").fill("SKS/0412/XII/2026")
    page.get_by_label("Nomor surat hasil tes psikologi (wajib)").fill("PSI/0977/XII/2026")
    page.get_by_role("group", name="Cara menerima SIM (wajib)").get_by_label("Diambil di Satpas").check()
    page.screenshot(path=tmp_path / "portal-form.png", full_page=True)
    page.get_by_role("button", name="Kirim permohonan").click()

    # The portal's case, reported to MPP Digital at once: its tracking number there.
    expect(page).to_have_url(re.compile(rf"^{re.escape(portal)}kasus/SIM-\d{{4}}-\d{{6}}$"))
    recorded = page.get_by_role("main").get_by_text("Permohonan Anda tercatat di MPP Digital dengan nomor")
    expect(recorded).to_contain_text(TRACKING_NUMBER)
    number = TRACKING_NUMBER.search(recorded.inner_text()).group(0)
    registration = page.locator("#nomor-registrasi").inner_text().strip()
    page.screenshot(path=tmp_path / "portal-case.png", full_page=True)

    # Back at MPP Digital, her applications list the SIM renewal, whose statuses follow Korlantas's.
    page.goto(f"{platform.url}/")
    steps.account_menu(page).get_by_role("link", name="Permohonan saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Permohonan saya")
    row = page.get_by_role("main").get_by_role("row").filter(has=page.get_by_role("link", name=number))
    expect(row).to_contain_text(SIM)
    steps.reload_until(page, row.get_by_role("cell").nth(2), "Disetujui", timeout_s=AGENCY_TIMEOUT_S)
    row.get_by_role("link", name=number).click()
    expect(steps.fact(page, "Status")).to_have_text("Disetujui")
    [case] = [case for case in platform.korlantas.cases() if case["tracking_number"] == number]
    assert case["handed_over"] and case["external_reference"] == registration, case
    assert _status_updates(case) == [
        ("DITERIMA", "sent", 1),
        ("VERIFIKASI", "sent", 1),
        ("SIM_DICETAK", "sent", 1),
        ("SIAP_DIAMBIL", "sent", 1),
    ], case["status_updates"]
    timeline = page.locator("ol.timeline")
    for update in case["status_updates"][1:]:  # the first is the report that made the application
        expect(timeline).to_contain_text(update["note"])
    expect(timeline).to_contain_text(f"Nomor di {KORLANTAS}: {registration}")
    page.screenshot(path=tmp_path / "sim-here.png", full_page=True)
    assert_accessible(page)


def test_the_mpp_manager_sees_the_connected_systems_health(page, connected_platform, assert_accessible, tmp_path):
    platform = connected_platform
    steps.sign_in(page, platform, MANAGER)
    steps.account_menu(page).get_by_role("link", name="Sistem instansi").click()
    expect(page).to_have_url(f"{platform.url}/pengelola/sistem-instansi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sistem instansi yang terhubung")
    table = page.get_by_role("table", name=re.compile("^Kesehatan konektor"))
    for system, mode in (
        (POLRI, "Diteruskan ke sistem instansi"),
        (KORLANTAS, "Diajukan di portal instansi"),
        ("Layanan Paspor Kantor Imigrasi Samarinda", "Diteruskan ke sistem instansi"),
    ):
        row = table.get_by_role("row").filter(has=page.get_by_role("link", name=system, exact=True))
        expect(row.get_by_role("cell").first).to_have_text(mode)
        expect(row.get_by_role("cell").last).to_have_text("Sehat")
    page.screenshot(path=tmp_path / "connectors.png", full_page=True)
    assert_accessible(page)
