"""The Dukcapil outputs beyond the birth certificate: the family card (a newer one supersedes the older,
and verification says so at once) and the child identity card."""

import pytest
from django.test import Client

from mpp.applications import services as applications
from mpp.applications.tests.conftest import KK, PUTRI_NIK, new_key
from mpp.catalog.models import Service
from mpp.catalog.selectors import service_detail
from mpp.documents.models import DocumentType, IssuedDocument

pytestmark = pytest.mark.django_db


def reissued_family_card(siti, verifier, approver) -> IssuedDocument:
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="kartu-keluarga").pk)
    data = {"request_kind": "hilang_rusak", "lost_or_damaged": "rusak", "truth": "on"}
    application = applications.submit(applicant=siti, service=service, data=data, submit_key=new_key()).application
    application = applications.act(
        application_id=application.pk, officer=verifier, action="accept", expected_version=application.version
    )
    applications.act(
        application_id=application.pk, officer=approver, action="approve", expected_version=application.version
    )
    return IssuedDocument.objects.get(application=application)


def test_a_new_family_card_revokes_the_one_it_replaces(siti, verifier, approver):
    first = reissued_family_card(siti, verifier, approver)
    assert first.document_type == DocumentType.KARTU_KELUARGA and KK in first.number
    second = reissued_family_card(siti, verifier, approver)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_revoked and second.number in first.revocation_reason
    assert not second.is_revoked
    html = Client().get(f"/verify/{first.code}").content.decode()
    assert "Dicabut." in html and second.number in html


def test_a_child_identity_card_is_issued_for_the_child_with_a_masked_nik(siti, verifier, approver):
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="kia").pk)
    data = {"request_kind": "baru", "truth": "on"}
    submitted = applications.submit(
        applicant=siti, service=service, data=data, submit_key=new_key(), beneficiary_nik=PUTRI_NIK
    ).application
    submitted = applications.act(
        application_id=submitted.pk, officer=verifier, action="accept", expected_version=submitted.version
    )
    applications.act(
        application_id=submitted.pk, officer=approver, action="approve", expected_version=submitted.version
    )
    issued = IssuedDocument.objects.get(application=submitted)
    assert issued.document_type == DocumentType.KIA
    assert issued.holder_name == "PUTRI SANTOSO" and issued.holder_nik_masked != PUTRI_NIK
    assert issued.valid_until.year == 2015 + 17  # until the day before she turns 17
    html = Client().get(f"/verify/{issued.code}").content.decode()
    assert "Sah." in html and "PUTRI SANTOSO" in html and PUTRI_NIK not in html
