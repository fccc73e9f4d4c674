"""The worker's round: count what is new, then come back in a minute; the clock starts the chain once."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mpp.surveys import tasks
from mpp.surveys.models import IndexFigure

from .conftest import make_application

pytestmark = pytest.mark.django_db
PATH = "mpp.surveys.tasks.refresh_surveys"


def test_a_round_counts_what_is_new_and_schedules_the_next(citizen):
    now = timezone.now()
    make_application(citizen, submitted_at=now - dt.timedelta(days=1), decided_at=now)
    assert tasks.refresh_surveys.call() == 1
    assert IndexFigure.objects.get().served == 1
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=PATH).count() == 1
    tasks.refresh_surveys.call()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=PATH).count() == 1


def test_the_clock_starts_the_refresh_once():
    call_command("schedule_clock", stdout=StringIO())
    call_command("schedule_clock", stdout=StringIO())
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=PATH).count() == 1


def test_the_rebuild_command_invites_every_served_application_and_says_what_it_counted(citizen):
    now = timezone.now()
    make_application(citizen, submitted_at=now - dt.timedelta(days=1), decided_at=now)
    out = StringIO()
    call_command("rebuild_surveys", stdout=out)
    assert "1 invitations (1 served applications), 0 answers" in out.getvalue()
    assert IndexFigure.objects.get().served == 1
