"""What a citizen sees without signing in: the region picker, a region's services, a service standard."""

import re

from playwright.sync_api import expect

SAMARINDA = "/wilayah/64.72/"
STANDARD_COMPONENTS = [
    "requirements",
    "procedure",
    "duration_days",
    "fee",
    "product",
    "complaints",
    "legal_basis",
    "facilities",
    "competence",
    "internal_oversight",
    "staff",
    "service_guarantee",
    "security_guarantee",
    "performance_evaluation",
]
HOME_PAGE_BUDGET_BYTES = 100 * 1024


def _first_service_url(page, live_url: str) -> str:
    page.goto(f"{live_url}{SAMARINDA}")
    return page.locator(".card h4 a").first.get_attribute("href")


def test_citizen_finds_samarinda_and_reads_a_service_standard(page, live_url, assert_accessible, tmp_path):
    page.goto(f"{live_url}/")
    expect(page.get_by_label("Cari kabupaten/kota")).to_be_visible()
    page.screenshot(path=tmp_path / "home.png", full_page=True)
    assert_accessible(page)

    page.locator("#id_q").press_sequentially("Samarinda", delay=30)
    result = page.locator("#region-results").get_by_role("link", name="Kota Samarinda")
    expect(result).to_be_visible()
    page.screenshot(path=tmp_path / "home-live-results.png", full_page=True)
    result.click()

    expect(page).to_have_url(f"{live_url}{SAMARINDA}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kota Samarinda")
    expect(page.locator(".card h4 a").first).to_be_visible()
    page.screenshot(path=tmp_path / "region.png", full_page=True)
    assert_accessible(page)

    page.locator(".card h4 a").first.click()
    expect(page).to_have_url(re.compile(r"/layanan/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).not_to_be_empty()
    for component in STANDARD_COMPONENTS:
        expect(page.locator(f"ol.standard > li#{component}")).to_be_visible()
    page.screenshot(path=tmp_path / "service.png", full_page=True)
    assert_accessible(page)


def test_region_search_works_without_javascript(new_page, live_url, tmp_path):
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_url}/")

    page.locator("#id_q").fill("surakarta")
    page.locator("#id_q").press("Enter")

    expect(page).to_have_url(f"{live_url}/wilayah/?q=surakarta")
    page.screenshot(path=tmp_path / "search-no-js.png", full_page=True)
    page.get_by_role("link", name="Kota Surakarta").click()
    expect(page).to_have_url(f"{live_url}/wilayah/33.72/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kota Surakarta")


def test_language_switch_to_english_and_back(page, live_url, assert_accessible, tmp_path):
    page.goto(f"{live_url}{SAMARINDA}")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "id")

    page.get_by_role("link", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_url}{SAMARINDA}")
    expect(page.get_by_role("link", name="Bahasa Indonesia")).to_be_visible()
    page.screenshot(path=tmp_path / "region-en.png", full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(html).to_have_attribute("lang", "id")
    expect(page).to_have_url(f"{live_url}{SAMARINDA}")
    expect(page.get_by_role("link", name="English")).to_be_visible()


def test_home_page_is_under_100_kb_transferred_without_cache(new_page, live_url):
    page = new_page()  # a fresh context: nothing cached
    responses = []
    page.on("response", lambda response: responses.append(response))

    page.goto(f"{live_url}/", wait_until="networkidle")

    sizes = {}
    for response in responses:
        measured = response.request.sizes()
        sizes[response.url] = measured["responseBodySize"] + measured["responseHeadersSize"]
    total = sum(sizes.values())
    breakdown = "\n".join(f"  {size:>7} B  {url}" for url, size in sizes.items())
    print(f"home page: {total} B ({total / 1024:.1f} KiB) over {len(sizes)} responses\n{breakdown}")
    assert total < HOME_PAGE_BUDGET_BYTES, f"home page weighs {total} B:\n{breakdown}"


def test_pages_fit_a_small_phone_screen(page, live_url, tmp_path):
    service_url = _first_service_url(page, live_url)
    for name, path in [("home", "/"), ("region", SAMARINDA), ("service", service_url)]:
        page.goto(f"{live_url}{path}")
        page.screenshot(path=tmp_path / f"{name}-390px.png", full_page=True)
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, f"{path} scrolls sideways: {scroll_width}px > {inner_width}px"
