"""Uploaded files go only to their owner and to the officers handling the application that uses them."""

import pytest

from mpp.applications import services
from mpp.audit.models import AccessKind, DataAccess

from .conftest import FILE_ID, PDF, SITI_NIK, birth_form, new_key

pytestmark = pytest.mark.django_db
URL = f"/berkas/{FILE_ID}/"


@pytest.fixture
def application(siti, birth_service):
    return services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()).application


def test_the_owner_downloads_their_file_as_an_attachment(client, siti):
    client.force_login(siti)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert not DataAccess.objects.exists()


def test_an_officer_of_the_agency_opens_it_and_the_citizen_sees_that(client, application, verifier):
    client.force_login(verifier)
    assert client.get(URL).status_code == 200
    record = DataAccess.objects.get(kind=AccessKind.OFFICER_VIEW)
    assert (record.subject_nik, record.fields) == (SITI_NIK, ["birth_letter"])
    assert record.actor_label.startswith("Verifikator · ")
    page = client.get(f"/petugas/permohonan/{application.pk}/").content.decode()
    assert URL in page  # the officer's page links it


def test_nobody_else_gets_it(client, application, budi, surakarta_verifier, health_verifier):
    for outsider in (budi, surakarta_verifier, health_verifier):
        client.force_login(outsider)
        assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302  # sign in first
    assert not DataAccess.objects.filter(kind=AccessKind.OFFICER_VIEW).exists()


def test_an_upload_not_yet_in_an_application_is_the_owners_alone(client, siti, verifier):
    client.force_login(verifier)
    assert client.get(URL).status_code == 404
