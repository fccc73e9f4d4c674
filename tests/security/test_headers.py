"""What every page tells the browser: no powerful feature but the camera on the face check, and no copy kept
of a signed-in person's pages (issue 20 §5)."""

import os
import subprocess
import sys

import pytest

from mpp.core.headers import DENY_ALL

pytestmark = pytest.mark.django_db


def test_every_page_denies_the_camera_and_other_features(client):
    response = client.get("/")
    assert response["Permissions-Policy"] == DENY_ALL
    assert "camera=()" in DENY_ALL and "geolocation=()" in DENY_ALL and "microphone=()" in DENY_ALL


def test_an_answer_from_the_public_cache_carries_the_policy_too(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    client.get("/wilayah/64.72/")
    hit = client.get("/wilayah/64.72/")
    assert hit.get("X-Cache") == "hit"
    assert hit["Permissions-Policy"] == DENY_ALL


def test_only_the_face_check_may_use_the_camera(client, siti):
    client.force_login(siti)
    response = client.get("/akun/wajah/")
    assert response.status_code == 200
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert client.get("/akun/")["Permissions-Policy"] == DENY_ALL


@pytest.mark.parametrize(
    "path", ["/akun/", "/akun/penggunaan-data/", "/akun/kuasa/", "/permohonan/", "/brankas/", "/akun/sesi/"]
)
def test_a_citizens_pages_are_never_stored(client, siti, path):
    client.force_login(siti)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_officers_worklist_is_never_stored(client, verifier):
    client.force_login(verifier)
    response = client.get("/petugas/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_public_page_for_an_anonymous_visitor_is_not_marked(client):
    assert "Cache-Control" not in client.get("/wilayah/64.72/")


def _production_setting(name: str, **env) -> str:
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "mpp.example.go.id",
        "OIDC_RSA_PRIVATE_KEY": "unused",
        **env,
    }
    environment.pop("PYTEST_CURRENT_TEST", None)
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()


def test_cookies_are_secure_behind_a_proxy_that_terminates_tls_with_the_redirect_off():
    assert _production_setting("SESSION_COOKIE_SECURE", SECURE_SSL_REDIRECT="false") == "True"
    assert _production_setting("CSRF_COOKIE_SECURE", SECURE_SSL_REDIRECT="false") == "True"
    assert _production_setting("SESSION_COOKIE_SECURE", SECURE_COOKIES="false") == "False"
