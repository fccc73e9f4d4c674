import pyotp
import pytest
from django.core.cache import cache

from mpp.identity.models import AccountSession
from mpp.identity.tests.factories import make_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def _login(client, username, password="correct-horse-battery", **extra):
    return client.post("/akun/masuk/", {"username": username, "password": password, **extra})


def test_citizen_signs_in_with_nik_or_email(client):
    citizen = make_citizen(email="siti@example.test")
    assert _login(client, citizen.nik)["Location"] == "/akun/"
    client.logout()
    assert _login(client, "SITI@example.test")["Location"] == "/akun/"
    assert AccountSession.objects.filter(user=citizen, ended_at__isnull=True).count() == 2


def test_wrong_password_and_unknown_account_get_the_same_answer(client):
    make_citizen()
    wrong = _login(client, "6472015204900003", "wrong-password-1")
    unknown = _login(client, "3372011111110001", "wrong-password-1")
    assert wrong.status_code == unknown.status_code == 400
    assert "NIK/surel atau kata sandi salah" in wrong.content.decode()
    assert "NIK/surel atau kata sandi salah" in unknown.content.decode()


def test_next_is_followed_only_on_this_site(client):
    citizen = make_citizen()
    assert _login(client, citizen.nik, next="/akun/sesi/")["Location"] == "/akun/sesi/"
    client.logout()
    assert _login(client, citizen.nik, next="https://evil.example/")["Location"] == "/akun/"


def test_an_unconfirmed_email_is_confirmed_first(client):
    citizen = make_citizen()
    citizen.email_verified_at = None
    citizen.save()
    assert _login(client, citizen.nik)["Location"] == "/akun/konfirmasi-surel/"


def test_totp_second_step(client):
    citizen = make_citizen()
    client.force_login(citizen)
    client.post("/akun/dua-langkah/", {"action": "start"})
    citizen.refresh_from_db()
    code = pyotp.TOTP(citizen.totp_secret).now()
    assert client.post("/akun/dua-langkah/", {"code": code}).status_code == 302
    citizen.refresh_from_db()
    assert citizen.totp_enabled_at
    client.logout()
    step = _login(client, citizen.nik)
    assert step["Location"].startswith("/akun/masuk/kode/")
    assert "_auth_user_id" not in client.session
    assert client.post("/akun/masuk/kode/", {"code": "000000"}).status_code == 200
    assert client.post("/akun/masuk/kode/", {"code": pyotp.TOTP(citizen.totp_secret).now()})["Location"] == "/akun/"
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_logout_everywhere_ends_every_session(client, django_user_model):
    from django.test import Client

    citizen = make_citizen()
    other_device = Client()
    _login(other_device, citizen.nik)
    _login(client, citizen.nik)
    assert other_device.get("/akun/").status_code == 200
    client.post("/akun/keluar/", {"everywhere": "1"})
    assert other_device.get("/akun/").status_code == 302
    assert not AccountSession.objects.filter(user=citizen, ended_at__isnull=True).exists()


def test_a_citizen_ends_one_other_session_but_not_someone_elses(client):
    from django.test import Client

    citizen, stranger = make_citizen(), make_citizen("3372011111110001")
    phone = Client()
    _login(phone, citizen.nik)
    strangers_phone = Client()
    _login(strangers_phone, stranger.nik)
    _login(client, citizen.nik)
    strangers_session = AccountSession.objects.get(user=stranger)
    client.post("/akun/sesi/", {"session": strangers_session.pk})
    assert strangers_phone.get("/akun/").status_code == 200
    mine = AccountSession.objects.filter(user=citizen).exclude(session_key=client.session.session_key).get()
    client.post("/akun/sesi/", {"session": mine.pk})
    assert phone.get("/akun/").status_code == 302


def test_a_malformed_session_id_is_404_not_an_error(client):
    client.force_login(make_citizen())
    assert client.post("/akun/sesi/", {"session": "abc"}).status_code == 404
    assert client.post("/akun/tingkat/?level=9").status_code in (404, 405)
    assert client.get("/akun/tingkat/", {"level": "x"}).status_code == 404
    assert client.post("/akun/kuasa/", {"revoke": "not-a-uuid"}).status_code == 404


@pytest.mark.parametrize(
    "url", ["/akun/", "/akun/sesi/", "/akun/dua-langkah/", "/akun/wajah/", "/akun/penggunaan-data/", "/akun/kuasa/"]
)
def test_account_pages_need_a_signed_in_citizen(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/?next=")


def test_password_reset_sends_a_working_link_by_smtp(client, smtp_server):
    citizen = make_citizen(email="siti@example.test")
    client.post("/akun/sandi/lupa/", {"email": "siti@example.test"})
    body = smtp_server.last_body()
    link = next(line for line in body.splitlines() if "/akun/sandi/atur/" in line)
    path = link.split("testserver", 1)[1].strip()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "brand-new-secret-9", "new_password2": "brand-new-secret-9"}
    )
    citizen.refresh_from_db()
    assert citizen.check_password("brand-new-secret-9")


def test_password_resets_are_limited_per_address_whatever_its_case_or_padding(client):
    make_citizen(email="siti@example.test")
    for attempt, typed in enumerate(["siti@example.test", " SITI@example.test ", "Siti@Example.Test"]):
        response = client.post("/akun/sandi/lupa/", {"email": typed}, REMOTE_ADDR=f"198.51.100.{attempt}")
        assert response.status_code == 302 and "lupa" not in response["Location"]
    refused = client.post("/akun/sandi/lupa/", {"email": "\tsiti@EXAMPLE.test"}, REMOTE_ADDR="198.51.100.9")
    assert refused["Location"] == "/akun/sandi/lupa/"
