"""The people who run the mall, on a phone: the ministry's dashboard and monev, a manager's report that
saves as they type, and the public statistics — each page axe-checked, on the demo platform (README 14-15).

The demo has the 2023 round (Surakarta late) and an open round with Samarinda's report in and Surakarta's
draft (``mpp.demo.monev``); `make run` and the demo platform rebuild the statistics once.
"""

import re

import browser_steps as steps
import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
OPEN_ROUND = "Monev MPP Digital Semester II 2026"

pytestmark = pytest.mark.browser


def test_the_ministry_sees_the_country_and_its_monev_and_drills_down(demo_platform, new_page, assert_accessible):
    page = new_page(viewport=PHONE)
    steps.sign_in(page, demo_platform, "kemenpanrb")
    # The ministry lands on its dashboard.
    expect(page).to_have_url(re.compile(r"/kementerian/$"))
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Tahap bergabung kabupaten/kota")).to_be_visible()
    stages = main.get_by_role("table", name="Kabupaten/kota menurut tahap bergabung")
    expect(stages).to_contain_text("MPP Digital aktif")
    expect(main.get_by_role("heading", name="Monev: putaran terakhir")).to_be_visible()
    assert "<script" not in main.locator("svg").first.inner_html()
    assert_accessible(page)

    # Drill down through the period picker: a whole year, then a province.
    page.get_by_label("Jenis periode").select_option(index=0)
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("main")).to_contain_text("dibandingkan dengan")
    page.goto(f"{demo_platform.url}/kementerian/?wilayah=64")
    expect(page.locator("main")).to_contain_text("Kalimantan Timur")
    assert_accessible(page)

    # Monev: the open round's progress and Samarinda's report, waiting for review.
    steps.account_menu(page).get_by_role("link", name="Monev").click()
    page.get_by_role("link", name=OPEN_ROUND).click()
    expect(page.locator("main")).to_contain_text("Sudah mengirim")
    assert_accessible(page)
    page.get_by_role("link", name="Kota Samarinda").first.click()
    expect(page.get_by_role("button", name="Terima laporan")).to_be_visible()
    assert_accessible(page)


def test_a_manager_drafts_the_report_as_they_type_and_sees_the_regions_figures(
    demo_platform, new_page, assert_accessible
):
    page = new_page(viewport=PHONE)
    steps.sign_in(page, demo_platform, "pengelola.surakarta")
    expect(page).to_have_url(re.compile(r"/pengelola/$"))
    assert_accessible(page)

    steps.account_menu(page).get_by_role("link", name="Laporan monev").click()
    page.get_by_role("link", name=OPEN_ROUND).click()
    typed = "Perluas jaringan internet di kelurahan terluar."
    page.get_by_role("textbox", name="Saran dan masukan").fill(typed)
    expect(page.locator("#draft-status")).to_contain_text("Draf tersimpan", timeout=10_000)
    assert_accessible(page)
    page.reload()
    expect(page.get_by_role("textbox", name="Saran dan masukan")).to_have_value(typed)

    steps.account_menu(page).get_by_role("link", name="Statistik daerah").click()
    expect(page.locator("main")).to_contain_text("Kota Surakarta")
    assert_accessible(page)


def test_the_public_statistics_and_the_list_of_regions_are_accessible(demo_platform, new_page, assert_accessible):
    page = new_page(viewport=PHONE)
    for path in ("/statistik/", "/statistik/64.72/", "/daerah-mpp-digital/"):
        page.goto(f"{demo_platform.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
        assert not re.search(r"(?<!\d)\d{16}(?!\d)", page.locator("main").inner_text())  # never a NIK
