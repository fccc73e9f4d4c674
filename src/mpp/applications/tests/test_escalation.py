"""Overdue applications are flagged and escalated once to the agency's approving officials, by the worker."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mpp.applications import services, tasks
from mpp.applications.escalation import escalate_overdue
from mpp.applications.models import Event
from mpp.notifications.models import Notification

from .conftest import birth_form, new_key

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA)


@pytest.fixture
def application(siti, birth_service):
    return services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key(), now=MONDAY
    ).application


def test_an_application_past_its_deadline_goes_to_the_approvers_once(application, approver, verifier):
    assert escalate_overdue(now=MONDAY + dt.timedelta(hours=1)) == 0  # due Tuesday night
    wednesday = dt.datetime(2026, 11, 25, 8, 0, tzinfo=WITA)
    assert escalate_overdue(now=wednesday) == 1
    assert escalate_overdue(now=wednesday + dt.timedelta(hours=1)) == 0
    application.refresh_from_db()
    assert application.escalated_at == wednesday
    event = Event.objects.get(application=application, action="escalate")
    assert event.actor_label == "Sistem MPP Digital" and "pejabat penyetuju" in event.note
    notice = Notification.objects.get(user=approver, kind="overdue")
    assert notice.context["number"] == application.tracking_number
    assert not Notification.objects.filter(user=verifier).exists()


def test_decided_applications_are_never_escalated(application, verifier, approver):
    services.act(application_id=application.pk, officer=verifier, action="accept", expected_version=1)
    services.act(application_id=application.pk, officer=approver, action="approve", expected_version=2)
    assert escalate_overdue(now=MONDAY + dt.timedelta(days=30)) == 0


def test_the_worker_runs_the_sweep_every_minute_without_forking_the_chain(application, approver):
    call_command("schedule_clock", stdout=StringIO())
    call_command("schedule_clock", stdout=StringIO())  # a second deploy or restart adds nothing
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path="mpp.applications.tasks.escalate_overdue_applications"
    )
    assert waiting.count() == 1


def test_a_round_of_the_task_escalates_and_schedules_the_next(application, approver):
    # Submitted on Monday 23 November 2026, due the next night: late by the real clock from then on.
    assert tasks.escalate_overdue_applications.call() == 1
    assert Notification.objects.filter(user=approver, kind="overdue").count() == 1
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
