"""A real agency system against the real platform: Authlib's OAuth2 client over HTTP, no test shortcuts.

The platform runs as its own process (``manage.py runserver`` on a free loopback port, a fresh
SQLite database in a temp dir, as tests/browser does); the demo citizen, her registry copy and
the agency client are created in that database by ``manage.py seed_sso_demo``, as in the
integrator docs. The test then plays both the citizen's browser (httpx, by hand: login form,
consent form) and the agency system (Authlib: discovery, PKCE, code exchange, userinfo), and
checks the ID token's signature against the JWKS.
"""

import json
import os
import re
import secrets
import warnings
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import authlib.deprecate
import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from mpp.core.testing import free_port, manage, running_platform
from mpp.demo.accounts import DEMO_PASSWORD
from mpp.demo.sso_client import DEMO_NIK as NIK
from simulators.dukcapil.testing import PLATFORM_TEST_KEY as DUKCAPIL_TEST_KEY

with warnings.catch_warnings():
    # (authlib.deprecate is imported above on purpose: importing it installs an "always" filter.)
    # Authlib 1.9 nudges towards its httpx2 backend; the httpx one is what agencies use today.
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client


RELEASES = """
import json
from mpp.audit.models import DataAccess
rows = DataAccess.objects.filter(kind="sso_release")
print(json.dumps([[a.subject_nik, a.actor_label, a.purpose, a.fields] for a in rows]))
"""


@pytest.fixture
def platform(tmp_path, dukcapil_simulator):
    """The platform served by its own process on a fresh SQLite database, reading the registry simulator
    over HTTP: (base URL, env, client id, secret)."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "MPP_DEMO_MODE": "true",
        "MPP_VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
        "DUKCAPIL_URL": dukcapil_simulator.url,
        "DUKCAPIL_API_KEY": DUKCAPIL_TEST_KEY,
    }
    for name in ("DATABASE_URL", "OIDC_RSA_PRIVATE_KEY", "OIDC_RSA_PRIVATE_KEY_FILE", "OIDC_ISSUER"):
        env.pop(name, None)  # SQLite and a generated key, even when the suite runs on PostgreSQL
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    manage("migrate", "--noinput", "-v0", env=env)
    # The same commands as `make run`: demo citizens, then the demo client (fresh secret).
    manage("load_regions", env=env)  # the demo MPP managers belong to regions,
    manage("seed_catalog", env=env)  # and its officers to agencies
    # As make run: the pilots on record and the demo CA first (the demo regions' agreements are signed).
    manage("seed_onboarding", env=env)
    manage("create_demo_ca", env=env)
    manage("seed_demo", env=env)
    seeded = manage("seed_sso_demo", "--redirect-uri", f"{url}/callback", env=env)
    credentials = dict(line.split("=", 1) for line in seeded.splitlines() if line.startswith("MPP_CLIENT_"))
    with running_platform(env, tmp_path / "runserver.log", port) as running:
        yield running, env, credentials["MPP_CLIENT_ID"], credentials["MPP_CLIENT_SECRET"]


def _form_fields(html: str) -> dict[str, str]:
    """Hidden inputs of the page's form (CSRF token, the authorization request)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[unescape(name.group(1))] = unescape(value.group(1)) if value else ""
    return fields


def _follow(browser: httpx.Client, response: httpx.Response, base: str) -> httpx.Response:
    """Follow redirects that stay on the platform; stop at the first one that leaves it (the callback)."""
    while response.is_redirect:
        target = urljoin(str(response.url), response.headers["location"])
        if not target.startswith(base) or urlsplit(target).path == "/callback":
            return response
        response = browser.get(target)
    return response


def test_agency_system_signs_a_citizen_in_with_authlib(platform):
    base, env, client_id, client_secret = platform
    redirect_uri = f"{base}/callback"
    agency = OAuth2Client(
        client_id,
        client_secret,
        scope="openid profile nik",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=10,
    )
    browser = httpx.Client(timeout=10)

    # Discovery, as the agency's library does it.
    metadata = agency.request("GET", f"{base}/o/.well-known/openid-configuration", withhold_token=True).json()
    assert metadata["issuer"] == f"{base}/o"

    # The citizen's browser goes to the authorization URL and is asked to log in.
    code_verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    authorization_url, state = agency.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce, acr_values="urn:mpp:loa:2"
    )
    login_page = _follow(browser, browser.get(authorization_url), base)
    assert login_page.status_code == 200, login_page.text[:2000]
    assert login_page.status_code == 200, login_page.text[:500]
    assert urlsplit(str(login_page.url)).path == "/akun/masuk/"

    # Log in with the real form, then answer the consent screen.
    login = _form_fields(login_page.text) | {"username": NIK, "password": DEMO_PASSWORD}
    consent_page = _follow(browser, browser.post(str(login_page.url), data=login), base)
    assert consent_page.status_code == 200, consent_page.text[:500]
    assert "DPMPTSP Kota Samarinda meminta data berikut dari akun Anda" in consent_page.text
    approval = _form_fields(consent_page.text) | {"allow": "true"}
    callback = browser.post(str(consent_page.url), data=approval)
    assert callback.status_code == 302
    callback_url = callback.headers["location"]
    assert callback_url.startswith(redirect_uri)
    assert parse_qs(urlsplit(callback_url).query)["iss"] == [metadata["issuer"]]  # RFC 9207

    # Back-channel: code → tokens (client_secret_basic, PKCE verifier), then userinfo.
    token = agency.fetch_token(
        metadata["token_endpoint"], authorization_response=callback_url, state=state, code_verifier=code_verifier
    )
    keys = KeySet.import_key_set(agency.request("GET", metadata["jwks_uri"], withhold_token=True).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": client_id},
        nonce={"essential": True, "value": nonce},
        acr={"essential": True, "value": "urn:mpp:loa:2"},
        sub={"essential": True},
    ).validate(id_token.claims)
    assert id_token.header["kid"] == keys.keys[0].kid

    userinfo = agency.get(metadata["userinfo_endpoint"]).json()
    assert userinfo["sub"] == id_token.claims["sub"] != NIK
    assert userinfo["acr"] == "urn:mpp:loa:2"
    assert userinfo["name"] == "SITI RAHMAWATI"
    assert userinfo["nik"] == NIK
    assert userinfo["birthdate"] == "1990-04-12"
    assert userinfo["gender"] == "female"

    # The release is on the citizen's record of who used her data.
    releases = json.loads(manage("shell", "-v0", "-c", RELEASES, env=env))
    assert releases == [
        [
            NIK,
            "DPMPTSP Kota Samarinda",
            "Masuk ke Portal Perizinan Demo (SSO)",
            ["birth_place", "birthdate", "gender", "name", "nik"],
        ]
    ]
