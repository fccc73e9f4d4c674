"""Dangerous actions look dangerous and say what follows: rejecting an application, revoking an issued
document, removing a document from the vault. Without the confirmation the server changes nothing;
with it, only the people allowed to act may. And /verify/ names the signer as people read it."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from mpp.applications import services as applications
from mpp.applications.models import Application, Status
from mpp.applications.tests.conftest import PDF, birth_form, make_upload, new_key, officer
from mpp.catalog.models import Service
from mpp.catalog.selectors import service_detail
from mpp.documents.models import (
    DocumentType,
    IssuedDocument,
    Origin,
    VaultDocument,
    VaultVersion,
    new_verification_code,
)
from mpp.documents.templatetags.signatures import certificate_holder
from mpp.identity.models import Role

pytestmark = pytest.mark.django_db

REVOKE_CONSEQUENCE = "Saya mengerti dokumen ini tidak berlaku lagi bagi siapa pun yang memeriksanya."
DEMO_SIGNER = (
    "CN=MPP Digital DEMO — Penandatangan Dokumen,OU=DEMO — bukan untuk penggunaan resmi,O=MPP Digital DEMO,C=ID"
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def submitted(siti) -> Application:
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="akta-kelahiran").pk)
    return applications.submit(applicant=siti, service=service, data=birth_form(), submit_key=new_key()).application


def issued_birth(siti, verifier, approver) -> IssuedDocument:
    """An approved birth application with its issued certificate, made directly: signing and the
    registry are other tests' subject, and what is checked here only needs the record."""
    application = submitted(siti)
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(
        status=Status.APPROVED, decided_at=now, step="", step_role="", step_due_at=None
    )
    upload = make_upload(siti, str(uuid.uuid4()))
    issued = IssuedDocument.objects.create(
        code=new_verification_code(),
        application=application,
        region=application.region,
        document_type=DocumentType.AKTA_KELAHIRAN,
        number=f"6472-LU-{application.tracking_number}",
        title="KUTIPAN AKTA KELAHIRAN",
        issuer=application.agency.name,
        holder_name="AYU LESTARI SANTOSO",
        upload=upload,
        sha256=upload.sha256,
        signer=DEMO_SIGNER,
        signed_by_demo_ca=True,
        issued_at=now,
    )
    entry = VaultDocument.objects.create(
        owner=siti,
        document_type=DocumentType.AKTA_KELAHIRAN,
        title="Kutipan Akta Kelahiran · AYU LESTARI SANTOSO",
        origin=Origin.ISSUED,
        issued=issued,
        created_at=now,
        updated_at=now,
    )
    VaultVersion.objects.create(document=entry, number=1, upload=upload, created_at=now)
    return issued


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_of(html: str, action_name: str) -> str:
    """The officer page's form of one action (the HTML between its hidden action input and </form>)."""
    start = html.index(f'name="action" value="{action_name}"')
    return html[start : html.index("</form>", start)]


# --- rejecting an application ------------------------------------------------------------------


def test_the_reject_form_is_red_and_asks_to_confirm_what_rejecting_means(siti, verifier):
    application = submitted(siti)
    html = signed_in(verifier).get(f"/petugas/permohonan/{application.pk}/").content.decode()
    reject = form_of(html, "reject")
    assert 'class="danger"' in reject and 'name="confirm"' in reject
    assert "penolakan tidak dapat dibatalkan" in reject
    accept = form_of(html, "accept")
    assert 'class="danger"' not in accept and 'name="confirm"' not in accept


def test_a_rejection_without_the_confirmation_is_refused_and_changes_nothing(siti, verifier):
    application = submitted(siti)
    response = signed_in(verifier).post(
        f"/petugas/permohonan/{application.pk}/tindakan/",
        {"action": "reject", "version": application.version, "note": "Surat lahir tidak terbaca."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Permohonan belum ditolak" in page
    assert "Surat lahir tidak terbaca." in page  # what the officer typed is kept
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS and application.version == 1


def test_a_confirmed_rejection_rejects(siti, verifier):
    application = submitted(siti)
    response = signed_in(verifier).post(
        f"/petugas/permohonan/{application.pk}/tindakan/",
        {"action": "reject", "version": application.version, "note": "Bukan warga Samarinda.", "confirm": "yes"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REJECTED


def test_other_actions_need_no_confirmation(siti, verifier):
    application = submitted(siti)
    response = signed_in(verifier).post(
        f"/petugas/permohonan/{application.pk}/tindakan/", {"action": "accept", "version": application.version}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.step == "approval"


@pytest.mark.parametrize("outsider", ["citizen", "other_region", "other_agency"])
def test_a_confirmed_rejection_by_someone_else_is_not_found(siti, budi, outsider):
    application = submitted(siti)
    user = {
        "citizen": lambda: budi,
        "other_region": lambda: officer("verifikator.surakarta.x", Role.VERIFIER, region="33.72"),
        "other_agency": lambda: officer("verifikator.dinkes.x", Role.VERIFIER, kind="dinkes"),
    }[outsider]()
    response = signed_in(user).post(
        f"/petugas/permohonan/{application.pk}/tindakan/",
        {"action": "reject", "version": application.version, "note": "x", "confirm": "yes"},
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS


# --- revoking an issued document ---------------------------------------------------------------


def test_the_revoke_form_sits_apart_collapsed_and_states_the_consequence(siti, verifier, approver):
    issued = issued_birth(siti, verifier, approver)
    html = signed_in(approver).get(f"/petugas/permohonan/{issued.application_id}/").content.decode()
    issued_box = html[
        html.index('aria-labelledby="issued-title"') : html.index("</section>", html.index("issued-title"))
    ]
    assert "documents:revoke" not in issued_box and "/cabut/" not in issued_box
    zone = re.search(r'<details class="danger-zone" id="revoke">(.*?)</details>', html, re.S)
    assert zone is not None and " open" not in zone.group(0).split(">")[0]
    revoke = zone.group(1)
    assert f"/petugas/dokumen/{issued.code}/cabut/" in revoke
    assert REVOKE_CONSEQUENCE in revoke and 'name="confirm"' in revoke and 'class="danger"' in revoke
    assert html.index('id="revoke"') > html.index('id="timeline-h"')  # at the end, not under the document


def test_a_revocation_without_the_confirmation_is_refused(siti, verifier, approver):
    issued = issued_birth(siti, verifier, approver)
    client = signed_in(approver)
    response = client.post(f"/petugas/dokumen/{issued.code}/cabut/", {"reason": "Data anak salah."}, follow=True)
    assert "Dokumen belum dicabut" in response.content.decode()
    issued.refresh_from_db()
    assert not issued.is_revoked
    assert "Sah." in Client().get(f"/verify/{issued.code}").content.decode()


def test_a_confirmed_revocation_needs_a_reason_too(siti, verifier, approver):
    issued = issued_birth(siti, verifier, approver)
    response = signed_in(approver).post(
        f"/petugas/dokumen/{issued.code}/cabut/", {"reason": "  ", "confirm": "yes"}, follow=True
    )
    assert "Tuliskan alasan pencabutan." in response.content.decode()
    issued.refresh_from_db()
    assert not issued.is_revoked


def test_a_confirmed_revocation_revokes_and_the_form_goes_away(siti, verifier, approver):
    issued = issued_birth(siti, verifier, approver)
    client = signed_in(approver)
    response = client.post(
        f"/petugas/dokumen/{issued.code}/cabut/", {"reason": "Data anak salah.", "confirm": "yes"}, follow=True
    )
    assert f"Dokumen {issued.number} dicabut." in response.content.decode()
    issued.refresh_from_db()
    assert issued.is_revoked
    assert 'id="revoke"' not in client.get(f"/petugas/permohonan/{issued.application_id}/").content.decode()


@pytest.mark.parametrize("who", ["verifier", "other_agency_approver", "citizen"])
def test_a_confirmed_revocation_by_someone_not_allowed_is_not_found(siti, verifier, approver, who):
    issued = issued_birth(siti, verifier, approver)
    user = {
        "verifier": lambda: verifier,
        "other_agency_approver": lambda: officer("kadinkes.samarinda.x", Role.APPROVER, kind="dinkes"),
        "citizen": lambda: siti,
    }[who]()
    response = signed_in(user).post(f"/petugas/dokumen/{issued.code}/cabut/", {"reason": "x", "confirm": "yes"})
    assert response.status_code == 404
    issued.refresh_from_db()
    assert not issued.is_revoked


# --- removing a document from the vault ---------------------------------------------------------


def uploaded(client, title="Ijazah SMA") -> VaultDocument:
    pdf = SimpleUploadedFile("ijazah.pdf", PDF, content_type="application/pdf")
    assert client.post("/brankas/", {"document_type": "ijazah", "title": title, "file": pdf}).status_code == 302
    return VaultDocument.objects.get(title=title)


def test_the_vault_links_to_a_page_that_says_what_removing_means(siti):
    client = signed_in(siti)
    document = uploaded(client)
    vault = client.get("/brankas/").content.decode()
    assert f'<a class="button danger" href="/brankas/{document.pk}/hapus/">' in vault
    assert f'action="/brankas/{document.pk}/hapus/"' not in vault  # no one-click removal
    page = client.get(f"/brankas/{document.pk}/hapus/")
    html = page.content.decode()
    assert page.status_code == 200 and "Ijazah SMA" in html
    assert "Penghapusan tidak dapat dibatalkan." in html
    assert 'name="confirm" value="yes"' in html and 'class="danger"' in html
    assert VaultDocument.objects.filter(pk=document.pk).exists()


def test_a_removal_without_the_confirmation_asks_again_and_keeps_the_document(siti):
    client = signed_in(siti)
    document = uploaded(client)
    response = client.post(f"/brankas/{document.pk}/hapus/")
    assert response.status_code == 400 and "Dokumen belum dihapus." in response.content.decode()
    assert VaultDocument.objects.filter(pk=document.pk).exists()


def test_a_confirmed_removal_removes(siti):
    client = signed_in(siti)
    document = uploaded(client)
    response = client.post(f"/brankas/{document.pk}/hapus/", {"confirm": "yes"}, follow=True)
    assert "Dokumen dihapus dari brankas Anda." in response.content.decode()
    assert not VaultDocument.objects.filter(pk=document.pk).exists()


def test_another_citizen_can_neither_see_nor_remove_the_document(siti, budi):
    document = uploaded(signed_in(siti))
    other = signed_in(budi)
    assert other.get(f"/brankas/{document.pk}/hapus/").status_code == 404
    assert other.post(f"/brankas/{document.pk}/hapus/", {"confirm": "yes"}).status_code == 404
    assert VaultDocument.objects.filter(pk=document.pk).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(siti):
    document = uploaded(signed_in(siti))
    response = Client().post(f"/brankas/{document.pk}/hapus/", {"confirm": "yes"})
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    assert VaultDocument.objects.filter(pk=document.pk).exists()


def test_an_issued_document_offers_no_removal_even_confirmed(siti, verifier, approver):
    issued = issued_birth(siti, verifier, approver)
    entry = VaultDocument.objects.get(owner=siti, issued=issued)
    client = signed_in(siti)
    html = client.get(f"/brankas/{entry.pk}/hapus/").content.decode()
    assert "hanya penerbitnya yang dapat mencabutnya" in html and 'name="confirm"' not in html
    client.post(f"/brankas/{entry.pk}/hapus/", {"confirm": "yes"})
    assert VaultDocument.objects.filter(pk=entry.pk).exists()


# --- who signed: an organisation, not a certificate's distinguished name ------------------------


def test_verify_names_the_issuer_and_the_certificate_organisation_not_a_dn(siti, verifier, approver):
    issued = issued_birth(siti, verifier, approver)
    html = Client().get(f"/verify/{issued.code}").content.decode()
    facts = html[html.index('<dl class="facts-box">') : html.index("</dl>")]
    assert "CN=" not in facts and "O=" not in facts and "OU=" not in facts
    assert "Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda</dd>" in facts  # the region not twice
    assert "Ditandatangani secara elektronik dengan sertifikat</dt>" in facts
    organisation = certificate_holder(issued.signer).organisation
    assert f"<dd>{organisation}</dd>" in facts
    assert facts.count(organisation) == 1


def test_the_certificate_holder_is_read_from_an_rfc_4514_name():
    holder = certificate_holder(DEMO_SIGNER)
    assert holder.organisation == "MPP Digital DEMO"
    assert holder.unit == "DEMO — bukan untuk penggunaan resmi"
    assert certificate_holder("CN=Penandatangan Tanpa Organisasi").organisation == "Penandatangan Tanpa Organisasi"
    assert certificate_holder("bukan nama=").organisation == "bukan nama="  # shown as it is, never hidden
