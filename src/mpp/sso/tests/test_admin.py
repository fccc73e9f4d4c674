"""The ministry registers agency clients in the admin; MPP managers see none of the SSO's data."""

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from mpp.sso.models import AgencyClient, Consent

from .conftest import make_client

pytestmark = pytest.mark.django_db

SSO_MODELS = [AgencyClient, Consent, get_access_token_model(), get_refresh_token_model()]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_ministry_registers_a_client_whose_secret_is_stored_hashed(client, ministry):
    client.force_login(ministry)
    form = client.get(_url(AgencyClient, "add")).context["adminform"].form
    client_id, secret = form["client_id"].value(), form["client_secret"].value()
    assert len(secret) >= 64  # generated, shown once to be copied
    response = client.post(
        _url(AgencyClient, "add"),
        {
            "name": "SIAK Terpusat",
            "agency_name": "Ditjen Dukcapil",
            "client_id": client_id,
            "client_secret": secret,
            "redirect_uris": "https://siak.example.go.id/callback",
            "post_logout_redirect_uris": "",
            "allowed_scopes": ["openid", "profile", "nik"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    registered = AgencyClient.objects.get(client_id=client_id)
    assert registered.allowed_scopes == ["openid", "profile", "nik"]
    assert registered.client_type == AgencyClient.CLIENT_CONFIDENTIAL
    assert registered.authorization_grant_type == AgencyClient.GRANT_AUTHORIZATION_CODE
    assert registered.algorithm == "RS256"
    assert registered.client_secret != secret
    assert check_password(secret, registered.client_secret)


def test_the_secret_cannot_be_read_back_after_creation(client, ministry):
    registered = make_client()
    client.force_login(ministry)
    form = client.get(_url(AgencyClient, "change", registered.pk)).context["adminform"].form
    assert "client_secret" not in form.fields


def test_openid_is_required_among_the_allowed_scopes(client, ministry):
    client.force_login(ministry)
    response = client.post(
        _url(AgencyClient, "add"),
        {"name": "X", "agency_name": "Y", "redirect_uris": "https://x.example/cb", "allowed_scopes": ["profile"]},
    )
    assert response.status_code == 200
    assert "allowed_scopes" in response.context["adminform"].form.errors


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"allowed_scopes": ["openid", "read"]}, "allowed_scopes"),
        ({"allowed_scopes": ["profile"]}, "allowed_scopes"),
        ({"client_type": "public"}, "client_type"),
        ({"authorization_grant_type": "implicit"}, "authorization_grant_type"),
        ({"algorithm": "HS256"}, "algorithm"),
        ({"redirect_uris": ""}, "redirect_uris"),
    ],
)
def test_only_confidential_code_flow_rs256_clients_with_known_scopes_validate(changes, field):
    candidate = AgencyClient(**{"name": "X", "agency_name": "Y", "redirect_uris": "https://x.example/cb", **changes})
    with pytest.raises(ValidationError) as error:
        candidate.full_clean()
    assert field in error.value.message_dict


@pytest.mark.parametrize("model", SSO_MODELS, ids=lambda m: m.__name__)
def test_mpp_manager_cannot_see_clients_consents_or_tokens(client, samarinda_manager, model):
    client.force_login(samarinda_manager)
    assert client.get(_url(model, "changelist")).status_code == 403


@pytest.mark.parametrize("model", SSO_MODELS, ids=lambda m: m.__name__)
def test_ministry_sees_them(client, ministry, model):
    client.force_login(ministry)
    assert client.get(_url(model, "changelist")).status_code == 200


def test_nobody_adds_a_consent_in_the_admin(client, ministry):
    client.force_login(ministry)
    assert client.get(_url(Consent, "add")).status_code == 403
