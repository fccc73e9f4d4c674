"""The userinfo endpoint (OpenID Connect Core 5.3, RFC 6750): how the access token is sent, and every refusal."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from mpp.audit.models import DataAccess
from mpp.registry.models import PersonRecord

from .conftest import SITI_NIK

AccessToken = get_access_token_model()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signed_in(client, siti):
    client.force_login(siti)


@pytest.fixture
def access_token(rp):
    return rp.tokens("openid profile nik email")["access_token"]


def stored(access_token: str):
    return AccessToken.objects.get(token_checksum=hashlib.sha256(access_token.encode()).hexdigest())


def assert_refused(response, status: int, error: str | None):
    assert response.status_code == status
    assert response["Cache-Control"] == "no-store"
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    if error:
        assert f'error="{error}"' in challenge
        assert response.json()["error"] == error
    else:
        assert "error=" not in challenge  # RFC 6750 3.1: no error code when no token was sent
    assert response.json()["error_description"]
    assert not DataAccess.objects.exists()


def test_the_claims_are_answered_not_cached_and_with_the_registry_copy(rp, access_token):
    response = rp.userinfo(access_token)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    claims = response.json()
    assert claims["nik"] == SITI_NIK
    assert claims["name"] == "SITI RAHMAWATI"
    assert claims["email_verified"] is True


def test_the_token_may_come_in_a_post_form_body(client, access_token):
    response = client.post("/o/userinfo/", {"access_token": access_token})
    assert response.status_code == 200
    assert response.json()["nik"] == SITI_NIK


def test_the_scheme_name_is_case_insensitive(client, access_token):
    assert client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"bearer {access_token}").status_code == 200


def test_no_token_is_a_challenge_without_error_code(client):
    assert_refused(client.get("/o/userinfo/"), 401, None)
    assert_refused(client.get("/o/userinfo/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"), 401, None)


def test_a_token_sent_twice_is_a_bad_request(client, access_token):
    response = client.post("/o/userinfo/", {"access_token": access_token}, HTTP_AUTHORIZATION=f"Bearer {access_token}")
    assert_refused(response, 400, "invalid_request")


def test_a_token_in_the_query_string_is_refused(client, access_token):
    # RFC 6750 2.3 lets URLs carry tokens, which then land in logs: we refuse it as a bad request.
    assert_refused(client.get(f"/o/userinfo/?access_token={access_token}"), 400, "invalid_request")


def test_other_methods_are_not_allowed(client, access_token):
    assert client.put("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}").status_code == 405


@pytest.mark.parametrize("token", ["not-a-token", "x" * 5000, "ä-ö", "\x00"])
def test_an_unknown_token_is_invalid(rp, token):
    assert_refused(rp.userinfo(token), 401, "invalid_token")


def test_an_expired_token_is_invalid(rp, access_token):
    AccessToken.objects.filter(pk=stored(access_token).pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert_refused(rp.userinfo(access_token), 401, "invalid_token")


def test_a_deactivated_clients_token_is_invalid(rp, access_token):
    rp.client.is_active = False
    rp.client.save()
    assert_refused(rp.userinfo(access_token), 401, "invalid_token")


def test_a_deactivated_accounts_token_is_invalid(rp, siti, access_token):
    siti.is_active = False
    siti.save()
    assert_refused(rp.userinfo(access_token), 401, "invalid_token")


def test_a_token_without_openid_is_insufficient(rp, access_token):
    AccessToken.objects.filter(pk=stored(access_token).pk).update(scope="profile nik")
    assert_refused(rp.userinfo(access_token), 403, "insufficient_scope")


def test_without_a_registry_copy_only_account_claims_are_released(rp, access_token):
    PersonRecord.objects.filter(nik=SITI_NIK).delete()
    assert set(rp.userinfo(access_token).json()) == {"sub", "acr", "email", "email_verified"}


def test_another_citizens_token_answers_about_that_citizen_only(client, rp, rina, access_token):
    client.force_login(rina)
    rinas = rp.tokens("openid nik")["access_token"]
    assert rp.userinfo(rinas).json()["nik"] == rina.nik
    assert rp.userinfo(access_token).json()["nik"] == SITI_NIK
