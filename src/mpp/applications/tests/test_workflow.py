"""The officers' workflow: verify, ask for a revision, approve; scoping; two officers racing; the paused clock."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mpp.applications import services
from mpp.applications.models import Application, Event, Status
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.core.testing import at_once

from .conftest import FILE_ID, birth_form, make_upload, new_key

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA)


@pytest.fixture
def application(siti, birth_service):
    return services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key(), now=MONDAY
    ).application


def test_verify_then_approve(application, verifier, approver):
    accepted = services.act(application_id=application.pk, officer=verifier, action="accept", expected_version=1)
    assert (accepted.status, accepted.step, accepted.step_role) == (Status.IN_PROGRESS, "approval", "approver")
    approved = services.act(application_id=application.pk, officer=approver, action="approve", expected_version=2)
    assert approved.status == Status.APPROVED and approved.decided_at is not None
    timeline = list(Event.objects.filter(application=application).values_list("action", "to_status"))
    assert timeline == [("submit", "in_progress"), ("accept", "in_progress"), ("approve", "approved")]
    labels = list(Event.objects.filter(application=application).values_list("actor_label", flat=True))
    assert labels[1].startswith("Verifikator · Dinas Kependudukan")  # an agency and role, never a name


def test_an_officer_of_another_region_or_agency_cannot_see_or_act(application, surakarta_verifier, health_verifier):
    for outsider in (surakarta_verifier, health_verifier):
        with pytest.raises(NotFound):
            services.act(application_id=application.pk, officer=outsider, action="accept", expected_version=1)
        with pytest.raises(NotFound):
            services.claim(application_id=application.pk, officer=outsider, expected_version=1)
    assert Application.objects.get(pk=application.pk).version == 1


def test_an_officer_of_the_agency_acts_only_at_their_roles_step(application, approver):
    with pytest.raises(DomainError, match="bukan tugas peran Anda"):
        services.act(application_id=application.pk, officer=approver, action="accept", expected_version=1)
    with pytest.raises(DomainError, match="bukan tugas peran Anda"):
        services.claim(application_id=application.pk, officer=approver, expected_version=1)


def test_an_action_the_step_does_not_offer_is_refused(application, verifier):
    with pytest.raises(DomainError, match="tidak tersedia"):
        services.act(application_id=application.pk, officer=verifier, action="approve", expected_version=1)
    with pytest.raises(DomainError, match="alasannya"):
        services.act(application_id=application.pk, officer=verifier, action="reject", expected_version=1)


def test_a_stale_version_is_a_conflict(application, verifier, second_verifier):
    services.act(application_id=application.pk, officer=verifier, action="accept", expected_version=1)
    with pytest.raises(Conflict):
        services.act(application_id=application.pk, officer=second_verifier, action="accept", expected_version=1)


def test_a_claimed_application_is_acted_on_by_its_holder_only(application, verifier, second_verifier):
    claimed = services.claim(application_id=application.pk, officer=verifier, expected_version=1)
    with pytest.raises(Conflict, match="ditangani petugas lain"):
        services.act(application_id=application.pk, officer=second_verifier, action="accept", expected_version=2)
    assert claimed.assignee == verifier
    services.act(application_id=application.pk, officer=verifier, action="accept", expected_version=2)


def test_revision_pauses_the_clock_and_only_the_flagged_fields_change(application, verifier, siti):
    due = application.due_at  # Tue 24 Nov, end of day
    revised = services.act(
        application_id=application.pk,
        officer=verifier,
        action="revise",
        expected_version=1,
        note="Surat keterangan lahir tidak terbaca.",
        fields=["birth_letter"],
        now=MONDAY + dt.timedelta(hours=2),
    )
    assert revised.status == Status.REVISION and revised.revision_fields == ["birth_letter"]
    new_file = "5c1d7a61-3e0b-4f8e-9f9a-2b7c9d1e4a55"
    make_upload(siti, new_file)
    # The citizen answers on Thursday: Tue, Wed, Thu = 3 working days stood still.
    fixed = services.resubmit(
        application_id=application.pk,
        applicant=siti,
        data=birth_form(child_name="Nama Diganti", birth_letter={"source": "upload", "id": new_file}),
        now=dt.datetime(2026, 11, 26, 10, 0, tzinfo=WITA),
    )
    assert fixed.status == Status.IN_PROGRESS and fixed.step == "verification"
    assert fixed.data["birth_letter"] == {"source": "upload", "id": new_file}
    assert fixed.data["child_name"] == "Ayu Lestari Santoso"  # not flagged: unchanged
    assert fixed.due_at.date() == dt.date(2026, 11, 27) and due.date() == dt.date(2026, 11, 24)
    event = Event.objects.filter(application=application).last()
    assert (event.action, event.fields) == ("resubmit", ["birth_letter"])
    assert FILE_ID not in str(fixed.data)


def test_a_revision_must_name_what_to_fix_and_never_a_registry_value(application, verifier):
    for fields in ([], ["kk_number"], ["no_such_field"]):
        with pytest.raises(DomainError, match="Pilih isian"):
            services.act(
                application_id=application.pk,
                officer=verifier,
                action="revise",
                expected_version=1,
                note="Perbaiki",
                fields=fields,
            )


def test_only_the_applicant_answers_a_revision(application, verifier, budi):
    services.act(
        application_id=application.pk,
        officer=verifier,
        action="revise",
        expected_version=1,
        note="x",
        fields=["birth_letter"],
    )
    with pytest.raises(NotFound):
        services.resubmit(application_id=application.pk, applicant=budi, data=birth_form())


def test_malformed_ids_are_not_found(verifier, siti):
    with pytest.raises(NotFound):
        services.act(application_id="not-a-uuid", officer=verifier, action="accept", expected_version=1)
    with pytest.raises(NotFound):
        services.resubmit(application_id="not-a-uuid", applicant=siti, data={})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_with_one_key_create_one_application(siti, birth_service):
    key = new_key()
    results = at_once(
        50, lambda _: services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=key)
    )
    assert not [result for result in results if isinstance(result, Exception)]
    assert Application.objects.count() == 1
    assert sum(result.created for result in results) == 1
    assert {result.application.pk for result in results} == {Application.objects.get().pk}
    assert Event.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_racing_on_one_step_make_one_transition(siti, birth_service, verifier, second_verifier):
    application = services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    officers = [verifier, second_verifier]
    results = at_once(
        2,
        lambda index: services.act(
            application_id=application.pk, officer=officers[index], action="accept", expected_version=1
        ),
    )
    assert sum(isinstance(result, Application) for result in results) == 1
    assert sum(isinstance(result, Conflict) for result in results) == 1
    assert Event.objects.filter(application=application, action="accept").count() == 1
    assert Application.objects.get(pk=application.pk).version == 2


def test_the_citizen_is_told_of_each_decision_by_email(application, verifier, approver, smtp_server):
    from mpp.notifications.services import deliver_due

    services.act(
        application_id=application.pk,
        officer=verifier,
        action="revise",
        expected_version=1,
        note="Surat keterangan lahir tidak terbaca.",
        fields=["birth_letter"],
    )
    deliver_due()
    subjects = [message["Subject"] for message in smtp_server.messages]
    assert subjects == [
        f"Permohonan {application.tracking_number} diterima",
        f"Permohonan {application.tracking_number} perlu perbaikan",
    ]
    assert "Surat keterangan lahir tidak terbaca." in smtp_server.last_body()


def test_an_approver_assigns_the_step_to_a_verifier(application, approver, verifier, second_verifier):
    assigned = services.assign(
        application_id=application.pk, supervisor=approver, officer_id=second_verifier.pk, expected_version=1
    )
    assert assigned.assignee == second_verifier
    with pytest.raises(Conflict, match="ditangani petugas lain"):
        services.act(application_id=application.pk, officer=verifier, action="accept", expected_version=2)
    services.act(application_id=application.pk, officer=second_verifier, action="accept", expected_version=2)


def test_only_an_approver_assigns_and_only_to_an_officer_of_the_step(application, approver, verifier, health_verifier):
    with pytest.raises(DomainError, match="pejabat penyetuju"):
        services.assign(application_id=application.pk, supervisor=verifier, officer_id=verifier.pk, expected_version=1)
    for wrong in (approver, health_verifier):  # not at this step / another agency
        with pytest.raises(DomainError, match="bertugas pada tahap ini"):
            services.assign(application_id=application.pk, supervisor=approver, officer_id=wrong.pk, expected_version=1)
