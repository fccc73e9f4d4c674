"""The handed-over portal (korlantas): sign in with MPP Digital's OpenID Connect provider (a stub
here), renew a SIM, and the case is reported to the platform and carried through its statuses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlsplit

import httpx
import pytest

from simulators.agency import profiles
from simulators.agency.testing import RunningAgency
from simulators.processes import free_port

from .conftest import start_agency
from .oidc_stub import NAME, NIK, SUBJECT, OidcStub
from .platform_stub import PlatformStub, wait_until

PORTAL_CLIENT_ID = "sim-korlantas-portal"
PORTAL_CLIENT_SECRET = "portal secret/with+symbols"
FORM = {
    "golongan_sim": "A",
    "surat_keterangan_sehat": "SKS/0457/XI/2026",
    "surat_psikologi": "PSI-2026-11-0093",
    "pengambilan": "antar",
    "alamat_pengiriman": "Jl. Juanda No. 7, Samarinda",
}
KORLANTAS = profiles.load("korlantas")


@pytest.fixture(scope="module")
def portal_setup(tmp_path_factory, platform: PlatformStub) -> Iterator[tuple[RunningAgency, OidcStub]]:
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    stub = OidcStub(PORTAL_CLIENT_ID, PORTAL_CLIENT_SECRET, redirect_uri=f"{public_url}/portal/callback")
    with stub.serving():
        options = [
            *["--oidc-issuer", stub.url],  # without /o: the portal finds the provider under /o
            *["--oidc-client-id", PORTAL_CLIENT_ID, "--public-url", public_url, "--platform-url", platform.url],
        ]
        with start_agency(
            tmp_path_factory.mktemp("portal"),
            profile="korlantas",
            port=port,
            options=options,
            env={"AGENCY_OIDC_CLIENT_SECRET": PORTAL_CLIENT_SECRET},
        ) as agency:
            yield agency, stub


@pytest.fixture
def oidc(portal_setup) -> Iterator[OidcStub]:
    stub = portal_setup[1]
    yield stub
    stub.tamper = None


@pytest.fixture
def agency(portal_setup) -> RunningAgency:  # this module's agency: korlantas with its portal
    return portal_setup[0]


@pytest.fixture
def browser(agency) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=agency.url, follow_redirects=True, timeout=30) as client:
        yield client


def sign_in(browser: httpx.Client) -> httpx.Response:
    return browser.get("/portal/login")


def csrf_of(html: str) -> str:
    return unescape(re.search(r'name="csrf" value="([^"]+)"', html).group(1))


def apply(browser: httpx.Client, form: dict[str, str]) -> httpx.Response:
    page = browser.get(f"/portal/{KORLANTAS.portal.service_code}")
    assert page.status_code == 200, page.text
    return browser.post(f"/portal/{KORLANTAS.portal.service_code}", data={"csrf": csrf_of(page.text), **form})


def case_id_of(response: httpx.Response) -> str:
    return re.fullmatch(r"/portal/kasus/(SIM-\d{4}-\d{6})", urlsplit(str(response.url)).path).group(1)


def test_the_start_page_offers_to_sign_in_with_mpp_digital(browser):
    page = browser.get("/portal/")
    assert page.status_code == 200
    assert "Masuk dengan MPP Digital" in page.text and 'lang="id"' in page.text
    assert "<script" not in page.text and "https://" not in page.text  # no scripts, no CDN
    assert browser.get("/portal/static/portal.css").status_code == 200


def test_signing_in_uses_the_code_flow_with_pkce_and_reads_the_nik(browser, oidc, agency):
    landed = sign_in(browser)
    assert landed.status_code == 200, landed.text
    assert urlsplit(str(landed.url)).path == "/portal/"
    assert NAME in landed.text and "Ajukan Perpanjangan SIM" in landed.text
    request = oidc.authorize_requests[-1]
    assert request["redirect_uri"] == f"{agency.url}/portal/callback"
    assert (request["response_type"], request["code_challenge_method"]) == ("code", "S256")
    assert request["scope"] == "openid profile nik"
    assert len(request["state"]) >= 32 and len(request["nonce"]) >= 32
    form = browser.get(f"/portal/{KORLANTAS.portal.service_code}")
    assert NIK in form.text and "Rp80.000" in form.text and "Rp75.000" in form.text


def test_a_sim_renewed_at_the_portal_is_reported_and_carried_through_its_statuses(browser, oidc, agency, platform):
    sign_in(browser)
    created = apply(browser, FORM)
    assert created.status_code == 200, created.text
    case_id = case_id_of(created)

    [report] = [r for r in platform.reports() if r.idempotency_key == f"{case_id}:created"]
    number = report.tracking_number
    assert report.answered == 201 and number
    assert f"Permohonan Anda tercatat di MPP Digital dengan nomor <strong>{number}</strong>" in created.text
    [case] = agency.cases(tracking_number=number)
    assert report.body == {
        "subject": SUBJECT,
        "service": "perpanjangan-sim",
        "region_code": "64.72",
        "external_reference": case["external_reference"],
        "status": "DITERIMA",
        "note": KORLANTAS.status("DITERIMA").label,
    }
    assert re.fullmatch(r"6472-\d{4}-\d{6}", case["external_reference"])
    assert case["handed_over"] is True and case["subject"] == SUBJECT and case["webhook_id"] is None
    assert case["application"]["applicant"] == {"nik": NIK, "name": NAME}
    assert case["application"]["form"] == FORM
    assert case["fee"]["amount"] == 80000

    expected = ["DITERIMA", "VERIFIKASI", "SIM_DICETAK", "SIM_DIKIRIM"]
    wait_until(lambda: platform.applied(number) == expected, what="the statuses after the report")
    calls = platform.calls(number)
    assert [c.idempotency_key for c in calls] == [f"{case_id}:{code}" for code in expected[1:]]
    assert all(c.answered == 200 for c in calls)
    assert calls[-1].body["external_reference"] == case["external_reference"]
    wait_until(
        lambda: [u["state"] for u in agency.cases(tracking_number=number)[0]["status_updates"]] == ["sent"] * 4,
        what="the report and the three statuses recorded as sent",
    )
    [case] = agency.cases(tracking_number=number)
    assert [(u["kind"], u["status"], u["idempotency_key"], u["attempts"]) for u in case["status_updates"]] == [
        ("report", "DITERIMA", f"{case_id}:created", 1),
        ("status", "VERIFIKASI", f"{case_id}:VERIFIKASI", 1),
        ("status", "SIM_DICETAK", f"{case_id}:SIM_DICETAK", 1),
        ("status", "SIM_DIKIRIM", f"{case_id}:SIM_DIKIRIM", 1),
    ]

    page = browser.get(f"/portal/kasus/{case_id}")
    assert page.status_code == 200
    assert [m for m in re.findall(r'data-status="([A-Z_]+)"', page.text)] == expected
    assert "Terkirim ke MPP Digital" in page.text and case["external_reference"] in page.text
    start = browser.get("/portal/")
    assert case_id in start.text and number in start.text


def test_a_report_the_platform_cannot_take_yet_is_retried_by_the_worker(browser, oidc, agency, platform):
    platform.script_reports(*[503] * 1000)
    try:
        sign_in(browser)
        created = apply(browser, {**FORM, "golongan_sim": "C", "pengambilan": "ambil", "alamat_pengiriman": ""})
        case_id = case_id_of(created)
        assert "akan muncul di MPP Digital sesaat lagi" in created.text
        wait_until(
            lambda: sum(r.idempotency_key == f"{case_id}:created" for r in platform.reports()) >= 2,
            what="two failed reports",
        )
        [case] = [c for c in agency.cases() if c["case_id"] == case_id]
        assert case["tracking_number"] is None
        report, *later = case["status_updates"]
        assert (report["kind"], report["state"]) == ("report", "pending")
        assert report["last_error"].startswith("platform answered 503")
        # The statuses wait for the report: nothing reached a status URL.
        assert all(u["state"] == "pending" and u["attempts"] == 0 for u in later)
    finally:
        platform.script_reports()  # the platform is back
    wait_until(lambda: platform.created(f"{case_id}:created"), what="the report to go through")
    number = platform.created(f"{case_id}:created")
    expected = ["DITERIMA", "VERIFIKASI", "SIM_DICETAK", "SIAP_DIAMBIL"]
    wait_until(lambda: platform.applied(number) == expected, what="the statuses after the report")
    reports = [r for r in platform.reports() if r.idempotency_key == f"{case_id}:created"]
    assert [r.answered for r in reports][-1] == 201 and {r.answered for r in reports[:-1]} == {503}
    [case] = agency.cases(tracking_number=number)
    assert "alamat_pengiriman" not in case["application"]["form"]
    assert case["fee"]["amount"] == 75000
    page = browser.get(f"/portal/kasus/{case_id}")
    assert f"dengan nomor <strong>{number}</strong>" in page.text


def test_the_form_says_what_is_missing_and_stores_nothing(browser, oidc, agency, platform):
    sign_in(browser)
    before = len(agency.cases())
    answered = apply(browser, {**FORM, "surat_psikologi": "", "pengambilan": "antar", "alamat_pengiriman": " "})
    assert answered.status_code == 422
    assert answered.text.count("Wajib diisi.") == 2
    assert 'id="surat_psikologi-galat"' in answered.text and 'id="alamat_pengiriman-galat"' in answered.text
    assert 'value="SKS/0457/XI/2026"' in answered.text  # what was typed stays
    assert len(agency.cases()) == before


def test_a_post_without_the_csrf_token_is_refused(browser, oidc, agency):
    sign_in(browser)
    before = len(agency.cases())
    response = browser.post(f"/portal/{KORLANTAS.portal.service_code}", data=FORM)
    assert response.status_code == 400 and "Formulir kedaluwarsa" in response.text
    assert len(agency.cases()) == before


def test_pages_of_the_portal_need_a_signed_in_citizen(agency, oidc):
    with httpx.Client(base_url=agency.url, timeout=30) as anonymous:
        response = anonymous.get(f"/portal/{KORLANTAS.portal.service_code}")
        assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/portal/login"
        assert anonymous.get("/portal/kasus/SIM-2026-000001").status_code == 302


def test_another_citizens_case_is_not_shown(browser, oidc, agency, platform):
    sign_in(browser)
    case_id = case_id_of(apply(browser, {**FORM, "pengambilan": "ambil"}))
    oidc.subject = "someone-else"
    try:
        with httpx.Client(base_url=agency.url, follow_redirects=True, timeout=30) as other:
            sign_in(other)
            response = other.get(f"/portal/kasus/{case_id}")
            assert response.status_code == 404 and "Permohonan tidak ditemukan" in response.text
    finally:
        oidc.subject = SUBJECT


@pytest.mark.parametrize("tamper", ["nonce", "audience", "signature", "expired", "issuer"])
def test_an_id_token_that_does_not_hold_is_refused(browser, oidc, tamper):
    oidc.tamper = tamper
    response = sign_in(browser)
    assert response.status_code == 400 and "Gagal masuk dengan MPP Digital" in response.text
    assert "Masuk dengan MPP Digital" in browser.get("/portal/").text  # not signed in


def test_a_callback_without_the_sign_ins_state_is_refused(browser, oidc):
    browser.get("/portal/login", follow_redirects=False)  # a sign-in started: state in the session
    response = browser.get("/portal/callback", params={"code": "stolen", "state": "forged"})
    assert response.status_code == 400 and "Sesi masuk tidak berlaku" in response.text
    response = browser.get("/portal/callback", params={"error": "access_denied"})
    assert response.status_code == 400


def test_signing_out_forgets_the_citizen(browser, oidc):
    start = sign_in(browser)
    signed_out = browser.post("/portal/keluar", data={"csrf": csrf_of(start.text)})
    assert signed_out.status_code == 200 and "Masuk dengan MPP Digital" in signed_out.text
