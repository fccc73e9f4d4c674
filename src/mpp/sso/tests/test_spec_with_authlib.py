"""The provider does what the specifications say, checked by an OIDC client library as a relying party uses it.

Authlib's OAuth2Client speaks HTTP to the platform's WSGI application in this process (httpx's
WSGI transport: real requests and responses, the test database); a second httpx client is the
citizen's browser. Issue 20 §2: discovery that tells the truth, ``iss`` on error answers,
unsupported response types and request objects refused by name, ``redirect_uri`` repeated at
the token endpoint, a replayed code revoking its tokens, exact redirect URIs for web clients,
no token in a URL, logout that needs the person, and the phone claim.
"""

import re
import secrets
import warnings
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import authlib.deprecate
import httpx
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from .conftest import ISSUER, LOGOUT_URI, REDIRECT_URI, SECRET, make_client

with warnings.catch_warnings():
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.base_client.errors import OAuthError
    from authlib.integrations.httpx_client import OAuth2Client

pytestmark = pytest.mark.django_db
BASE = "http://testserver"
AUTHORIZE, TOKEN, USERINFO, LOGOUT = (f"{BASE}/o/{path}/" for path in ("authorize", "token", "userinfo", "logout"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def wsgi():
    """The platform's WSGI application as an httpx transport, inside the test's transaction.

    As Django's own test client does, the handler must not close the database connection at the
    start and end of each request: on PostgreSQL that would end the test's transaction.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield httpx.WSGITransport(app=get_wsgi_application())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _agency(wsgi, client, *, redirect_uri=REDIRECT_URI, scope="openid profile"):
    return OAuth2Client(
        client.client_id,
        SECRET,
        scope=scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        transport=wsgi,
        timeout=10,
    )


@pytest.fixture
def agency(wsgi, portal):
    return _agency(wsgi, portal)


def _browser(wsgi, client, person) -> httpx.Client:
    """A browser in which ``person`` is signed in (or nobody, for None)."""
    cookies = {}
    if person is not None:
        client.force_login(person)
        cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return httpx.Client(transport=wsgi, base_url=BASE, cookies=cookies)


@pytest.fixture
def browser(wsgi, client, siti):
    return _browser(wsgi, client, siti)


def _hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[unescape(name.group(1))] = unescape(value.group(1)) if value else ""
    return fields


def _answer(agency, browser, **params) -> tuple[str, dict, str]:
    """Send the browser through an authorization request (consenting when asked): (where it lands, its query,
    the PKCE verifier)."""
    verifier = secrets.token_urlsafe(48)
    url, _state = agency.create_authorization_url(
        AUTHORIZE, code_verifier=verifier, nonce=secrets.token_urlsafe(8), **params
    )
    response = browser.get(url)
    if response.status_code == 200 and "allow" in response.text:
        response = browser.post(str(response.url), data=_hidden_fields(response.text) | {"allow": "true"})
    location = response.headers.get("location", "")
    return location, {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}, verifier


def _tokens(agency, browser, **params) -> dict:
    location, _query, verifier = _answer(agency, browser, **params)
    return agency.fetch_token(TOKEN, authorization_response=location, code_verifier=verifier)


# --- discovery ---------------------------------------------------------------------------------------


def test_discovery_tells_the_truth(agency):
    metadata = agency.request("GET", f"{ISSUER}/.well-known/openid-configuration", withhold_token=True).json()
    assert metadata["issuer"] == ISSUER
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "client_credentials" in metadata["grant_types_supported"]
    assert metadata["revocation_endpoint"] == f"{ISSUER}/revoke_token/"
    root = agency.request("GET", f"{BASE}/.well-known/openid-configuration", withhold_token=True)
    assert root.status_code == 404  # only under the issuer


# --- the authorization endpoint ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"scope": "openid tidak-ada"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
        ({"request_uri": "https://portal.example.go.id/req/1"}, "request_uri_not_supported"),
    ],
)
def test_an_error_answer_names_the_error_and_the_issuer(agency, browser, params, error):
    _location, query, _verifier = _answer(agency, browser, **params)
    assert query["error"] == error
    assert query["iss"] == ISSUER  # RFC 9207 2: on errors too, so a client can tell which provider answered


def test_a_refused_consent_carries_the_issuer(agency, browser):
    url, _state = agency.create_authorization_url(AUTHORIZE, code_verifier=secrets.token_urlsafe(48))
    page = browser.get(url)
    refused = browser.post(str(page.url), data=_hidden_fields(page.text) | {"allow": "false"})
    query = parse_qs(urlsplit(refused.headers["location"]).query)
    assert query["error"] == ["access_denied"] and query["iss"] == [ISSUER]


def test_a_web_clients_redirect_uri_matches_exactly_even_on_loopback(wsgi, browser):
    local = make_client(name="Portal lokal")
    local.redirect_uris = "http://127.0.0.1:8765/callback"
    local.save()
    exact = _agency(wsgi, local, redirect_uri="http://127.0.0.1:8765/callback")
    location, query, _verifier = _answer(exact, browser)
    assert location.startswith("http://127.0.0.1:8765/callback?") and "code" in query
    other_port = _agency(wsgi, local, redirect_uri="http://127.0.0.1:9999/callback")
    url, _state = other_port.create_authorization_url(AUTHORIZE, code_verifier=secrets.token_urlsafe(48))
    refused = browser.get(url)
    assert refused.status_code == 400 and "location" not in refused.headers  # never sent to an unregistered port


# --- the token endpoint --------------------------------------------------------------------------------


def test_the_exchange_must_repeat_the_redirect_uri(wsgi, portal, agency, browser):
    location, _query, verifier = _answer(agency, browser)
    forgetful = _agency(wsgi, portal, redirect_uri=None)
    with pytest.raises(OAuthError, match=r"invalid_grant|invalid_request"):  # RFC 6749 4.1.3
        forgetful.fetch_token(TOKEN, authorization_response=location, code_verifier=verifier)


def test_a_replayed_code_revokes_the_tokens_of_its_first_use(agency, browser):
    location, _query, verifier = _answer(agency, browser)
    first = agency.fetch_token(TOKEN, authorization_response=location, code_verifier=verifier)
    assert agency.get(USERINFO).status_code == 200
    with pytest.raises(OAuthError, match="invalid_grant"):
        agency.fetch_token(TOKEN, authorization_response=location, code_verifier=verifier)
    agency.token = first
    assert agency.get(USERINFO).status_code == 401
    with pytest.raises(OAuthError, match="invalid_grant"):
        agency.refresh_token(TOKEN, refresh_token=first["refresh_token"])


def test_userinfo_refuses_a_token_in_the_url(wsgi, agency, browser):
    tokens = _tokens(agency, browser)
    answer = httpx.Client(transport=wsgi).get(f"{USERINFO}?{urlencode({'access_token': tokens['access_token']})}")
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


def test_the_phone_claim_is_released_when_the_account_has_one(wsgi, client, portal, siti):
    agency = _agency(wsgi, portal, scope="openid phone")
    _tokens(agency, _browser(wsgi, client, siti))
    assert agency.get(USERINFO).json()["phone_number"] == siti.phone


def test_the_consent_screen_says_when_there_is_no_phone_to_release(wsgi, client, portal, rina):
    agency = _agency(wsgi, portal, scope="openid phone")
    url, _state = agency.create_authorization_url(AUTHORIZE, code_verifier=secrets.token_urlsafe(48))
    page = _browser(wsgi, client, rina).get(url)
    assert "belum mencatat nomor telepon" in page.text


# --- RP-initiated logout -------------------------------------------------------------------------------


def _logout_url(tokens, **extra) -> str:
    query = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": LOGOUT_URI} | extra
    return f"{LOGOUT}?{urlencode(query)}"


def test_a_hint_from_a_browser_without_a_session_asks_and_revokes_nothing(wsgi, client, agency, browser):
    tokens = _tokens(agency, browser)
    stranger = _browser(wsgi, client, None)
    asked = stranger.get(_logout_url(tokens))
    assert asked.status_code == 200 and "tidak sedang masuk" in asked.text
    confirmed = stranger.post(str(asked.url), data=_hidden_fields(asked.text) | {"allow": "true"})
    assert confirmed.headers["location"].startswith(LOGOUT_URI)
    assert agency.get(USERINFO).status_code == 200  # the citizen's sign-in at the agency stands


def test_an_expired_hint_is_refused(agency, browser, settings):
    # An ID token that expired a minute before it was even issued: as old as a hint can get.
    settings.OAUTH2_PROVIDER = settings.OAUTH2_PROVIDER | {"ID_TOKEN_EXPIRE_SECONDS": -60}
    tokens = _tokens(agency, browser)
    refused = browser.get(_logout_url(tokens))
    assert refused.status_code == 400
    assert agency.get(USERINFO).status_code == 200


def test_the_signed_in_persons_own_hint_ends_only_the_asking_clients_sign_in(wsgi, agency, browser):
    other = _agency(wsgi, make_client(name="Portal Kesehatan"))
    tokens, other_tokens = _tokens(agency, browser), _tokens(other, browser)
    answer = browser.get(_logout_url(tokens, state="s1"))
    assert answer.status_code == 302 and answer.headers["location"].startswith(LOGOUT_URI)
    assert agency.get(USERINFO).status_code == 401
    other.token = other_tokens
    assert other.get(USERINFO).status_code == 200  # another agency's sign-in is not this client's to end


def test_the_citizen_may_end_every_apps_sign_in(wsgi, agency, browser):
    other = _agency(wsgi, make_client(name="Portal Kesehatan"))
    _tokens(agency, browser), _tokens(other, browser)
    asked = browser.get(f"{LOGOUT}?{urlencode({'client_id': agency.client_id})}")
    assert asked.status_code == 200
    fields = _hidden_fields(asked.text) | {"allow": "true", "everywhere": "true"}
    assert browser.post(str(asked.url), data=fields).status_code == 302
    assert agency.get(USERINFO).status_code == other.get(USERINFO).status_code == 401
