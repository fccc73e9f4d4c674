"""The loop closes on the registry: an approved birth adds the child to Dukcapil (the simulator, its own
process, over HTTP), the next form knows the child, and a registry that is down makes the approval wait."""

import pytest
from django.test import Client

from mpp.applications import services
from mpp.applications.models import Application, Status
from mpp.applications.tests.conftest import KK, SITI_NIK, birth_form, new_key
from mpp.audit.models import AccessKind, DataAccess
from mpp.catalog.models import Service
from mpp.catalog.selectors import service_detail
from mpp.documents.models import DocumentType, IssuedDocument
from mpp.documents.tests import pdf_text
from mpp.forms.prefill import prefill
from mpp.registry.dukcapil import Actor, DukcapilClient, breaker
from simulators.dukcapil.testing import set_faults

pytestmark = pytest.mark.django_db

TEST_ACTOR = Actor("test", "test")


def submitted_birth(siti, verifier, **changes) -> Application:
    service = service_detail(Service.objects.get(region_id="64.72", template__slug="akta-kelahiran").pk)
    application = services.submit(
        applicant=siti, service=service, data=birth_form(kk_number=KK, **changes), submit_key=new_key()
    ).application
    return services.act(
        application_id=application.pk, officer=verifier, action="accept", expected_version=application.version
    )


def approve(application, approver) -> Application:
    return services.act(
        application_id=application.pk, officer=approver, action="approve", expected_version=application.version
    )


def test_an_approved_birth_adds_the_child_to_the_registry_and_the_next_form_knows_her(
    siti, verifier, approver, registry
):
    approved = approve(submitted_birth(siti, verifier), approver)

    assert approved.status == Status.APPROVED
    child = approved.beneficiary_nik
    registry_client = DukcapilClient.from_settings()
    person = registry_client.person(child, TEST_ACTOR)
    assert person["name"] == "AYU LESTARI SANTOSO" and person["mother_name"] == "SITI RAHMAWATI"
    assert child in {member["nik"] for member in registry_client.family(KK, TEST_ACTOR)["members"]}
    # The certificate carries the NIK the registry gave her; the new edition of the family card lists her.
    issued = IssuedDocument.objects.get(application=approved)
    assert issued.holder_nik_masked.endswith(child[-4:])
    card = IssuedDocument.objects.get(document_type=DocumentType.KARTU_KELUARGA)
    assert card.application.applicant == siti and card.application.status == Status.APPROVED
    assert approved.tracking_number in card.application.events.get().note
    with card.upload.file.open("rb") as handle:
        assert child in pdf_text.text(handle.read())
    # Both the mother and the child see the write in their data-use logs.
    writes = DataAccess.objects.filter(kind=AccessKind.REGISTRY_WRITE)
    assert {SITI_NIK, child} <= set(writes.values_list("subject_nik", flat=True))
    # Her next form (a child identity card for the newborn) prefills the child from the registry.
    kia = Service.objects.get(region_id="64.72", template__slug="kia")
    known = prefill(kia.current_version.template_version.parsed_form, applicant=siti, beneficiary_nik=child)
    assert known["child"].value == {"nik": child} and known["name"].value == "AYU LESTARI SANTOSO"
    assert known["birth_date"].value == "2026-11-20" and known["child"].locked


def test_approving_twice_registers_the_child_once(siti, verifier, approver, registry):
    first = approve(submitted_birth(siti, verifier), approver)
    again = submitted_birth(siti, verifier)  # the same child, applied for a second time

    with pytest.raises(services.DomainError, match="menolak"):
        approve(again, approver)

    again.refresh_from_db()
    assert again.status == Status.IN_PROGRESS and first.status == Status.APPROVED
    assert IssuedDocument.objects.filter(document_type=DocumentType.AKTA_KELAHIRAN).count() == 1


def test_a_registry_that_is_down_makes_the_approval_wait_then_the_worker_completes_it(
    siti, verifier, approver, registry
):
    application = submitted_birth(siti, verifier)
    set_faults(registry, error_rate=1)

    waiting = approve(application, approver)

    assert waiting.status == Status.WAITING_REGISTRY and not waiting.beneficiary_nik
    assert not IssuedDocument.objects.exists()  # never issued without the child's NIK
    signed_in = Client()
    signed_in.force_login(siti)
    page = signed_in.get(f"/permohonan/{waiting.tracking_number}/").content.decode()
    assert "menunggu pencatatan di database kependudukan" in page
    assert services.complete_waiting() == 0  # still down: it keeps waiting

    set_faults(registry)
    breaker.close()
    assert services.complete_waiting() == 1

    waiting.refresh_from_db()
    assert waiting.status == Status.APPROVED and len(waiting.beneficiary_nik) == 16
    issued = IssuedDocument.objects.get(application=waiting)
    assert issued.holder_nik_masked.endswith(waiting.beneficiary_nik[-4:])
    assert services.complete_waiting() == 0
    assert waiting.events.filter(action="registry", to_status=Status.APPROVED).exists()
