"""Uploaded files go only to their owner and to the officers handling the application that uses them."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mpp.applications import links, services
from mpp.applications.links import file_url
from mpp.audit.models import AccessKind, DataAccess
from mpp.documents.services import add_to_vault
from mpp.identity.services import accept_delegation, grant_delegation

from .conftest import FILE_ID, PDF, SITI_NIK, birth_form, new_key

pytestmark = pytest.mark.django_db
URL = f"/berkas/{FILE_ID}/"


def opened_by(client, user, upload_id=FILE_ID):
    """The file as ``user`` opens it: signed in, through a link made for them."""
    client.force_login(user)
    return client.get(file_url(upload_id, user))


@pytest.fixture
def application(siti, birth_service):
    return services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()).application


def test_the_owner_downloads_their_file_as_an_attachment(client, siti):
    response = opened_by(client, siti)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert not DataAccess.objects.exists()


def test_an_officer_of_the_agency_opens_it_and_the_citizen_sees_that(client, application, verifier):
    assert opened_by(client, verifier).status_code == 200
    record = DataAccess.objects.get(kind=AccessKind.OFFICER_VIEW)
    assert (record.subject_nik, record.fields) == (SITI_NIK, ["birth_letter"])
    assert record.actor_label.startswith("Verifikator · ")
    page = client.get(f"/petugas/permohonan/{application.pk}/").content.decode()
    assert f"{URL}?t=" in page  # the officer's page links it


def test_nobody_else_gets_it(client, application, budi, surakarta_verifier, health_verifier):
    for outsider in (budi, surakarta_verifier, health_verifier):
        assert opened_by(client, outsider).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302  # sign in first
    assert not DataAccess.objects.filter(kind=AccessKind.OFFICER_VIEW).exists()


def test_an_upload_not_yet_in_an_application_is_the_owners_alone(client, siti, verifier):
    assert opened_by(client, verifier).status_code == 404


def test_a_link_works_only_for_its_account_and_not_for_long(client, siti, budi, application, verifier, monkeypatch):
    client.force_login(siti)
    assert client.get(URL).status_code == 410  # no link at all
    assert client.get(file_url(FILE_ID, verifier)).status_code == 410  # another account's link
    link = file_url(FILE_ID, siti)
    monkeypatch.setattr(links, "LINK_SECONDS", -1)
    assert client.get(link).status_code == 410
    assert "kedaluwarsa" in client.get(link).content.decode()


def test_a_vault_document_an_application_uses_is_opened_by_its_officers_and_logged(
    client, siti, verifier, birth_service
):

    version = add_to_vault(
        owner=siti,
        uploaded=SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf"),
        document_type="surat-keterangan-lahir",
    )
    chosen = {"source": "vault", "id": str(version.upload_id)}
    services.submit(applicant=siti, service=birth_service, data=birth_form(birth_letter=chosen), submit_key=new_key())
    assert opened_by(client, verifier, version.upload_id).status_code == 200
    record = DataAccess.objects.get(kind=AccessKind.OFFICER_VIEW)
    assert record.fields == ["birth_letter"]


def test_a_delegate_opens_the_grantors_file_and_both_see_it(client, siti, budi):
    offered = grant_delegation(
        grantor=siti, grantee_nik=budi.nik, purpose="Mengurus dokumen", valid_until=date.today() + timedelta(days=30)
    )
    accept_delegation(grantee=budi, delegation_id=offered.pk)
    assert opened_by(client, budi).status_code == 200
    recorded = DataAccess.objects.filter(kind=AccessKind.ON_BEHALF)
    assert {row.subject_nik for row in recorded} == {SITI_NIK, budi.nik}
