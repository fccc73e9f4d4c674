"""Jobs of the task worker (``manage.py db_worker``)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from .escalation import escalate_overdue
from .services import complete_waiting

EVERY = timedelta(minutes=1)


@task()
def escalate_overdue_applications() -> int:
    """The minute round: escalate what is overdue and complete the approvals that waited for the registry,
    then come back in a minute (``schedule_clock`` starts the chain once)."""
    try:
        complete_waiting()
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
