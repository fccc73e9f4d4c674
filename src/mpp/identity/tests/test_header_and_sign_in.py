"""The page chrome around signing in and out: the header's menu and sign-out, the message after signing out,
where signing in leads (an officer's worklist, back to an application form), the icons, the tracking link."""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mpp.catalog.models import Service
from mpp.identity.tests.factories import make_citizen

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
SIGNED_OUT = "Anda sudah keluar."
EMOJI = re.compile("[\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff]")


@pytest.fixture(autouse=True)
def _fresh_limits_and_cache():
    cache.clear()


@pytest.fixture
def birth_service(db):
    return Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")


def _sign_in(client, username, **extra):
    return client.post("/akun/masuk/", {"username": username, "password": PASSWORD, **extra})


def _as_a_browser_keeps_them(client):
    """Forget the cookies the last answer expired, as a browser does (the test client would send them on)."""
    for name in [name for name, morsel in client.cookies.items() if morsel["max-age"] == 0]:
        del client.cookies[name]


def _header(html: str) -> str:
    return html.split('<header class="top">', 1)[1].split("</header>", 1)[0]


def test_a_signed_in_citizen_signs_out_from_the_header_with_a_posted_form(client):
    client.force_login(make_citizen())
    header = _header(client.get("/verify/").content.decode())
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', header, re.DOTALL)
    assert form and form.group(1) == reverse("identity:logout")
    assert 'name="csrfmiddlewaretoken"' in form.group(2) and ">Keluar</button>" in form.group(2)
    assert "<details" in header and "<summary>" in header  # the account links are in a menu


def test_staff_sign_out_from_the_header_too_and_find_their_roles_pages_there(client, samarinda_manager, ministry):
    client.force_login(samarinda_manager)
    header = _header(client.get("/verify/").content.decode())
    assert f'action="{reverse("identity:logout")}"' in header
    assert f'href="{reverse("onboarding:manager")}"' in header
    assert f'href="{reverse("onboarding:queue")}"' not in header
    client.force_login(ministry)
    header = _header(client.get("/verify/").content.decode())
    assert f'href="{reverse("onboarding:queue")}"' in header


def test_an_anonymous_page_has_no_sign_out_and_no_token_so_it_can_be_shared(client):
    header = _header(client.get("/").content.decode())
    assert "csrfmiddlewaretoken" not in header and "<details" not in header
    assert f'href="{reverse("identity:login")}"' in header


def test_the_account_page_keeps_only_signing_out_everywhere(client):
    client.force_login(make_citizen())
    main = client.get("/akun/").content.decode().split('<main id="main"', 1)[1]
    assert 'name="everywhere"' in main
    assert ">Keluar</button>" not in main


def test_signing_out_tells_the_person_who_signed_out_and_nobody_after_them(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    assert Client().get("/")["X-Cache"] == "miss"  # the home page is in the public cache
    citizen = make_citizen()
    _sign_in(client, citizen.nik)

    signed_out = client.post("/akun/keluar/")
    _as_a_browser_keeps_them(client)
    landing = client.get(signed_out["Location"])

    assert landing.status_code == 200 and "X-Cache" not in landing
    assert SIGNED_OUT in landing.content.decode()
    _as_a_browser_keeps_them(client)
    for path in ("/", "/akun/masuk/"):  # the next person at this browser, and anyone else
        assert SIGNED_OUT not in client.get(path).content.decode()
        assert SIGNED_OUT not in Client().get(path).content.decode()


def test_signing_out_everywhere_says_so_too(client):
    _sign_in(client, make_citizen().nik)
    answer = client.post("/akun/keluar/", {"everywhere": "1"}, follow=True)
    assert answer.redirect_chain[-1][0] == reverse("identity:login")
    assert SIGNED_OUT in answer.content.decode()


def test_staff_land_on_their_roles_first_page_and_a_citizen_on_her_account(client, samarinda_manager):
    assert _sign_in(client, samarinda_manager.username)["Location"] == reverse("onboarding:manager")
    client.logout()
    assert _sign_in(client, make_citizen().nik)["Location"] == reverse("identity:account")


def test_an_officers_safe_next_still_wins(client, samarinda_manager):
    assert _sign_in(client, samarinda_manager.username, next="/akun/sesi/")["Location"] == "/akun/sesi/"
    client.logout()
    unsafe = _sign_in(client, samarinda_manager.username, next="https://evil.example/")
    assert unsafe["Location"] == reverse("onboarding:manager")


def test_the_sign_in_form_names_every_kind_of_login(client):
    assert "NIK, e-mail, atau nama pengguna" in client.get("/akun/masuk/").content.decode()


def test_applying_signed_out_says_why_and_comes_back_to_the_form(client, birth_service):
    apply_url = reverse("applications:apply", args=[birth_service.pk])
    sent = client.get(apply_url)
    assert sent.status_code == 302
    sign_in_page = client.get(sent["Location"])
    assert f"Masuk untuk mengajukan {birth_service.template.name}." in sign_in_page.content.decode()

    citizen = make_citizen(level=3)
    signed_in = _sign_in(client, citizen.nik, next=apply_url)
    assert signed_in["Location"] == apply_url
    form = client.get(apply_url)
    assert form.status_code == 200
    assert form.templates[0].name.startswith("applications/citizen_apply")


def test_a_new_citizen_who_came_to_apply_registers_and_confirms_on_the_way_back(client, birth_service):
    apply_url = reverse("applications:apply", args=[birth_service.pk])
    page = client.get("/akun/masuk/", {"next": apply_url}).content.decode()
    assert f'href="{reverse("identity:register")}?{urlencode({"next": apply_url})}"' in page

    citizen = make_citizen()
    citizen.email_verified_at = None
    citizen.save()
    answer = _sign_in(client, citizen.nik, next=apply_url)
    assert answer["Location"] == f"{reverse('identity:confirm_email')}?{urlencode({'next': apply_url})}"


def test_no_reason_is_given_for_another_page_nor_taken_from_the_query(client):
    for target in ("/akun/sesi/", "/layanan/00000000-0000-0000-0000-000000000000/ajukan/", "https://evil.example/"):
        page = client.get("/akun/masuk/", {"next": target}).content.decode()
        assert "Masuk untuk mengajukan" not in page
        assert 'class="notice"' not in page


def test_the_second_step_keeps_a_next_with_its_own_query(client):
    citizen = make_citizen()
    citizen.totp_secret, citizen.totp_enabled_at = "JBSWY3DPEHPK3PXP", citizen.date_joined
    citizen.save()
    target = "/permohonan/?status=open&page=2"
    answer = _sign_in(client, citizen.nik, next=target)
    assert answer["Location"] == f"{reverse('identity:login_code')}?{urlencode({'next': target})}"
    assert f'value="{target.replace("&", "&amp;")}"' in client.get(answer["Location"]).content.decode()


def test_every_page_links_a_favicon_and_favicon_ico_is_a_real_file(client):
    head = client.get("/").content.decode().split("</head>", 1)[0]
    assert '<link rel="icon" href="/static/mpp/favicon.svg" type="image/svg+xml">' in head
    assert '<link rel="icon" href="/static/mpp/favicon.ico"' in head
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302 and answer["Location"] == "/static/mpp/favicon.ico"
    for name in ("favicon.ico", "favicon.svg", "apple-touch-icon.png", "icons/mark.svg"):
        assert finders.find(f"mpp/{name}"), name
    with open(finders.find("mpp/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file, not a renamed PNG


def test_the_header_and_footer_use_no_pictograms_for_icons(client):
    client.force_login(make_citizen())
    html = client.get("/verify/").content.decode()
    assert not EMOJI.findall(_header(html)), EMOJI.findall(_header(html))
    assert 'src="/static/mpp/icons/mark.svg" alt=""' in _header(html)  # decorative: the link says MPP Digital


def test_public_tracking_is_linked_from_the_home_page_and_every_footer(client):
    track = f'href="{reverse("applications:track")}"'
    home = client.get("/").content.decode()
    assert home.split('<main id="main"', 1)[1].split("</main>", 1)[0].count(track) == 1
    assert track in home.split('<footer class="foot">', 1)[1]
    assert track in client.get("/akun/masuk/").content.decode().split('<footer class="foot">', 1)[1]
