"""Under `form-action 'self'`, the sign-in pages of an OpenID Connect flow may still lead to the client that asked,
and only to it (browsers apply form-action to the redirects after a form): issue 20 §5."""

from urllib.parse import quote, urlencode

import pytest

from .conftest import LOGOUT_URI, REDIRECT_URI

pytestmark = pytest.mark.django_db
CLIENT_ORIGIN = "https://portal.example.go.id"


def form_action(response) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return directives["form-action"].split()


def test_an_ordinary_page_posts_only_here(client):
    assert form_action(client.get("/akun/masuk/")) == ["'self'"]


def test_signing_in_for_a_client_may_lead_to_its_registered_uri(client, rp):
    page = client.get("/akun/masuk/?next=" + quote(rp.authorize_url()))
    assert form_action(page) == ["'self'", CLIENT_ORIGIN]


def test_an_unregistered_uri_in_next_adds_nothing(client, rp):
    rp.redirect_uri = "https://attacker.example/cb"
    page = client.get("/akun/masuk/?next=" + quote(rp.authorize_url()))
    assert form_action(page) == ["'self'"]
    elsewhere = client.get("/akun/masuk/?next=" + quote("https://portal.example.go.id/o/authorize/?x=1"))
    assert form_action(elsewhere) == ["'self'"]


def test_the_consent_screen_may_lead_to_the_client(client, rp, siti):
    client.force_login(siti)
    consent = rp.start()
    assert consent.status_code == 200
    assert form_action(consent) == ["'self'", CLIENT_ORIGIN]
    assert REDIRECT_URI.startswith(CLIENT_ORIGIN)


def test_the_logout_confirmation_may_lead_to_the_clients_logout_uri(client, rp, siti):
    client.force_login(siti)
    query = urlencode({"client_id": rp.client.client_id, "post_logout_redirect_uri": LOGOUT_URI})
    page = client.get(f"/o/logout/?{query}")
    assert page.status_code == 200
    origin = LOGOUT_URI.split("/", 3)
    assert form_action(page) == ["'self'", f"{origin[0]}//{origin[2]}"]
