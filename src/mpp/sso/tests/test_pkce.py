"""PKCE with S256 is required of every client: no challenge, a plain one, or the wrong verifier get no tokens."""

import pytest

from .conftest import query_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signed_in(client, siti):
    client.force_login(siti)


def test_authorization_request_without_code_challenge_is_refused(rp):
    response = rp.start("openid", pkce=False)
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == "invalid_request"
    assert answer["error_description"] == "Code challenge required."


def test_plain_code_challenge_method_is_refused(rp):
    response = rp.start("openid", pkce=False, code_challenge=rp.verifier, code_challenge_method="plain")
    if response.status_code == 200:  # refused when the code is created, after consent
        response = rp.consent(response)
    assert query_of(response["Location"])["error"] == "invalid_request"


def test_token_request_without_verifier_is_refused(rp):
    response = rp.exchange(rp.sign_in("openid"), verifier=None)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_token_request_with_the_wrong_verifier_is_refused(rp):
    response = rp.exchange(rp.sign_in("openid"), verifier="x" * 50)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_discovery_offers_only_s256(client):
    assert client.get("/o/.well-known/openid-configuration").json()["code_challenge_methods_supported"] == ["S256"]
