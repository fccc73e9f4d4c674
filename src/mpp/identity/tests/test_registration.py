"""Registration end to end: the platform, the registry simulator over HTTP, and a real SMTP server."""

import re
import sqlite3

import pytest
from django.core.cache import cache

from mpp.audit.models import AccessKind, DataAccess
from mpp.identity.models import AssuranceLevel, User
from mpp.registry.models import PersonRecord
from simulators.dukcapil.testing import set_faults

pytestmark = pytest.mark.django_db

SITI = {"nik": "6472035204900001", "name": "Siti Rahmawati", "birth_date": "1990-04-12"}
# The simulator's fixed demo population: (NIK, name, birth date).
DEMO = [
    ("6472030309870001", "BUDI SANTOSO", "1987-09-03"),
    ("6472035204900001", "SITI RAHMAWATI", "1990-04-12"),
    ("6472054211950001", "DEWI LESTARI", "1995-11-02"),
    ("3372013001790001", "JOKO WIDODO PRATAMA", "1979-01-30"),
    ("3372015506820001", "SRI WAHYUNI", "1982-06-15"),
    ("3372011003040001", "BAGUS PRATAMA", "2004-03-10"),
]


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def mail_on_commit(django_capture_on_commit_callbacks):
    """Run what a request queued for after its commit (the confirmation e-mail), as production does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _form(nik, name, birth_date, email=None, **extra):
    return {
        "nik": nik,
        "name": name,
        "birth_date": birth_date,
        "email": email or f"{nik}@example.test",
        "phone": "",
        "password": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
        **extra,
    }


def test_a_citizen_registers_confirms_the_emailed_code_and_is_nik_verified(
    client, dukcapil, smtp_server, mail_on_commit
):
    with mail_on_commit():
        response = client.post("/akun/daftar/", _form(**SITI, email="siti@example.test"))
    assert response["Location"] == "/akun/konfirmasi-surel/"
    user = User.objects.get(nik=SITI["nik"])
    assert user.email_verified_at is None
    code = re.search(r"\b(\d{6})\b", smtp_server.last_body()).group(1)
    assert smtp_server.messages[-1]["To"] == "siti@example.test"

    assert client.post("/akun/konfirmasi-surel/", {"code": code})["Location"] == "/akun/"
    user.refresh_from_db()
    assert user.assurance_level == AssuranceLevel.NIK_VERIFIED
    record = PersonRecord.objects.get(nik=SITI["nik"])
    assert record.data["name"] == "SITI RAHMAWATI"
    assert record.data["address"]["regency_code"] == "64.72"
    html = client.get("/akun/").content.decode()
    assert "SITI RAHMAWATI" in html and "AHMAD FAUZI SANTOSO" in html  # profile and family from the registry
    uses = set(DataAccess.objects.filter(subject_nik=SITI["nik"]).values_list("kind", flat=True))
    assert {AccessKind.REGISTRY_VERIFY, AccessKind.REGISTRY_READ, AccessKind.FAMILY_READ} <= uses


def test_a_wrong_name_and_an_unknown_nik_get_the_same_answer(client, dukcapil):
    wrong_name = client.post("/akun/daftar/", _form(SITI["nik"], "Siti Rahma", SITI["birth_date"]))
    unknown = client.post("/akun/daftar/", _form("6472035204900099", "Siti Rahmawati", "1990-04-12"))
    assert wrong_name.status_code == unknown.status_code == 400
    message = "Data tidak cocok dengan data kependudukan"
    assert message in wrong_name.content.decode() and message in unknown.content.decode()
    assert not User.objects.exists()


def test_a_malformed_nik_is_a_field_error_before_any_registry_call(client, dukcapil):
    response = client.post("/akun/daftar/", _form("6472993204900001", "X Y", "1990-04-12"))
    assert response.status_code == 400
    assert response.context["form"].errors["nik"]
    assert not DataAccess.objects.exists()


def test_the_same_nik_cannot_register_twice(client, dukcapil):
    client.post("/akun/daftar/", _form(**SITI))
    client.logout()
    again = client.post("/akun/daftar/", _form(**SITI, email="other@example.test"))
    assert "sudah memiliki akun" in again.content.decode()
    assert User.objects.filter(nik=SITI["nik"]).count() == 1


def test_a_registry_that_is_down_creates_nothing_and_the_form_can_be_resumed(client, dukcapil, smtp_server):
    set_faults(dukcapil, error_rate=1.0)
    response = client.post("/akun/daftar/", _form(**SITI, email="siti@example.test"))
    assert response.status_code == 400
    assert "tidak dapat dihubungi" in response.content.decode()
    assert not User.objects.exists()
    assert not smtp_server.messages
    set_faults(dukcapil)
    from mpp.registry.dukcapil import breaker

    breaker.close()
    resumed = client.get("/akun/daftar/")
    assert resumed.context["resumed"]
    assert resumed.context["form"].initial["email"] == "siti@example.test"
    assert "password" not in resumed.context["form"].initial


def test_with_half_the_registry_calls_failing_nothing_crashes_or_is_half_created(
    client, dukcapil, smtp_server, mail_on_commit
):
    from mpp.registry.dukcapil import breaker

    set_faults(dukcapil, error_rate=0.5)
    outcomes = []
    for nik, name, born in DEMO:
        for _attempt in range(3):
            cache.clear()
            breaker.close()
            client.logout()
            with mail_on_commit():
                response = client.post("/akun/daftar/", _form(nik, name, born))
            assert response.status_code in (302, 400)
            created = User.objects.filter(nik=nik).exists()
            # Acknowledged (redirect) ⇔ the account exists and its code was mailed; refused ⇔ nothing exists.
            assert created == (response.status_code == 302)
            if created:
                assert any(nik in m["To"] for m in smtp_server.messages)
                outcomes.append("ok")
                break
            outcomes.append("refused")
    assert "ok" in outcomes
    # The registry really failed about half of the calls (the client's retries absorbed most of them).
    with sqlite3.connect(dukcapil.db) as registry_db:
        failed = registry_db.execute("SELECT count(*) FROM access_log WHERE status >= 500").fetchone()[0]
    assert failed >= 1
