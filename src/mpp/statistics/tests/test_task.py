"""The worker's round: refresh the figures, then come back in a minute; the clock starts the chain once."""

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mpp.statistics import tasks
from mpp.statistics.models import ApplicationFact

from .factories import seed

pytestmark = pytest.mark.django_db
PATH = "mpp.statistics.tasks.refresh_statistics"


def test_a_round_counts_the_new_events_and_schedules_the_next():
    applications = seed(
        random.Random(8),
        regions=["64.72"],
        per_region=12,
        start=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
        end=dt.datetime(2026, 5, 30, tzinfo=dt.UTC),
    )
    assert tasks.refresh_statistics.call() == len(applications)
    assert ApplicationFact.objects.count() == len(applications)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=PATH).count() == 1
    assert tasks.refresh_statistics.call() == 0  # nothing new: nothing changes, and still one waiting run
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=PATH).count() == 1


def test_the_clock_starts_the_refresh_once():
    call_command("schedule_clock", stdout=StringIO())
    call_command("schedule_clock", stdout=StringIO())
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=PATH).count() == 1
