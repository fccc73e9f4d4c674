"""The level of assurance as ``acr`` (urn:mpp:loa:N), and requests for a level the account does not have."""

import pytest

from mpp.sso.acr import required_level

from .conftest import make_citizen, query_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", [1, 2, 3])
def test_acr_carries_the_accounts_level_in_id_token_and_userinfo(client, rp, level):
    client.force_login(make_citizen("6472015204900011", level=level))
    tokens = rp.tokens("openid")
    assert rp.verified_id_token(tokens["id_token"])["acr"] == f"urn:mpp:loa:{level}"
    assert rp.userinfo(tokens["access_token"]).json()["acr"] == f"urn:mpp:loa:{level}"


def test_request_for_a_higher_level_is_refused_with_unmet_authentication_requirements(client, rp, siti):
    client.force_login(siti)  # level 2
    response = rp.start("openid", acr_values="urn:mpp:loa:3")
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert response["Location"].startswith("https://portal.example.go.id/oidc/callback?")
    assert answer["error"] == "unmet_authentication_requirements"
    assert "urn:mpp:loa:3" in answer["error_description"]
    assert answer["state"] == rp.state


def test_request_for_the_accounts_level_or_lower_succeeds(client, rp, siti):
    client.force_login(siti)
    for acr_values in ("urn:mpp:loa:2", "urn:mpp:loa:1", "urn:mpp:loa:3 urn:mpp:loa:2"):
        assert rp.tokens("openid", acr_values=acr_values)["id_token"]


def test_refusal_holds_even_when_the_citizen_already_consented(client, rp, siti):
    client.force_login(siti)
    rp.tokens("openid")
    response = rp.start("openid", acr_values="urn:mpp:loa:3")
    assert query_of(response["Location"])["error"] == "unmet_authentication_requirements"


def test_a_tampered_consent_form_cannot_drop_the_level_requirement_silently(client, rp, siti):
    client.force_login(siti)
    screen = rp.start("openid", acr_values="urn:mpp:loa:2")
    siti.assurance_level = 1  # e.g. the verification was withdrawn while the screen was open
    siti.save()
    response = rp.consent(screen)
    assert query_of(response["Location"])["error"] == "unmet_authentication_requirements"


def test_essential_acr_in_the_claims_parameter_is_honoured_too(client, rp, siti):
    client.force_login(siti)
    response = rp.start("openid", claims='{"id_token": {"acr": {"essential": true, "values": ["urn:mpp:loa:3"]}}}')
    assert query_of(response["Location"])["error"] == "unmet_authentication_requirements"


@pytest.mark.parametrize(
    ("acr_values", "claims", "level"),
    [
        ("", None, None),
        ("urn:mpp:loa:2", None, 2),
        ("urn:mpp:loa:3 urn:mpp:loa:2", None, 2),
        ("urn:other:gold", None, None),
        ("urn:other:gold urn:mpp:loa:3", None, 3),
        ("", {"id_token": {"acr": {"value": "urn:mpp:loa:3"}}}, 3),
        ("", {"id_token": {"acr": None}}, None),
        ("", {"userinfo": {"acr": {"value": "urn:mpp:loa:3"}}}, None),
    ],
)
def test_required_level_reads_acr_values_and_claims(acr_values, claims, level):
    assert required_level(acr_values, claims) == level


def test_discovery_lists_the_acr_values(client):
    metadata = client.get("/o/.well-known/openid-configuration").json()
    assert metadata["acr_values_supported"] == ["urn:mpp:loa:1", "urn:mpp:loa:2", "urn:mpp:loa:3"]
