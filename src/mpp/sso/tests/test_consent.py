"""Consent: asked once per client and scope set, re-asked for more, visible and revocable by its owner only."""

import pytest

from mpp.sso.models import Consent

from .conftest import query_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, siti):
    client.force_login(siti)
    return siti


def test_consent_screen_names_the_agency_and_each_data_item_in_plain_indonesian(rp, signed_in):
    response = rp.start("openid profile nik address family email phone")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dinas Penanaman Modal meminta data berikut dari akun Anda" in page
    for item in [
        "Nama lengkap, tanggal lahir, jenis kelamin, tempat lahir",
        "NIK",
        "Alamat sesuai KK",
        "Nomor KK dan nama anggota keluarga",
        "Alamat surel",
        "Nomor telepon",
    ]:
        assert item in page
    assert ">Setujui</button>" in page
    assert ">Tolak</button>" in page
    assert "647201••••••0003" in page  # who is signed in, masked


def test_consent_screen_lists_only_what_is_asked(rp, signed_in):
    page = rp.start("openid email").content.decode()
    assert "Alamat surel" in page
    assert "Alamat sesuai KK" not in page
    assert "Nomor telepon" not in page


def test_declining_returns_access_denied_and_remembers_nothing(rp, signed_in):
    response = rp.consent(rp.start("openid profile"), allow=False)
    answer = query_of(response["Location"])
    assert answer["error"] == "access_denied"
    assert answer["state"] == rp.state
    assert not Consent.objects.exists()
    assert rp.start("openid profile").status_code == 200


def test_consent_is_remembered_for_the_same_or_fewer_scopes(rp, signed_in):
    rp.tokens("openid profile nik")
    for scope in ("openid profile nik", "openid nik", "openid"):
        response = rp.start(scope)
        assert response.status_code == 302, scope
        assert "code" in query_of(response["Location"])
    consent = Consent.objects.get()
    assert consent.scopes == ["openid", "profile", "nik"]
    assert consent.user == signed_in


def test_more_scopes_ask_again_and_widen_the_consent(rp, signed_in):
    rp.tokens("openid profile")
    response = rp.start("openid profile address")
    assert response.status_code == 200
    rp.consent(response)
    assert Consent.objects.get().scopes == ["openid", "profile", "address"]
    assert rp.start("openid address").status_code == 302


def test_consent_is_per_client(rp, signed_in, client):
    from .conftest import RelyingParty, make_client

    rp.tokens("openid profile")
    other = RelyingParty(client, make_client(name="Portal Lain", agency_name="Dinas Lain"))
    assert other.start("openid profile").status_code == 200


def test_consent_is_per_citizen(rp, signed_in, rina, client):
    rp.tokens("openid profile")
    client.force_login(rina)
    assert rp.start("openid profile").status_code == 200


def test_prompt_consent_shows_the_screen_again(rp, signed_in):
    rp.tokens("openid")
    assert rp.start("openid", prompt="consent").status_code == 200


def test_prompt_none_without_consent_answers_consent_required(rp, signed_in):
    response = rp.start("openid", prompt="none")
    assert query_of(response["Location"])["error"] == "consent_required"


def test_prompt_none_with_consent_signs_in_silently(rp, signed_in):
    rp.tokens("openid")
    assert "code" in query_of(rp.start("openid", prompt="none")["Location"])


def test_anonymous_visitor_is_sent_to_the_login_page_and_back(rp, client):
    response = rp.start("openid")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/?next=/o/authorize/")


def test_anonymous_prompt_none_answers_login_required(rp, client, portal):
    response = rp.start("openid", prompt="none")
    assert query_of(response["Location"])["error"] == "login_required"


# --- the citizen's list of connected apps ---------------------------------------------------


def test_connected_apps_page_lists_each_consented_client_with_its_data(rp, signed_in, client):
    rp.tokens("openid profile email")
    page = client.get("/akun/aplikasi/").content.decode()
    assert "Portal Perizinan" in page
    assert "Dinas Penanaman Modal" in page
    assert "Nama lengkap, tanggal lahir, jenis kelamin, tempat lahir" in page
    assert "Alamat surel" in page
    assert 'aria-label="Cabut izin Portal Perizinan"' in page


def test_connected_apps_page_needs_a_login(client):
    response = client.get("/akun/aplikasi/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_connected_apps_page_query_count_does_not_grow_with_clients(signed_in, client, django_assert_max_num_queries):
    from mpp.sso.services import grant_consent

    from .conftest import make_client

    for n in range(5):
        grant_consent(user=signed_in, client=make_client(name=f"Portal {n}"), scopes=["openid", "profile"])
    with django_assert_max_num_queries(4):
        assert client.get("/akun/aplikasi/").status_code == 200


def test_revoking_revokes_the_clients_tokens_and_asks_for_consent_again(rp, signed_in, client):
    tokens = rp.tokens("openid profile")
    consent = Consent.objects.get()
    response = client.post(f"/akun/aplikasi/{consent.pk}/cabut/")
    assert response.status_code == 302
    assert response["Location"] == "/akun/aplikasi/"
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert rp.userinfo(tokens["access_token"]).status_code == 401
    assert rp.refresh(tokens["refresh_token"]).status_code == 400
    assert rp.start("openid profile").status_code == 200  # asked again
    assert "Portal Perizinan" not in client.get("/akun/aplikasi/").content.decode()


def test_revoking_leaves_other_clients_and_other_citizens_alone(rp, signed_in, rina, client):
    from .conftest import RelyingParty, make_client

    other = RelyingParty(client, make_client(name="Portal Lain"))
    mine_elsewhere = other.tokens("openid")
    rp.tokens("openid")
    client.force_login(rina)
    rinas = rp.tokens("openid")
    client.force_login(signed_in)
    client.post(f"/akun/aplikasi/{Consent.objects.get(user=signed_in, client=rp.client).pk}/cabut/")
    assert other.userinfo(mine_elsewhere["access_token"]).status_code == 200
    assert rp.userinfo(rinas["access_token"]).status_code == 200


def test_another_citizen_cannot_revoke_my_consent(rp, signed_in, rina, client):
    tokens = rp.tokens("openid")
    consent = Consent.objects.get()
    client.force_login(rina)
    assert client.post(f"/akun/aplikasi/{consent.pk}/cabut/").status_code == 404
    assert "Portal Perizinan" not in client.get("/akun/aplikasi/").content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is None
    assert rp.userinfo(tokens["access_token"]).status_code == 200


def test_revoke_needs_post(rp, signed_in, client):
    rp.tokens("openid")
    consent = Consent.objects.get()
    assert client.get(f"/akun/aplikasi/{consent.pk}/cabut/").status_code == 405


def test_revoke_needs_a_csrf_token(rp, signed_in, siti):
    from django.test import Client

    rp.tokens("openid")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(siti)
    assert strict.post(f"/akun/aplikasi/{Consent.objects.get().pk}/cabut/").status_code == 403


def test_a_consent_form_crafted_with_another_redirect_uri_goes_nowhere(rp, signed_in):
    screen = rp.start("openid")
    screen.context["form"].initial["redirect_uri"] = "https://attacker.example/cb"
    response = rp.consent(screen)
    assert response.status_code == 404
    assert not Consent.objects.exists()
