"""The vault and the public verification pages over HTTP: bad input, the wrong user, guessing."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mpp.applications import services as applications
from mpp.applications.models import Application
from mpp.applications.tests.conftest import PDF, birth_form, new_key, officer
from mpp.catalog.models import Service
from mpp.catalog.selectors import service_detail
from mpp.documents.models import IssuedDocument, Origin, VaultDocument
from mpp.identity.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def pdf(name="ijazah.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_citizen_keeps_versions_of_an_uploaded_document_and_removes_it(client, siti):
    client.force_login(siti)
    response = client.post("/brankas/", {"document_type": "ijazah", "title": "Ijazah SMA", "file": pdf()})
    assert response.status_code == 302
    document = VaultDocument.objects.get(owner=siti)
    client.post("/brankas/", {"document_type": "ijazah", "document": document.pk, "file": pdf("baru.pdf")})
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    assert "Ijazah SMA" in client.get("/brankas/").content.decode()
    assert client.post(f"/brankas/{document.pk}/hapus/", {"confirm": "yes"}).status_code == 302
    assert not VaultDocument.objects.filter(pk=document.pk).exists()


def test_file_storage_that_refuses_is_a_clear_error_and_leaves_no_record(client, siti, settings, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_bytes(b"")
    settings.MEDIA_ROOT = str(blocked / "media")  # every write fails, as on a full or read-only volume (even as root)
    client.force_login(siti)
    uploads = siti.uploads.count()
    response = client.post("/brankas/", {"document_type": "ijazah", "title": "Ijazah SMA", "file": pdf()})
    assert response.status_code == 400
    assert "gangguan penyimpanan" in response.content.decode() and "Ijazah SMA" in response.content.decode()
    assert not VaultDocument.objects.filter(owner=siti).exists() and siti.uploads.count() == uploads


def test_a_file_that_is_not_a_document_is_refused_on_its_field(client, siti):
    client.force_login(siti)
    response = client.post("/brankas/", {"document_type": "ijazah", "file": pdf("x.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not VaultDocument.objects.exists()


def test_another_citizens_document_is_not_found(client, siti, budi):
    client.force_login(siti)
    client.post("/brankas/", {"document_type": "ijazah", "file": pdf()})
    document = VaultDocument.objects.get(owner=siti)
    other = Client()
    other.force_login(budi)
    other.post(f"/brankas/{document.pk}/hapus/", {"confirm": "yes"})
    assert VaultDocument.objects.filter(pk=document.pk).exists()
    other.post("/brankas/", {"document_type": "ijazah", "document": document.pk, "file": pdf()})
    assert document.versions.count() == 1
    assert "ijazah" not in other.get("/brankas/").content.decode().lower().split("<h2>")[0]


def approved_birth(siti, verifier, approver):
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="akta-kelahiran").pk)
    application = applications.submit(
        applicant=siti, service=service, data=birth_form(), submit_key=new_key()
    ).application
    application = applications.act(
        application_id=application.pk, officer=verifier, action="accept", expected_version=application.version
    )
    applications.act(
        application_id=application.pk, officer=approver, action="approve", expected_version=application.version
    )
    return IssuedDocument.objects.get(application=application)


def test_an_issued_birth_certificate_is_in_the_vault_and_cannot_be_removed(client, siti, verifier, approver):
    issued = approved_birth(siti, verifier, approver)
    entry = VaultDocument.objects.get(owner=siti, issued=issued)
    assert entry.origin == Origin.ISSUED
    client.force_login(siti)
    client.post(f"/brankas/{entry.pk}/hapus/", {"confirm": "yes"})
    assert VaultDocument.objects.filter(pk=entry.pk).exists()
    html = client.get("/brankas/").content.decode()
    assert issued.number in html and f"/verify/{issued.code}" in html


def test_an_upload_an_open_application_uses_cannot_be_removed(client, siti, birth_service):
    client.force_login(siti)
    client.post("/brankas/", {"document_type": "surat-keterangan-lahir", "file": pdf()})
    document = VaultDocument.objects.get(owner=siti)
    upload_id = str(document.versions.get().upload_id)
    service = service_detail(birth_service.pk)
    applications.submit(
        applicant=siti,
        service=service,
        data=birth_form(birth_letter={"source": "vault", "id": upload_id}),
        submit_key=new_key(),
    )
    response = client.post(f"/brankas/{document.pk}/hapus/", {"confirm": "yes"}, follow=True)
    assert "masih berjalan" in response.content.decode()
    assert VaultDocument.objects.filter(pk=document.pk).exists()


def test_unknown_codes_say_only_that_and_guessing_is_limited(client):
    response = client.get("/verify/tebak-tebakan")
    assert response.status_code == 404 and "Tidak dikenal." in response.content.decode()
    statuses = {client.get(f"/verify/kode{i}").status_code for i in range(130)}
    assert 429 in statuses


def test_a_tampered_pdf_is_reported_invalid_with_the_reason(client, siti, verifier, approver):
    issued = approved_birth(siti, verifier, approver)
    signed = bytearray(issued.upload.file.open("rb").read())
    signed[len(signed) // 3] ^= 0x01
    response = client.post("/verify/", {"file": pdf("akta.pdf", bytes(signed))})
    html = response.content.decode()
    assert response.status_code == 200 and "Tidak sah." in html
    appended = client.post("/verify/", {"file": pdf("akta.pdf", bytes(issued.upload.file.open("rb").read()) + b"%x\n")})
    assert "Tidak sah." in appended.content.decode()


def test_a_non_pdf_gets_a_clear_answer_not_an_error(client):
    response = client.post("/verify/", {"file": pdf("foto.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100)})
    assert response.status_code == 200 and "Tidak sah." in response.content.decode()
    assert client.post("/verify/", {}).status_code == 400


def test_another_agency_cannot_revoke_and_an_unknown_code_is_not_found(client, siti, verifier, approver):
    issued = approved_birth(siti, verifier, approver)
    client.force_login(officer("kadinkes.samarinda", Role.APPROVER, kind="dinkes"))
    assert client.post(f"/petugas/dokumen/{issued.code}/cabut/", {"reason": "x"}).status_code == 404
    client.force_login(approver)
    assert client.post("/petugas/dokumen/tidak-ada/cabut/", {"reason": "x"}).status_code == 404
    client.post(f"/petugas/dokumen/{issued.code}/cabut/", {"reason": ""})
    issued.refresh_from_db()
    assert not issued.is_revoked  # a reason is required


def test_the_form_offers_the_vault_document_and_an_application_uses_it_without_an_upload(client, siti, birth_service):
    client.force_login(siti)
    client.post("/brankas/", {"document_type": "surat-keterangan-lahir", "title": "Surat lahir RS", "file": pdf()})
    upload_id = str(VaultDocument.objects.get(owner=siti).versions.get().upload_id)
    url = f"/layanan/{birth_service.pk}/ajukan/"
    html = client.get(url).content.decode()
    assert "Dari brankas: Surat lahir RS" in html
    assert f'name="birth_letter__vault" value="{upload_id}" checked' in html
    form = {**birth_form(), "submit_key": "vault-1", "birth_letter__vault": upload_id}
    del form["birth_letter"]
    response = client.post(url, form)
    assert response.status_code == 302
    application = Application.objects.get(applicant=siti, submit_key="vault-1")
    assert application.data["birth_letter"] == {"source": "vault", "id": upload_id}


def test_only_the_approving_official_of_the_issuer_may_revoke(client, siti, verifier, approver):
    issued = approved_birth(siti, verifier, approver)
    client.force_login(verifier)  # the same agency, but not its approving official
    assert client.post(f"/petugas/dokumen/{issued.code}/cabut/", {"reason": "x"}).status_code == 404
    assert "Cabut dokumen" not in client.get(f"/petugas/permohonan/{issued.application_id}/").content.decode()
    issued.refresh_from_db()
    assert not issued.is_revoked
