"""Jobs of the task worker (``manage.py db_worker``)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from .escalation import escalate_overdue

EVERY = timedelta(minutes=1)


@task()
def escalate_overdue_applications() -> int:
    """Escalate what is overdue, then come back in a minute (``schedule_clock`` starts the chain once)."""
    try:
        return escalate_overdue()
    finally:
        schedule_next()


def schedule_next() -> None:
    """Queue the next round unless one is already waiting (so restarts and manual runs never fork the chain)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=f"{__name__}.{escalate_overdue_applications.name}"
    ).exists()
    if not waiting:
        escalate_overdue_applications.using(run_after=timezone.now() + EVERY).enqueue()
