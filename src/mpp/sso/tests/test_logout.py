"""RP-initiated logout: the agency system sends the citizen to our end-session endpoint."""

from urllib.parse import urlencode

import pytest

from mpp.sso.models import Consent

from .conftest import LOGOUT_URI, query_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signed_in(client, siti):
    client.force_login(siti)


def test_logout_with_the_citizens_id_token_ends_the_session_and_returns_to_the_client(rp, client):
    tokens = rp.tokens("openid")
    query = urlencode({"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": LOGOUT_URI, "state": "s1"})
    response = client.get(f"/o/logout/?{query}")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGOUT_URI)
    assert query_of(response["Location"])["state"] == "s1"
    assert "_auth_user_id" not in client.session
    assert rp.userinfo(tokens["access_token"]).status_code == 401
    assert rp.refresh(tokens["refresh_token"]).status_code == 400
    assert Consent.objects.get().revoked_at is None  # logging out is not withdrawing consent


def test_logout_without_id_token_asks_the_citizen_first(client):
    response = client.get("/o/logout/")
    assert response.status_code == 200
    assert "Keluar dari MPP Digital?" in response.content.decode()
    assert "_auth_user_id" in client.session
    response = client.post("/o/logout/", {"allow": "true"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_citizen_may_choose_to_stay_signed_in(client):
    response = client.post("/o/logout/", {"allow": "false"})
    assert response.status_code == 302
    assert response["Location"] == "/akun/"
    assert "_auth_user_id" in client.session


def test_unregistered_post_logout_redirect_uri_is_refused(rp, client):
    tokens = rp.tokens("openid")
    query = urlencode({"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": "https://attacker.example/"})
    response = client.get(f"/o/logout/?{query}")
    assert response.status_code == 400
    assert "_auth_user_id" in client.session


def test_discovery_advertises_the_end_session_endpoint(client):
    metadata = client.get("/o/.well-known/openid-configuration").json()
    assert metadata["end_session_endpoint"] == "http://testserver/o/logout/"
