"""Each citizen sees only their own data: data uses, delegations, sessions."""

import datetime
import re

import pytest
from django.utils import timezone

from mpp.audit.models import AccessKind
from mpp.audit.services import record_data_access
from mpp.identity.models import Delegation
from mpp.identity.selectors import Basis, can_act_for
from mpp.identity.tests.factories import make_citizen, make_family, make_person_record

pytestmark = pytest.mark.django_db

SITI, BUDI, CHILD, ADULT_CHILD, STRANGER = (
    "6472015204900003",
    "6472010309870001",
    "6472012107160002",
    "6472010101040001",
    "3372011111110001",
)
KK = "6472010101230001"


@pytest.fixture
def siti():
    citizen = make_citizen(SITI)
    make_person_record(SITI, name="SITI RAHMAWATI", kk_number=KK, relationship="ISTRI", birth_date="1990-04-12")
    make_family(
        KK,
        [
            {"nik": BUDI, "name": "BUDI SANTOSO", "relationship": "KEPALA KELUARGA", "birth_date": "1987-09-03"},
            {"nik": SITI, "name": "SITI RAHMAWATI", "relationship": "ISTRI", "birth_date": "1990-04-12"},
            {"nik": CHILD, "name": "AHMAD FAUZI SANTOSO", "relationship": "ANAK", "birth_date": "2016-07-21"},
            {"nik": ADULT_CHILD, "name": "RINA SANTOSO", "relationship": "ANAK", "birth_date": "2004-01-01"},
        ],
    )
    return citizen


def test_a_parent_may_act_for_a_minor_child_on_the_same_kk_only(siti):
    assert can_act_for(siti, SITI) == Basis.SELF
    assert can_act_for(siti, CHILD) == Basis.PARENT_OF_MINOR
    assert can_act_for(siti, ADULT_CHILD) is None
    assert can_act_for(siti, STRANGER) is None


def test_an_explicit_grant_works_until_revoked_or_expired(client, siti):
    stranger = make_citizen(STRANGER)
    client.force_login(stranger)
    client.post(
        "/akun/kuasa/",
        {
            "grantee_nik": SITI,
            "purpose": "Mengurus KK",
            "valid_until": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    grant = Delegation.objects.get(grantor=stranger)
    assert can_act_for(siti, STRANGER) is None  # offered, not yet accepted
    client.force_login(siti)
    assert client.post("/akun/kuasa/", {"accept": grant.pk}).status_code == 302
    assert can_act_for(siti, STRANGER) == Basis.DELEGATION
    client.force_login(siti)  # the grantee cannot revoke it: only the grantor can
    assert client.post("/akun/kuasa/", {"revoke": grant.pk}).status_code == 404
    client.force_login(stranger)
    client.post("/akun/kuasa/", {"revoke": grant.pk})
    assert can_act_for(siti, STRANGER) is None
    Delegation.objects.filter(pk=grant.pk).update(
        revoked_at=None, valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert can_act_for(siti, STRANGER) is None


def test_a_grant_longer_than_a_year_is_refused_with_a_message(client, siti):
    make_citizen(STRANGER)
    client.force_login(siti)
    response = client.post(
        "/akun/kuasa/",
        {"grantee_nik": STRANGER, "purpose": "x", "valid_until": timezone.localdate() + datetime.timedelta(days=400)},
    )
    assert "paling lama satu tahun" in response.content.decode()
    assert not Delegation.objects.exists()


def test_the_delegations_page_lists_minor_children_from_the_registry(client, siti):
    client.force_login(siti)
    html = client.get("/akun/kuasa/").content.decode()
    assert "AHMAD FAUZI SANTOSO" in html
    assert "RINA SANTOSO" not in html


def test_a_citizen_sees_only_uses_of_their_own_data(client, siti):
    record_data_access(subject_nik=SITI, kind=AccessKind.REGISTRY_READ, actor_label="Dinas X", purpose="Cek A")
    record_data_access(subject_nik=STRANGER, kind=AccessKind.REGISTRY_READ, actor_label="Dinas Y", purpose="Cek B")
    client.force_login(siti)
    html = client.get("/akun/penggunaan-data/").content.decode()
    assert "Dinas X" in html and "Dinas Y" not in html


def test_the_profile_shows_registry_data_read_only_with_its_source(client, siti):
    client.force_login(siti)
    html = client.get("/akun/").content.decode()
    assert "SITI RAHMAWATI" in html
    assert "Dukcapil Kemendagri" in html
    assert "647201••••••0003" in html
    assert "BUDI SANTOSO" in html  # family from the KK


def test_contact_changes_need_a_new_email_confirmation(client, siti, smtp_server):
    client.force_login(siti)
    before = siti.email
    response = client.post("/akun/kontak/", {"email": "baru@example.test", "phone": "081234567890"})
    assert response["Location"] == "/akun/konfirmasi-surel/"
    siti.refresh_from_db()
    assert siti.email == before and siti.email_verified_at is not None  # the confirmed address stays until then
    assert siti.pending_email == "baru@example.test" and siti.phone == "081234567890"
    assert "baru@example.test" in smtp_server.messages[-1]["To"]
    assert "baru@example.test" in client.get("/akun/konfirmasi-surel/").content.decode()
    code = re.search(r"\b(\d{6})\b", smtp_server.last_body()).group(1)
    assert client.post("/akun/konfirmasi-surel/", {"code": code}).status_code == 302
    siti.refresh_from_db()
    assert (siti.email, siti.pending_email) == ("baru@example.test", "")


def test_an_address_another_account_uses_gets_the_same_answer_and_its_owner_a_notice(client, siti, smtp_server):
    make_citizen(STRANGER, email="dipakai@example.test")
    client.force_login(siti)
    taken = client.post("/akun/kontak/", {"email": "Dipakai@example.test", "phone": ""}, follow=True)
    free = client.post("/akun/kontak/", {"email": "bebas@example.test", "phone": ""}, follow=True)
    assert taken.redirect_chain == free.redirect_chain == [("/akun/konfirmasi-surel/", 302)]
    assert "sudah dipakai" not in taken.content.decode()
    notice, code = smtp_server.messages[-2], smtp_server.messages[-1]
    assert "Dipakai@example.test" in notice["To"] and "akun MPP Digital lain" in notice["Subject"]
    assert not re.search(r"\b\d{6}\b", notice.get_body(preferencelist=("plain",)).get_content())
    assert "bebas@example.test" in code["To"]


def test_a_citizen_below_the_level_is_led_to_the_upgrade_step_and_back(client, siti):
    client.force_login(siti)
    response = client.get("/akun/tingkat/", {"level": 3, "next": "/layanan/x/"})
    assert response.status_code == 200
    assert "/akun/wajah/?next=/layanan/x/" in response.content.decode()
    siti.assurance_level = 3
    siti.save()
    assert client.get("/akun/tingkat/", {"level": 3, "next": "/layanan/x/"})["Location"] == "/layanan/x/"
