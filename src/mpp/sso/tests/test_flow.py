"""Authorization code flow with PKCE, end to end through the provider: code → tokens → ID token → userinfo."""

import base64

import pytest

from .conftest import SITI_NIK, query_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, siti):
    client.force_login(siti)
    return siti


def test_consenting_citizen_gets_a_code_for_the_registered_redirect_uri(rp, signed_in):
    response = rp.start("openid profile")
    assert response.status_code == 200
    redirect = rp.consent(response)
    assert redirect.status_code == 302
    assert redirect["Location"].startswith("https://portal.example.go.id/oidc/callback?")
    answer = query_of(redirect["Location"])
    assert answer["state"] == rp.state
    assert answer["iss"] == "http://testserver/o"  # RFC 9207: the client can tell which provider answered
    assert answer["code"]


def test_token_response_carries_a_signed_id_token_with_sub_acr_and_nonce_only(rp, signed_in):
    tokens = rp.tokens("openid profile nik")
    assert tokens["token_type"] == "Bearer"
    assert tokens["refresh_token"]
    assert tokens["expires_in"] == 900
    claims = rp.verified_id_token(tokens["id_token"])
    assert claims["sub"] == str(signed_in.public_id)
    assert claims["acr"] == "urn:mpp:loa:2"
    assert claims["nonce"] == rp.nonce
    assert claims["iss"] == "http://testserver/o"
    assert claims["aud"] == rp.client.client_id
    assert {"exp", "iat", "auth_time", "jti", "at_hash"} <= set(claims)
    # Personal data is never in the ID token: it travels in URLs (logout hints) and logs.
    assert not {"name", "nik", "birthdate", "email"} & set(claims)


def test_sub_is_neither_the_nik_nor_the_primary_key(rp, signed_in):
    claims = rp.verified_id_token(rp.tokens("openid")["id_token"])
    assert claims["sub"] not in (SITI_NIK, str(signed_in.pk))


def test_userinfo_answers_the_claims_of_every_granted_scope(rp, signed_in):
    tokens = rp.tokens("openid profile nik address family email phone")
    response = rp.userinfo(tokens["access_token"])
    assert response.status_code == 200
    assert response.json() == {
        "sub": str(signed_in.public_id),
        "acr": "urn:mpp:loa:2",
        "name": "SITI RAHMAWATI",
        "birthdate": "1990-04-12",
        "gender": "female",
        "birth_place": "SAMARINDA",
        "nik": SITI_NIK,
        "address": {
            "formatted": "JL. PAHLAWAN NO. 12 RT 003/RW 002, SIDODADI, SAMARINDA ULU, KOTA SAMARINDA, "
            "KALIMANTAN TIMUR 75123",
            "street_address": "JL. PAHLAWAN NO. 12 RT 003/RW 002",
            "locality": "SIDODADI",
            "region": "KOTA SAMARINDA",
            "postal_code": "75123",
            "country": "ID",
            "kemendagri_code": "64.72.01.1001",
        },
        "kk_number": "6472010101100001",
        "family_members": [
            {"name": "BUDI SANTOSO", "relationship": "KEPALA KELUARGA"},
            {"name": "SITI RAHMAWATI", "relationship": "ISTRI"},
            {"name": "PUTRI SANTOSO", "relationship": "ANAK"},
        ],
        "email": signed_in.email,
        "email_verified": True,
        "phone_number": "+6281234567890",
        "phone_number_verified": False,
    }


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("openid", {"sub", "acr"}),
        ("openid profile", {"sub", "acr", "name", "birthdate", "gender", "birth_place"}),
        ("openid nik", {"sub", "acr", "nik"}),
        ("openid address", {"sub", "acr", "address"}),
        ("openid family", {"sub", "acr", "kk_number", "family_members"}),
        ("openid email", {"sub", "acr", "email", "email_verified"}),
        ("openid phone", {"sub", "acr", "phone_number", "phone_number_verified"}),
    ],
)
def test_userinfo_releases_only_the_claims_of_the_granted_scopes(rp, signed_in, scope, expected):
    tokens = rp.tokens(scope)
    assert set(rp.userinfo(tokens["access_token"]).json()) == expected


def test_family_claim_never_carries_other_members_niks(rp, signed_in):
    body = rp.userinfo(rp.tokens("openid family")["access_token"]).content.decode()
    assert "6472010309870001" not in body
    assert "6472011506150002" not in body


def test_refresh_token_gives_new_tokens_and_a_new_id_token(rp, signed_in):
    first = rp.tokens("openid profile")
    response = rp.refresh(first["refresh_token"])
    assert response.status_code == 200, response.content
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert rp.verified_id_token(second["id_token"])["sub"] == str(signed_in.public_id)
    assert rp.userinfo(second["access_token"]).json()["name"] == "SITI RAHMAWATI"


def test_a_rotated_refresh_token_cannot_be_replayed(rp, signed_in):
    first = rp.tokens("openid")
    second = rp.refresh(first["refresh_token"]).json()
    assert rp.refresh(first["refresh_token"]).status_code == 400
    # Replay revokes the whole family: the stolen-token case.
    assert rp.refresh(second["refresh_token"]).status_code == 400


def test_a_code_is_used_once(rp, signed_in):
    code = rp.sign_in("openid")
    assert rp.exchange(code).status_code == 200
    assert rp.exchange(code).status_code == 400


def test_wrong_client_secret_is_refused(rp, signed_in):
    code = rp.sign_in("openid")
    rp.secret = "not-the-secret"
    assert rp.exchange(code).status_code == 401


def test_an_unregistered_redirect_uri_is_shown_an_error_not_redirected(rp, signed_in):
    rp.redirect_uri = "https://attacker.example/callback"
    response = rp.start("openid")
    assert response.status_code == 400
    assert "attacker" not in response.get("Location", "")
    assert "Permintaan masuk tidak dapat diproses" in response.content.decode()


def test_an_inactive_client_cannot_start_a_sign_in(rp, signed_in):
    rp.client.is_active = False
    rp.client.save()
    assert rp.start("openid").status_code in (400, 401)


def test_client_can_revoke_its_refresh_token(rp, signed_in):
    tokens = rp.tokens("openid")
    basic = base64.b64encode(f"{rp.client.client_id}:{rp.secret}".encode()).decode()
    response = rp.web.post(
        "/o/revoke_token/",
        {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200
    assert rp.refresh(tokens["refresh_token"]).status_code == 400
    assert rp.userinfo(tokens["access_token"]).status_code == 401


def test_a_code_exchange_that_fails_late_writes_nothing(rp, signed_in, monkeypatch):
    # Two requests racing with one code both pass validation; the second finds the code gone
    # when it deletes it, after its tokens were saved. Its whole exchange must roll back.
    from oauth2_provider.models import get_access_token_model, get_grant_model, get_id_token_model

    from mpp.sso.validators import MppOAuth2Validator

    code = rp.sign_in("openid")
    saved = MppOAuth2Validator.save_bearer_token

    def save_then_lose_the_race(self, token, request, *args, **kwargs):
        saved(self, token, request, *args, **kwargs)
        get_grant_model().objects.filter(code=request.code).delete()  # the other request's delete

    monkeypatch.setattr(MppOAuth2Validator, "save_bearer_token", save_then_lose_the_race)
    response = rp.exchange(code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists()
    assert not get_id_token_model().objects.exists()


def test_a_code_exchange_costs_a_fixed_number_of_queries(rp, signed_in, django_assert_max_num_queries):
    code = rp.sign_in("openid profile nik")
    # Grant with its user, client; ID, access and refresh tokens saved and the code deleted in
    # one transaction (a savepoint here, inside the test's transaction); the test client's
    # session cookie adds the session and its user.
    with django_assert_max_num_queries(10):
        assert rp.exchange(code).status_code == 200


def test_resource_indicators_are_refused_at_the_authorization_endpoint(rp, signed_in):
    response = rp.start("openid", resource="https://api.other.example/")
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == "invalid_target"
    assert answer["state"] == rp.state


def test_resource_indicators_are_refused_at_the_token_endpoint(rp, signed_in):
    code = rp.sign_in("openid")
    response = rp.token(
        grant_type="authorization_code",
        code=code,
        redirect_uri=rp.redirect_uri,
        code_verifier=rp.verifier,
        resource="https://api.other.example/",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_target"
