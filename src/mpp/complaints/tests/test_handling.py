"""A complaint's life: filed, routed, asked about (the clock stops), answered, resolved, confirmed or reopened,
closed by itself; escalated when late; two officers at once; deadlines per category."""

import datetime as dt

import pytest

from mpp.complaints import services
from mpp.complaints.access import secret_matches
from mpp.complaints.models import Complaint, DeadlineRule, Status, Step, Weight
from mpp.core.errors import Conflict, NotFound
from mpp.notifications.models import Notification, OutboxMessage
from mpp.regions.models import Region

from .conftest import MONDAY, WITA, file, photo

pytestmark = pytest.mark.django_db


def test_a_filed_complaint_gets_a_number_deadlines_in_working_days_and_a_notice(siti, dukcapil):
    complaint = file(siti, agency=dukcapil, files=[photo()])
    assert complaint.tracking_number.startswith("ADU-6472-")
    assert complaint.status == Status.RECEIVED
    # Ordinary by default: acknowledge in 1, respond in 5, resolve in 5 working days, counted from Tuesday.
    assert complaint.acknowledge_due_at == dt.datetime(2026, 11, 24, 23, 59, 59, 999999, tzinfo=WITA)
    assert complaint.resolve_due_at.astimezone(WITA).date() == dt.date(2026, 11, 30)
    assert complaint.attachments.count() == 1
    assert Notification.objects.filter(user=siti, kind="complaint_received").exists()


def test_more_than_five_attachments_are_refused_and_nothing_is_filed(siti):
    with pytest.raises(services.ComplaintRefused):
        file(siti, files=[photo(f"{n}.jpg") for n in range(6)])
    assert not Complaint.objects.exists()


def test_a_retried_filing_finds_the_first(siti):
    first = file(siti, submit_key="k-1")
    assert file(siti, submit_key="k-1") == first
    assert Complaint.objects.count() == 1


def test_the_region_sets_deadlines_per_category(siti, samarinda):
    DeadlineRule.objects.create(
        region=samarinda,
        category="illegal_fees",
        weight=Weight.COMPLEX,
        acknowledge_days=1,
        respond_days=2,
        resolve_days=14,
    )
    complaint = file(siti, category="illegal_fees")
    assert complaint.weight == Weight.COMPLEX
    assert complaint.resolve_due_at.astimezone(WITA).date() == dt.date(2026, 12, 11)  # 14 working days after Monday
    other = file(siti, category="facilities")
    assert other.weight == Weight.ORDINARY


def test_the_whole_life_of_a_complaint(siti, samarinda_manager, complaint_officer, dukcapil):
    complaint = file(siti)
    complaint = services.triage(
        officer=samarinda_manager,
        complaint_id=complaint.pk,
        version=complaint.version,
        category="service_delay",
        weight=Weight.COMPLEX,
        agency_id=dukcapil.pk,
        now=MONDAY + dt.timedelta(hours=1),
    )
    assert complaint.status == Status.IN_PROGRESS and complaint.agency == dukcapil
    assert complaint.resolve_due_at.astimezone(WITA).date() == dt.date(2026, 12, 11)
    asked_at = dt.datetime(2026, 11, 24, 10, 0, tzinfo=WITA)  # Tuesday
    complaint = services.request_information(
        officer=complaint_officer,
        complaint_id=complaint.pk,
        version=complaint.version,
        question="Mohon nomor permohonan Anda.",
        now=asked_at,
    )
    assert complaint.status == Status.INFO_REQUESTED and complaint.responded_at == asked_at
    # She answers on Thursday: two working days (Wednesday, Thursday) stood still.
    complaint = services.provide_information(
        complaint_id=complaint.pk,
        text_given="Nomornya 6472-2611-ABCD1234",
        reporter=siti,
        files=[photo()],
        now=dt.datetime(2026, 11, 26, 10, 0, tzinfo=WITA),
    )
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.resolve_due_at.astimezone(WITA).date() == dt.date(2026, 12, 15)
    complaint = services.resolve(
        officer=complaint_officer,
        complaint_id=complaint.pk,
        version=complaint.version,
        action_taken="Akta diterbitkan.",
        answer="Akta sudah terbit, silakan unduh.",
        now=dt.datetime(2026, 11, 27, 10, 0, tzinfo=WITA),
    )
    assert complaint.status == Status.RESOLVED and complaint.verdict_due_at is not None
    complaint = services.confirm(complaint_id=complaint.pk, rating=4, reporter=siti)
    assert complaint.status == Status.CLOSED and complaint.rating == 4
    actions = list(Step.objects.filter(complaint=complaint).values_list("action", flat=True))
    assert actions == ["file", "route", "ask", "inform", "resolve", "confirm"]
    kinds = set(Notification.objects.filter(user=siti).values_list("kind", flat=True))
    assert {"complaint_received", "complaint_routed", "complaint_info_requested", "complaint_resolved"} <= kinds
    assert Notification.objects.filter(user=complaint_officer, kind="complaint_informed").exists()


def test_a_reopened_complaint_goes_back_with_a_fresh_deadline(siti, complaint_officer, dukcapil):
    complaint = _in_progress(siti, complaint_officer, dukcapil)
    complaint = services.resolve(
        officer=complaint_officer,
        complaint_id=complaint.pk,
        version=complaint.version,
        action_taken="-",
        answer="Sudah.",
        now=MONDAY + dt.timedelta(hours=2),
    )
    complaint = services.reopen(
        complaint_id=complaint.pk,
        reason="Belum ada akta di brankas saya.",
        reporter=siti,
        now=MONDAY + dt.timedelta(days=1),
    )
    assert complaint.status == Status.IN_PROGRESS and complaint.resolved_at is None
    assert Notification.objects.filter(user=complaint_officer, kind="complaint_reopened").exists()


def test_an_unconfirmed_resolution_closes_after_ten_working_days(siti, complaint_officer, dukcapil):
    complaint = _in_progress(siti, complaint_officer, dukcapil)
    complaint = services.resolve(
        officer=complaint_officer,
        complaint_id=complaint.pk,
        version=complaint.version,
        action_taken="-",
        answer="Sudah.",
        now=MONDAY,
    )
    assert services.close_unconfirmed(now=MONDAY + dt.timedelta(days=7)) == 0
    assert services.close_unconfirmed(now=MONDAY + dt.timedelta(days=20)) == 1
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.rating is None


def test_only_the_agency_answers_and_a_stale_page_gets_a_conflict(
    siti, samarinda_manager, complaint_officer, health_complaint_officer, dukcapil
):
    complaint = _in_progress(siti, complaint_officer, dukcapil)
    with pytest.raises(NotFound):  # another agency
        services.reply(
            officer=health_complaint_officer, complaint_id=complaint.pk, version=complaint.version, answer="x"
        )
    with pytest.raises(NotFound):  # the manager routes, the agency answers
        services.reply(officer=samarinda_manager, complaint_id=complaint.pk, version=complaint.version, answer="x")
    services.reply(officer=complaint_officer, complaint_id=complaint.pk, version=complaint.version, answer="Kami cek.")
    with pytest.raises(Conflict):
        services.resolve(
            officer=complaint_officer,
            complaint_id=complaint.pk,
            version=complaint.version,
            action_taken="-",
            answer="-",
        )


def test_late_complaints_go_to_the_agency_head_and_the_manager_once_per_deadline(
    siti, samarinda_manager, complaint_officer, agency_head, dukcapil
):
    complaint = file(siti, agency=dukcapil)
    wednesday = dt.datetime(2026, 11, 25, 8, 0, tzinfo=WITA)
    assert services.escalate_overdue(now=MONDAY + dt.timedelta(hours=1)) == 0
    assert services.escalate_overdue(now=wednesday) == 1  # not acknowledged by Tuesday night
    assert services.escalate_overdue(now=wednesday) == 0
    assert Notification.objects.filter(user=agency_head, kind="complaint_overdue").count() == 1
    assert Notification.objects.filter(user=samarinda_manager, kind="complaint_overdue").count() == 1
    step = Step.objects.get(complaint=complaint, action="escalate")
    assert not step.public


def test_a_duplicate_is_merged_into_the_first(siti, budi, samarinda_manager):
    first, second = file(siti), file(budi)
    merged = services.merge(
        officer=samarinda_manager, complaint_id=second.pk, version=second.version, into_number=first.tracking_number
    )
    assert merged.status == Status.MERGED and merged.merged_into == first
    assert Notification.objects.filter(user=budi, kind="complaint_merged").exists()


def test_a_complaint_without_an_account_waits_for_its_contact_code(settings, samarinda_manager):
    complaint, secret = services.file_complaint(
        region=Region.objects.get(code="64.72"),
        category="information",
        title="Info",
        description="Informasi persyaratan di papan tidak sesuai dengan laman.",
        contact="warga@example.test",
        now=MONDAY,
    )
    assert secret and complaint.awaits_contact
    message = OutboxMessage.objects.get(recipient="warga@example.test", kind="complaint_code")
    code = message.context["code"]
    with pytest.raises(services.ComplaintRefused):
        services.confirm_contact(complaint.pk, "000000" if code != "000000" else "111111", now=MONDAY)
    complaint = services.confirm_contact(complaint.pk, code, now=MONDAY + dt.timedelta(minutes=1))
    assert not complaint.awaits_contact and complaint.received_at == MONDAY + dt.timedelta(minutes=1)
    assert OutboxMessage.objects.filter(recipient="warga@example.test", kind="complaint_received").exists()
    assert secret_matches(complaint, secret.lower())


def test_publishing_needs_consent_and_never_a_confidential_complaint(
    siti, samarinda_manager, complaint_officer, dukcapil
):
    complaint = _in_progress(siti, complaint_officer, dukcapil, confidential=True, publish_consent=True)
    assert not complaint.publish_consent
    complaint = services.resolve(
        officer=complaint_officer, complaint_id=complaint.pk, version=complaint.version, action_taken="-", answer="-"
    )
    with pytest.raises(services.ComplaintRefused):
        services.publish(officer=samarinda_manager, complaint_id=complaint.pk, version=complaint.version)


def test_revealing_an_anonymous_reporter_is_logged(siti, ministry):
    from mpp.audit.models import DataAccess
    from mpp.complaints.models import IdentityLook

    complaint = file(siti, anonymous=True)
    with pytest.raises(services.ComplaintRefused):
        services.reveal_reporter(auditor=ministry, complaint_id=complaint.pk, reason="cek")
    identity = services.reveal_reporter(
        auditor=ministry, complaint_id=complaint.pk, reason="Dugaan laporan palsu, permintaan inspektorat no. 12."
    )
    assert identity["nik"] == siti.nik
    assert IdentityLook.objects.filter(complaint=complaint, by=ministry).count() == 1
    assert DataAccess.objects.filter(subject_nik=siti.nik, actor=ministry).exists()


def _in_progress(reporter, officer_user, agency, **fields):
    complaint = file(reporter, agency=agency, **fields)
    return services.triage(
        officer=officer_user,
        complaint_id=complaint.pk,
        version=complaint.version,
        category=complaint.category,
        weight=complaint.weight,
        agency_id=agency.pk,
        now=MONDAY + dt.timedelta(minutes=30),
    )


def test_a_round_of_the_worker_escalates_closes_forwards_and_recounts_then_comes_back(
    settings, siti, samarinda_manager, agency_head, dukcapil
):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from mpp.complaints import tasks
    from mpp.complaints.models import CountFigure

    settings.LAPOR_URL = ""
    file(siti, agency=dukcapil)  # filed on Monday 23 November 2026: long overdue by the real clock
    done = tasks.keep_complaints_moving.call()
    assert done["escalated"] == 1 and done["regions_recounted"] == 1 and done["lapor_updates"] == 0
    assert CountFigure.objects.filter(region_id="64.72").exists()
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path="mpp.complaints.tasks.keep_complaints_moving"
    )
    assert waiting.count() == 1
