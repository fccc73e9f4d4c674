"""Provider metadata and signing keys, as an agency system's OpenID Connect library reads them."""

import json

import pytest
from django.conf import settings
from jwcrypto import jwk

pytestmark = pytest.mark.django_db


def test_discovery_document_describes_the_provider(client):
    response = client.get("/o/.well-known/openid-configuration")
    assert response.status_code == 200
    metadata = response.json()
    assert metadata["issuer"] == "http://testserver/o"
    assert metadata["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert metadata["token_endpoint"] == "http://testserver/o/token/"
    assert metadata["userinfo_endpoint"] == "http://testserver/o/userinfo/"
    assert metadata["jwks_uri"] == "http://testserver/o/.well-known/jwks.json"
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["grant_types_supported"] == ["authorization_code", "refresh_token", "client_credentials"]
    # Only RS256: client secrets are stored hashed, so an HS256 ID token could never be signed for them.
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert metadata["revocation_endpoint"] == "http://testserver/o/revoke_token/"
    assert metadata["request_parameter_supported"] is False
    assert metadata["subject_types_supported"] == ["public"]
    assert set(metadata["scopes_supported"]) == {"openid", "profile", "nik", "address", "family", "email", "phone"}
    assert {"sub", "acr", "name", "nik", "address", "kk_number", "family_members", "phone_number"} <= set(
        metadata["claims_supported"]
    )
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}


def test_discovery_is_served_under_its_issuer_only(client):
    # The issuer is <host>/o: its metadata lives at <issuer>/.well-known/… (OIDC Discovery 4, RFC 8414 3).
    assert client.get("/o/.well-known/openid-configuration").json()["issuer"] == "http://testserver/o"
    assert client.get("/.well-known/openid-configuration").status_code == 404


def test_oauth_authorization_server_metadata_agrees(client):
    metadata = client.get("/o/.well-known/oauth-authorization-server").json()
    assert metadata["issuer"] == "http://testserver/o"
    assert metadata["grant_types_supported"] == ["authorization_code", "refresh_token", "client_credentials"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["revocation_endpoint"] == "http://testserver/o/revoke_token/"


def test_jwks_publishes_the_public_half_of_the_signing_key(client):
    response = client.get("/o/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age=" in response["Cache-Control"]
    [key] = response.json()["keys"]
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert "d" not in key and "p" not in key  # never the private parts
    signing_key = jwk.JWK.from_pem(settings.OIDC_RSA_PRIVATE_KEY.encode())
    assert key["kid"] == signing_key.thumbprint()
    assert key["n"] == json.loads(signing_key.export_public())["n"]


def test_self_service_application_management_of_the_toolkit_is_not_routed(client, siti):
    client.force_login(siti)
    for path in ("/o/applications/", "/o/applications/register/", "/o/authorized_tokens/", "/o/register/"):
        assert client.get(path).status_code == 404, path
