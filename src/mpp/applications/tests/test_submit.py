"""Submitting: the form fills itself from the registry, validates, and a retried submission never makes two."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mpp.applications import services
from mpp.applications.models import Application, Event, Status
from mpp.audit.models import AccessKind, DataAccess
from mpp.core.errors import DomainError
from mpp.identity.tests.factories import make_citizen

from .conftest import BUDI_FILE_ID, BUDI_NIK, KK, PUTRI_NIK, SITI_NIK, birth_form, new_key

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def test_a_verified_parent_applies_with_the_registry_data_prefilled_and_locked(siti, birth_service):
    monday = dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA)
    result = services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key(), now=monday)
    application = result.application
    assert result.created
    assert application.status == Status.IN_PROGRESS
    assert application.step == "verification" and application.step_role == "verifier"
    assert application.tracking_number.startswith("6472-2611-")
    assert application.data["reporter"] == {"nik": SITI_NIK}
    assert application.data["kk_number"] == KK
    assert application.data["other_parent"] == {"nik": BUDI_NIK}
    assert application.data["child_name"] == "Ayu Lestari Santoso"
    assert application.data["birth_order"] == 2
    assert application.provenance["kk_number"]["source"] == "registry.applicant.kk_number"
    assert application.provenance["kk_number"]["label"] == "Dukcapil Kemendagri"
    assert "child_name" not in application.provenance
    # Akta kelahiran: 1 working day after receipt, at midnight in Samarinda (WITA).
    assert application.due_at == dt.datetime(2026, 11, 24, 23, 59, 59, 999999, tzinfo=WITA)
    assert application.agency.kind.code == "disdukcapil" and application.region_id == "64.72"
    event = Event.objects.get(application=application)
    assert (event.action, event.to_status, event.actor_label) == ("submit", Status.IN_PROGRESS, "Pemohon")


def test_registry_values_typed_into_the_request_are_ignored(siti, birth_service):
    data = birth_form(kk_number="9999999999999999", reporter={"nik": PUTRI_NIK})
    application = services.submit(applicant=siti, service=birth_service, data=data, submit_key=new_key()).application
    assert application.data["kk_number"] == KK
    assert application.data["reporter"] == {"nik": SITI_NIK}


def test_field_errors_come_back_and_nothing_is_created(siti, birth_service):
    with pytest.raises(services.FormInvalid) as raised:
        services.submit(
            applicant=siti,
            service=birth_service,
            data=birth_form(child_name="", birth_date="2999-01-01", has_birth_letter="tidak"),
            submit_key=new_key(),
        )
    assert raised.value.errors == {
        "child_name": "Wajib diisi.",
        "birth_date": "Tanggal tidak boleh di masa depan.",
        "sptjm": "Konfirmasi pernyataan ini untuk melanjutkan.",
    }
    assert not Application.objects.exists()


def test_the_same_key_twice_returns_the_first_application(siti, birth_service):
    key = new_key()
    first = services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=key)
    again = services.submit(applicant=siti, service=birth_service, data=birth_form(child_name="Lain"), submit_key=key)
    assert not again.created
    assert again.application.pk == first.application.pk
    assert Application.objects.count() == 1


def test_another_citizen_may_use_the_same_key(siti, budi, birth_service):
    key = new_key()
    services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=key)
    budis = birth_form(birth_letter={"source": "upload", "id": BUDI_FILE_ID})
    services.submit(applicant=budi, service=birth_service, data=budis, submit_key=key)
    assert Application.objects.count() == 2


def test_a_document_uploaded_by_someone_else_is_refused(siti, budi, birth_service):
    stolen = birth_form(birth_letter={"source": "upload", "id": BUDI_FILE_ID})
    with pytest.raises(services.FormInvalid) as raised:
        services.submit(applicant=siti, service=birth_service, data=stolen, submit_key=new_key())
    assert raised.value.errors == {"birth_letter": "Unggah berkasnya lagi."}


def test_an_account_below_the_services_level_is_refused(family, birth_service):
    unverified = make_citizen(SITI_NIK, level=1)
    with pytest.raises(DomainError, match="Tingkat verifikasi"):
        services.submit(applicant=unverified, service=birth_service, data=birth_form(), submit_key=new_key())


def test_acting_for_someone_without_a_basis_is_refused(siti, birth_service):
    stranger = "3372015107950004"
    with pytest.raises(DomainError, match="tidak berhak"):
        services.submit(
            applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key(), beneficiary_nik=stranger
        )
    assert not Application.objects.exists()


def test_an_application_for_a_child_is_recorded_against_both_persons(siti, birth_service):
    application = services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key(), beneficiary_nik=PUTRI_NIK
    ).application
    assert application.basis == "parent_of_minor"
    records = DataAccess.objects.filter(kind=AccessKind.ON_BEHALF)
    assert {record.subject_nik for record in records} == {SITI_NIK, PUTRI_NIK}
    assert records.get(subject_nik=SITI_NIK).on_behalf_of_nik == PUTRI_NIK


def test_the_timeline_is_written_in_indonesian_whatever_the_request_language(siti, birth_service):
    from django.utils import translation

    with translation.override("en"):
        application = services.submit(
            applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
        ).application
    assert Event.objects.get(application=application).actor_label == "Pemohon"
