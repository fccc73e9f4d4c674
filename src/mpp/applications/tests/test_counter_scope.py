"""Least privilege at the counter: a counter officer opens the applications they filed and those of a citizen
standing at the counter (found by number and NIK digits), never the agency's online applications (issue 20 §6)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from mpp.applications import presence, services
from mpp.applications.links import file_url
from mpp.applications.models import Application, Channel
from mpp.audit.models import AccessKind, DataAccess
from mpp.identity.models import Role

from .conftest import FILE_ID, SITI_NIK, birth_form, new_key, officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def counter_officer(db):
    return officer("loket.samarinda", Role.COUNTER_OFFICER)


@pytest.fixture
def online(siti, birth_service) -> Application:
    """Siti's application, filed from home: it uses her uploaded file."""
    return services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key(), allow_duplicate=True
    ).application


@pytest.fixture
def filed_at_the_counter(siti, birth_service, counter_officer) -> Application:
    return services.submit(
        applicant=siti,
        service=birth_service,
        data=birth_form(),
        submit_key=new_key(),
        allow_duplicate=True,
        channel=Channel.COUNTER,
        entered_by=counter_officer,
    ).application


def test_a_counter_officer_cannot_open_an_online_application_of_their_agency(client, counter_officer, online):
    client.force_login(counter_officer)
    assert client.get(f"/petugas/permohonan/{online.pk}/").status_code == 404
    lookup = client.post(f"/petugas/permohonan/{online.pk}/kependudukan/", {"reason": "Warga bertanya di loket"})
    assert lookup.status_code == 404
    assert client.get(file_url(FILE_ID, counter_officer)).status_code == 404
    assert not DataAccess.objects.filter(actor=counter_officer).exists()


def test_the_back_office_of_the_agency_still_opens_it(client, verifier, online):
    client.force_login(verifier)
    assert client.get(f"/petugas/permohonan/{online.pk}/").status_code == 200
    assert client.get(file_url(FILE_ID, verifier)).status_code == 200


def test_a_counter_officer_opens_what_they_filed(client, counter_officer, filed_at_the_counter, online):
    client.force_login(counter_officer)
    assert client.get(f"/petugas/permohonan/{filed_at_the_counter.pk}/").status_code == 200
    assert client.get(f"/petugas/permohonan/{online.pk}/").status_code == 404


def test_another_counter_officer_does_not_open_what_a_colleague_filed(client, filed_at_the_counter):
    colleague = officer("loket2.samarinda", Role.COUNTER_OFFICER)
    client.force_login(colleague)
    assert client.get(f"/petugas/permohonan/{filed_at_the_counter.pk}/").status_code == 404


def test_the_citizen_at_the_counter_opens_their_application_by_number_and_nik_digits(client, counter_officer, online):
    client.force_login(counter_officer)
    wrong = client.post("/loket/cari/", {"tracking_number": online.tracking_number, "nik_last4": "0000"})
    assert wrong.status_code == 404
    assert client.get(f"/petugas/permohonan/{online.pk}/").status_code == 404
    found = client.post("/loket/cari/", {"tracking_number": online.tracking_number.lower(), "nik_last4": SITI_NIK[-4:]})
    assert found.status_code == 302 and found["Location"] == f"/petugas/permohonan/{online.pk}/"
    assert client.get(found["Location"]).status_code == 200
    assert client.get(file_url(FILE_ID, counter_officer)).status_code == 200
    assert DataAccess.objects.filter(actor=counter_officer, kind=AccessKind.OFFICER_VIEW).exists()


def test_an_application_of_another_agency_is_not_found_at_the_counter(client, online):
    health_counter = officer("loket.dinkes.samarinda", Role.COUNTER_OFFICER, kind="dinkes")
    client.force_login(health_counter)
    answer = client.post("/loket/cari/", {"tracking_number": online.tracking_number, "nik_last4": SITI_NIK[-4:]})
    assert answer.status_code == 404
    assert "Tidak ada permohonan dengan nomor dan NIK itu." in answer.content.decode()


def test_guessing_at_the_counter_is_limited_per_number(client, counter_officer, online):
    client.force_login(counter_officer)
    for attempt in range(10):
        typed = online.tracking_number if attempt % 2 else f" {online.tracking_number.replace('-', ' ')} "
        client.post("/loket/cari/", {"tracking_number": typed, "nik_last4": f"{attempt + 10:04d}"})
    refused = client.post("/loket/cari/", {"tracking_number": online.tracking_number, "nik_last4": SITI_NIK[-4:]})
    assert refused.status_code == 429


def test_the_citizens_presence_ends_after_half_an_hour(online):
    request = RequestFactory().get("/")
    request.session = {}
    now = timezone.now()
    presence.mark_present(request, online.pk, now=now)
    assert presence.present_ids(request, now=now + timedelta(minutes=29)) == (str(online.pk),)
    assert presence.present_ids(request, now=now + timedelta(minutes=31)) == ()


def test_only_counter_officers_find_at_the_counter(client, verifier, siti):
    for user in (verifier, siti):
        client.force_login(user)
        assert client.get("/loket/cari/").status_code == 404
