"""The task worker's clock: jobs that come back on their own every so often.

Each periodic job is a django-tasks task that ends by calling ``come_back(task, every)``; the
jobs are listed in ``settings.PERIODIC_TASKS`` (dotted path → seconds) and ``manage.py
schedule_clock`` starts each chain once. A chain never forks: a job is queued only when none
of the same task is already waiting, so restarts, deploys and manual runs add nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus


def come_back(task, every: timedelta) -> bool:
    """Queue ``task`` to run after ``every`` unless a run is already waiting; True when one was queued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task.module_path).exists()
    if waiting:
        return False
    task.using(run_after=timezone.now() + every).enqueue()
    return True


def start_all() -> list[str]:
    """Start every chain of ``settings.PERIODIC_TASKS``; returns the paths of those queued now."""
    started = []
    for path, seconds in settings.PERIODIC_TASKS.items():
        if come_back(import_string(path), timedelta(seconds=seconds)):
            started.append(path)
    return started
