"""A client gets only the scopes the ministry allowed it, and registry data only for a verified NIK."""

import pytest

from mpp.audit.models import DataAccess
from mpp.registry.selectors import person_record
from mpp.sso.claims import userinfo_claims

from .conftest import make_citizen, make_client, make_person, query_of

pytestmark = pytest.mark.django_db


def test_a_scope_outside_allowed_scopes_is_refused_with_invalid_scope(client, rp, siti):
    client.force_login(siti)
    rp.client.allowed_scopes = ["openid", "profile"]
    rp.client.save()
    response = rp.start("openid profile nik")
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == "invalid_scope"
    assert answer["state"] == rp.state


def test_an_unknown_scope_is_refused(client, rp, siti):
    client.force_login(siti)
    assert query_of(rp.start("openid read")["Location"])["error"] == "invalid_scope"


def test_allowed_scopes_are_checked_again_when_the_consent_form_is_posted(client, rp, siti):
    client.force_login(siti)
    rp.client.allowed_scopes = ["openid", "profile"]
    rp.client.save()
    screen = rp.start("openid profile")
    form = screen.context["form"]
    form.initial["scope"] = "openid profile nik"  # a crafted POST
    response = rp.consent(screen)
    assert query_of(response["Location"])["error"] == "invalid_scope"


def test_without_scope_parameter_only_openid_is_granted(client, rp, siti):
    client.force_login(siti)
    tokens = rp.tokens(None)
    assert tokens["scope"] == "openid"


def test_level_one_account_gets_no_registry_claims(client, rp):
    # A level-1 account typed a NIK nobody confirmed: it must not obtain that person's registry data.
    user = make_citizen("6472015204900029", level=1)
    make_person("6472015204900029", name="ORANG LAIN")
    client.force_login(user)
    screen = rp.start("openid profile nik address email")
    assert "baru dikirim setelah NIK akun Anda terverifikasi" in screen.content.decode()
    rp.consent(screen)
    claims = userinfo_claims(user, ["openid", "profile", "nik", "address", "email"], person_record(user.nik))
    assert set(claims) == {"sub", "acr", "email", "email_verified"}


def test_citizen_without_a_registry_copy_gets_no_registry_claims_and_no_empty_values(siti):
    siti.email = ""
    siti.phone = ""
    from mpp.registry.models import PersonRecord

    PersonRecord.objects.filter(nik=siti.nik).delete()
    scopes = ["openid", "profile", "nik", "address", "family", "email", "phone"]
    assert set(userinfo_claims(siti, scopes, person_record(siti.nik))) == {
        "sub",
        "acr",
    }


def test_unverified_email_is_said_so(siti):
    siti.email_verified_at = None
    assert userinfo_claims(siti, ["openid", "email"], person_record(siti.nik))["email_verified"] is False


def test_staff_account_without_nik_releases_no_registry_claims_and_leaves_no_record(client):
    from mpp.identity.models import User

    staff = User.objects.create_user(username="petugas", email="petugas@example.test", password="x" * 12)
    portal = make_client(name="Aplikasi Internal")
    from .conftest import RelyingParty

    rp = RelyingParty(client, portal)
    client.force_login(staff)
    tokens = rp.tokens("openid profile nik email")
    assert set(rp.userinfo(tokens["access_token"]).json()) == {"sub", "acr", "email", "email_verified"}
    assert not DataAccess.objects.exists()
