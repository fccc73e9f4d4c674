"""Jobs of the task worker (``manage.py db_worker``)."""

from datetime import timedelta

from django_tasks import task

from mpp.core.periodic import come_back

from .escalation import escalate_overdue
from .services import complete_waiting

EVERY = timedelta(minutes=1)


@task()
def escalate_overdue_applications() -> int:
    """The minute round: escalate what is overdue and complete the approvals that waited for the registry,
    then come back in a minute (``manage.py schedule_clock`` starts the chain once)."""
    try:
        complete_waiting()
        return escalate_overdue()
    finally:
        come_back(escalate_overdue_applications, EVERY)
