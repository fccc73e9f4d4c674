"""The per-process memo of client-secret checks: the slow hash once per right secret, never a shortcut otherwise."""

import base64
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password
from oauthlib.common import Request

from mpp.sso.validators import ClientSecretMemo, MppOAuth2Validator, client_secret_memo

from .conftest import SECRET, make_client

pytestmark = pytest.mark.django_db

TOKEN_URL = "https://testserver/o/token/"


@pytest.fixture(autouse=True)
def empty_memo():
    client_secret_memo.clear()
    yield
    client_secret_memo.clear()


@pytest.fixture
def hasher_calls():
    """Counts the password-hasher checks DOT makes for client secrets."""
    with mock.patch("oauth2_provider.oauth2_validators.check_password", wraps=check_password) as spy:
        yield spy


def basic_auth_request(client_id: str, secret: str) -> Request:
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = Request(TOKEN_URL, http_method="POST", headers={"HTTP_AUTHORIZATION": f"Basic {credentials}"})
    request.grant_type = "authorization_code"
    return request


def authenticate(client_id: str, secret: str) -> bool:
    return MppOAuth2Validator().authenticate_client(basic_auth_request(client_id, secret))


def test_the_stored_secret_is_a_password_hash(portal):
    assert portal.client_secret != SECRET
    assert check_password(SECRET, portal.client_secret)


def test_right_secret_works_twice_with_one_hasher_call(portal, hasher_calls):
    assert authenticate(portal.client_id, SECRET)
    assert authenticate(portal.client_id, SECRET)
    assert hasher_calls.call_count == 1


def test_wrong_secret_is_refused_every_time_and_never_remembered(portal, hasher_calls):
    for _ in range(3):
        assert not authenticate(portal.client_id, "not-the-secret")
    assert hasher_calls.call_count == 3
    assert len(client_secret_memo) == 0


def test_wrong_secret_is_refused_after_the_right_one_was_remembered(portal, hasher_calls):
    assert authenticate(portal.client_id, SECRET)
    assert not authenticate(portal.client_id, SECRET + "x")
    assert not authenticate(portal.client_id, "")
    assert authenticate(portal.client_id, SECRET)
    assert hasher_calls.call_count == 3  # the right secret once, then each wrong one


def test_rotated_secret_refuses_the_old_one(portal, hasher_calls):
    assert authenticate(portal.client_id, SECRET)
    portal.client_secret = "a-new-secret-after-rotation-0987654321"
    portal.save()  # hashed anew, with a new salt
    assert not authenticate(portal.client_id, SECRET)
    assert authenticate(portal.client_id, "a-new-secret-after-rotation-0987654321")
    assert hasher_calls.call_count == 3


def test_the_same_secret_set_again_is_checked_again(portal, hasher_calls):
    assert authenticate(portal.client_id, SECRET)
    portal.client_secret = SECRET
    portal.save()  # the same secret, a new hash: nothing of the old entry applies
    assert authenticate(portal.client_id, SECRET)
    assert hasher_calls.call_count == 2


def test_another_client_does_not_share_the_entry(portal, hasher_calls):
    other = make_client(name="Portal Lain")
    assert authenticate(portal.client_id, SECRET)
    assert authenticate(other.client_id, SECRET)
    assert not authenticate(other.client_id, SECRET[:-1])
    assert hasher_calls.call_count == 3


def test_a_deactivated_client_is_refused_although_its_secret_was_remembered(portal):
    assert authenticate(portal.client_id, SECRET)
    portal.is_active = False
    portal.save()
    assert not authenticate(portal.client_id, SECRET)


def test_the_token_endpoint_checks_the_secret_once_for_two_exchanges(rp, client, siti, hasher_calls):
    client.force_login(siti)
    first = rp.tokens("openid profile")
    rp.verifier, rp.state, rp.nonce = "v" * 50, "another-state", "another-nonce"
    second = rp.tokens("openid profile")
    assert first["access_token"] != second["access_token"]
    assert hasher_calls.call_count == 1


def test_the_token_endpoint_refuses_a_wrong_secret_after_a_right_one(rp, client, siti, hasher_calls):
    client.force_login(siti)
    rp.tokens("openid")
    rp.secret = "not-the-secret"
    response = rp.exchange(rp.sign_in("openid"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_the_memo_is_bounded_least_recently_used_out():
    memo = ClientSecretMemo(max_entries=2)
    memo.remember("a", "hash-a", "secret-a")
    memo.remember("b", "hash-b", "secret-b")
    assert memo.known("a", "hash-a", "secret-a")  # a is now the most recently used
    memo.remember("c", "hash-c", "secret-c")
    assert len(memo) == 2
    assert memo.known("a", "hash-a", "secret-a")
    assert not memo.known("b", "hash-b", "secret-b")
    assert memo.known("c", "hash-c", "secret-c")
