"""A newer family card supersedes the older one: its verification says so at once."""

import pytest
from django.test import Client

from mpp.applications import services as applications
from mpp.applications.tests.conftest import KK, new_key
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
