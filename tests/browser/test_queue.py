"""The physical MPP's line end to end (issue #15), with everyone on their own screen: Siti books a slot, is
reminded the day before, checks in at the kiosk with her code and follows her place on her phone; the counter
officer calls her first (her slot has begun), the display board shows the call within two seconds, he serves her
and starts her application at the counter; then two walk-ins take numbers and the priority one is called before
the earlier ordinary one.

It runs on the demo platform (see conftest.py): ``make run``'s accounts, the notifier sending every notice to the
test's SMTP server, and the demo's line at Samarinda's MPP (birth certificates take bookings; people waiting at
Disdukcapil; one called to counter 1, whom the officer serves first). The test runs at any hour: the day-before
reminder and "her slot begins now" are made in the app's database (``_the_day_comes``); the kiosk and the console
do not look at the opening hours. Each key page is checked with axe-core; the fixtures fail the test on any
Content-Security-Policy violation.
"""

import datetime as dt
import os
import re
import time
from zoneinfo import ZoneInfo

import browser_steps as steps
import pytest
from playwright.sync_api import expect
from test_birth_certificate import SAMARINDA, SERVICE, SITI, SITI_EMAIL, TRACKING_NUMBER

from mpp.core.testing import manage

pytestmark = pytest.mark.browser

OFFICER = "loket.samarinda"
WITA = ZoneInfo("Asia/Makassar")
KIOSK = {"width": 800, "height": 1280}
TV = {"width": 1920, "height": 1080}
DESK = {"width": 1280, "height": 900}
#: Not another test's child: the same child twice is a likely duplicate.
CHILD = "Zahra Putri Santoso"
TICKET = re.compile(r"[A-Z]{1,2}-\d{3}")
#: The board must show a call within this many seconds of the officer's click (the issue's promise).
BOARD_DELAY_S = 2
#: A phone's ticket page polls every three seconds: what it shows may take that long, and a little more.
PHONE_POLL_WAIT_MS = 7_000

#: The day before her slot the worker reminds her; on the day, her slot begins five minutes before now (whatever
#: the hour the test runs at), its place moved along. Run in the app's own database by ``manage.py shell``.
THE_DAY_COMES = """
import datetime as dt
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from mpp.core import clock
from mpp.queueing import bookings
from mpp.queueing.models import Booking, SlotCount

booking = Booking.objects.select_related("mpp__region").get(code="{code}")
bookings.remind_due(now=booking.starts_at - dt.timedelta(days=1))
starts_at = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
with transaction.atomic():
    slot = dict(mpp=booking.mpp, service=booking.service)
    SlotCount.objects.filter(**slot, starts_at=booking.starts_at).update(booked=F("booked") - 1)
    SlotCount.objects.get_or_create(**slot, starts_at=starts_at)
    SlotCount.objects.filter(**slot, starts_at=starts_at).update(booked=F("booked") + 1)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=starts_at,
        ends_at=starts_at + (booking.ends_at - booking.starts_at),
        day=clock.in_zone(starts_at, booking.mpp.region.time_zone).date(),
    )
"""


def _the_day_comes(platform, code: str) -> None:
    """``THE_DAY_COMES`` for the booking ``code``, in the demo platform's environment (its var dir holds the
    notifier's log and the database)."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "MPP_DEMO_MODE": "true",
        "MPP_VAR_DIR": str(platform.notifier_log.parent),
        "SITE_URL": platform.url,  # the reminder's link
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    manage("shell", "-c", THE_DAY_COMES.format(code=code), env=env)


def _ticket_label(page) -> str:
    """The number on a ticket's page (A-012)."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(TICKET)
    return TICKET.search(heading.inner_text()).group(0)


def _take_ticket(kiosk, priority: str = "Tidak") -> str:
    """On the kiosk's agency page: no service chosen, ``priority``; returns the number and goes back to the start."""
    kiosk.get_by_role("group", name="Perlu didahulukan?").get_by_label(priority, exact=True).check()
    kiosk.get_by_role("button", name="Ambil nomor").click()
    expect(kiosk).to_have_url(re.compile(r"/antrean/tiket/[0-9a-f-]{36}/\?kios=1$"))
    label = _ticket_label(kiosk)
    kiosk.get_by_role("link", name="Selesai").click()  # the next visitor finds the start
    return label


def test_a_booked_visit_is_called_first_and_a_priority_walk_in_before_an_earlier_one(
    page, new_page, demo_platform, mailbox, assert_accessible, tmp_path
):
    platform = demo_platform
    phone = page  # Siti's phone, all along

    # 1. Siti books a visit for her newborn's birth certificate: service, day (the next open one), slot.
    steps.sign_in(phone, platform, SITI)
    phone.goto(f"{platform.url}{SAMARINDA}")
    phone.get_by_role("link", name="Pesan jadwal kunjungan ke MPP").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Pesan jadwal kunjungan")
    assert_accessible(phone)
    services = phone.get_by_role("group", name="Layanan yang dapat dipesan di MPP ini")
    services.get_by_label(f"{SERVICE} · Disdukcapil").check()
    phone.get_by_role("button", name="Pilih layanan").click()
    days = phone.get_by_role("group", name="Pilih hari")
    today = dt.datetime.now(WITA).date().isoformat()
    day = next(d for d in days.locator("input:enabled").evaluate_all("inputs => inputs.map(i => i.value)") if d > today)
    days.locator(f'input[value="{day}"]').check()
    phone.get_by_role("button", name="Lihat slot").click()
    slots = phone.get_by_role("group", name=re.compile(r"^Slot pada "))
    slots.locator("input:enabled").first.check()
    assert_accessible(phone)
    phone.get_by_role("button", name="Pesan slot ini").click()

    # Her booking: the code to type (two groups of four), its QR, when, and what to bring.
    expect(phone).to_have_url(re.compile(r"/antrean/pesanan/[0-9a-f-]{36}/$"))
    booking_url = phone.url
    expect(phone.get_by_role("status")).to_have_text("Pesanan Anda tercatat. Tunjukkan kode atau QR ini di kios MPP.")
    heading = phone.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"[2-9A-Z]{4} [2-9A-Z]{4}$"))
    shown_code = re.search(r"[2-9A-Z]{4} [2-9A-Z]{4}$", heading.inner_text()).group(0)
    code = shown_code.replace(" ", "")
    qr = phone.get_by_role("img", name=f"Kode QR pesanan {code}")
    expect(qr).to_be_visible()
    # Loaded, not only laid out: the image's own request may finish after the element is visible.
    qr.element_handle().wait_for_element_state("stable")
    phone.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=10_000)
    expect(steps.fact(phone, "Status")).to_have_text("Dipesan")
    expect(steps.fact(phone, "Jadwal")).to_contain_text(" WITA – ")
    when = steps.fact(phone, "Jadwal").inner_text().split(" – ")[0]
    bring = phone.get_by_role("region", name="Yang perlu dibawa")
    expect(bring.get_by_role("list").first).to_contain_text(steps.BIRTH_LETTER)
    expect(bring.get_by_role("list").last).to_contain_text("Kartu Keluarga tempat anak didaftarkan")  # held
    assert_accessible(phone)

    # 2. The day before, the reminder reaches her mailbox with the code; on the day, her slot begins now.
    _the_day_comes(platform, code)
    reminder = steps.mail_text(mailbox, platform, SITI_EMAIL, f"Pengingat: kunjungan MPP besok, {when}")
    assert f"(kode {code})" in reminder and booking_url in reminder, reminder

    # 3. At the MPP's kiosk she types her code as her phone shows it and gets her number.
    kiosk = new_page(viewport=KIOSK)
    kiosk.goto(f"{platform.url}{SAMARINDA}")
    kiosk.get_by_role("link", name="Kios antrean").click()
    expect(kiosk.get_by_role("heading", level=1)).to_have_text("Ambil nomor antrean")
    assert_accessible(kiosk)
    kiosk.get_by_label("Kode pesanan").fill(shown_code.lower())
    kiosk.get_by_role("button", name="Check-in").click()
    expect(kiosk).to_have_url(re.compile(r"/antrean/tiket/[0-9a-f-]{36}/\?kios=1$"))
    label = _ticket_label(kiosk)
    expect(kiosk.get_by_role("main")).to_contain_text(f"Disdukcapil · {SERVICE}")
    expect(kiosk.get_by_role("main")).to_contain_text("Pesanan: dipanggil sesuai jadwal Anda")
    kiosk.get_by_role("link", name="Selesai").click()

    # On her phone, her booking leads to her number: she is next (her slot has begun; the walk-ins wait).
    phone.goto(booking_url)
    expect(steps.fact(phone, "Status")).to_have_text("Sudah check-in")
    phone.get_by_role("link", name="Lihat nomor antrean Anda").click()
    expect(phone).to_have_url(re.compile(r"/antrean/tiket/[0-9a-f-]{36}/$"))
    assert _ticket_label(phone) == label
    expect(phone.locator("[data-ticket-text]")).to_have_text("Menunggu — Anda berikutnya.")
    assert_accessible(phone)

    # 4. The display board on the TV, its sound switched on by the operator.
    board = new_page(viewport=TV)
    board.goto(f"{platform.url}{SAMARINDA}")
    board.get_by_role("link", name="Layar antrean").click()
    board.get_by_role("button", name="Aktifkan suara").click()
    expect(board.get_by_role("button", name="Suara aktif")).to_be_disabled()
    assert_accessible(board)
    calls = board.get_by_role("region", name="Dipanggil").get_by_role("listitem")

    # 5. The officer opens counter 1's console. The demo left a visitor there (unless it was seeded just after
    # midnight, when its tickets belong to the day before): he finishes with them first.
    console = new_page(viewport=DESK)
    steps.sign_in(console, platform, OFFICER)
    steps.account_menu(console).get_by_role("link", name="Konsol antrean").click()
    console.get_by_role("link", name="Loket 1", exact=True).click()
    expect(console.get_by_role("heading", level=1)).to_have_text("Loket 1 · Disdukcapil")
    console_url = console.url
    current = console.get_by_role("region", name="Di loket ini")
    leftover = current.get_by_role("button", name="Selesai", exact=True)
    if leftover.count():
        leftover.click()
        expect(console.get_by_role("status")).to_contain_text("selesai dilayani.")
    first = console.get_by_role("table", name="Urutan panggilan berikutnya").get_by_role("row").nth(1)
    expect(first).to_contain_text(label)
    expect(first).to_contain_text("Pesanan, sudah waktunya")
    assert_accessible(console)

    # He calls the next: her. The board shows "A-0xx · Loket 1" within two seconds of the call's answer.
    with console.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/panggil/")):
        current.get_by_role("button", name="Panggil berikutnya").click()
    called_at = time.monotonic()
    expect(calls.filter(has_text=label)).to_have_text(f"{label} Loket 1", timeout=BOARD_DELAY_S * 1000)
    shown_after = time.monotonic() - called_at
    assert shown_after < BOARD_DELAY_S, f"the board showed the call after {shown_after:.2f} s"
    expect(board.locator("[data-said]")).to_have_text(f"Nomor antrean {label}, silakan ke loket 1.")
    expect(console.get_by_role("status")).to_have_text(f"Nomor {label} dipanggil.")
    expect(current).to_contain_text(f"{label} Dipanggil Pesanan")
    assert_accessible(board)
    # Her phone tells her.
    expect(phone.get_by_role("alert")).to_have_text("Dipanggil! Silakan ke loket 1.", timeout=PHONE_POLL_WAIT_MS)

    # 6. She comes; he serves her and starts her application at the counter, the service already chosen.
    current.get_by_role("button", name="Mulai layani").click()
    expect(current).to_contain_text(f"{label} Sedang dilayani")
    current.get_by_role("link", name="Buat permohonan untuk warga ini").click()
    expect(console).to_have_url(re.compile(r"/loket/\?kunjungan=[0-9a-f-]{36}&layanan=[0-9a-f-]{36}$"))
    expect(console.get_by_role("heading", level=1)).to_have_text("Permohonan di loket")
    expect(console.get_by_label("Layanan", exact=True).locator("option:checked")).to_have_text(SERVICE)
    console.get_by_label("NIK warga").fill(SITI)
    console.get_by_label(re.compile(r"^Warga hadir, menunjukkan KTP-el")).check()
    console.get_by_role("button", name="Lanjutkan").click()
    expect(console.get_by_role("heading", level=1)).to_have_text(SERVICE)
    steps.fill_birth_certificate(console, CHILD, steps.tiny_pdf(tmp_path / "surat-lahir.pdf", CHILD))
    console.get_by_role("button", name="Ajukan atas nama warga").click()
    expect(console.get_by_role("status")).to_contain_text(
        re.compile(rf"Permohonan diajukan dengan nomor {TRACKING_NUMBER.pattern}\.")
    )
    application = TRACKING_NUMBER.search(console.get_by_role("status").inner_text()).group(0)

    # Back at the console the visit shows its application; he finishes, and her phone says so.
    console.goto(console_url)
    expect(current).to_contain_text(f"Permohonan kunjungan ini: {application}")
    current.get_by_role("button", name="Selesai", exact=True).click()
    expect(console.get_by_role("status")).to_have_text(f"Nomor {label} selesai dilayani.")
    expect(phone.locator("[data-ticket-text]")).to_have_text(
        "Selesai dilayani. Terima kasih atas kunjungan Anda.", timeout=PHONE_POLL_WAIT_MS
    )

    # 7. Two walk-ins: an ordinary number first, then an elderly visitor's priority number.
    disdukcapil = kiosk.get_by_role("link", name=re.compile(r"^Disdukcapil "))
    disdukcapil.click()
    assert_accessible(kiosk)
    ordinary = _take_ticket(kiosk)
    disdukcapil.click()
    elderly = _take_ticket(kiosk, "Lansia")

    # The officer's next call takes the priority number before the earlier ordinary one.
    current.get_by_role("button", name="Panggil berikutnya").click()
    expect(console.get_by_role("status")).to_have_text(f"Nomor {elderly} dipanggil.")
    expect(current).to_contain_text(f"{elderly} Dipanggil Lansia")
    waiting = console.get_by_role("table", name="Urutan panggilan berikutnya")
    expect(waiting.get_by_role("row").filter(has_text=ordinary)).to_contain_text("Datang langsung")
    expect(calls.filter(has_text=elderly)).to_have_text(f"{elderly} Loket 1")
