"""Every release of data about a citizen to an agency system is recorded for that citizen to see."""

import pytest

from mpp.audit.models import AccessKind, DataAccess

from .conftest import SITI_NIK

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signed_in(client, siti):
    client.force_login(siti)


def test_userinfo_answer_is_recorded_with_the_released_claims(rp):
    tokens = rp.tokens("openid profile nik address")
    assert not DataAccess.objects.exists()  # the ID token carries no personal data
    rp.userinfo(tokens["access_token"])
    record = DataAccess.objects.get()
    assert record.subject_nik == SITI_NIK
    assert record.kind == AccessKind.SSO_RELEASE
    assert record.actor_label == "Dinas Penanaman Modal"
    assert record.purpose == "Masuk ke Portal Perizinan (SSO)"
    assert record.fields == ["address", "birth_place", "birthdate", "gender", "name", "nik"]
    assert record.outcome == "dikirim"


def test_each_answer_is_one_record(rp):
    tokens = rp.tokens("openid email")
    rp.userinfo(tokens["access_token"])
    rp.userinfo(tokens["access_token"])
    assert DataAccess.objects.filter(kind=AccessKind.SSO_RELEASE).count() == 2
    assert DataAccess.objects.first().fields == ["email", "email_verified"]


def test_openid_alone_releases_nothing_about_the_person(rp):
    rp.userinfo(rp.tokens("openid")["access_token"])
    assert not DataAccess.objects.exists()


def test_the_client_name_stands_in_when_no_agency_name_is_set(rp):
    rp.client.agency_name = ""
    rp.client.save()
    rp.userinfo(rp.tokens("openid nik")["access_token"])
    assert DataAccess.objects.get().actor_label == "Portal Perizinan"


def test_a_refused_userinfo_request_records_nothing(rp):
    assert rp.userinfo("not-a-token").status_code == 401
    assert not DataAccess.objects.exists()
