"""Jobs of the task worker (``manage.py db_worker``)."""

from datetime import timedelta

from django_tasks import task

from mpp.core.periodic import come_back

from .escalation import escalate_overdue
from .services import complete_waiting, move_paid

EVERY = timedelta(minutes=1)


@task()
def escalate_overdue_applications() -> int:
    """The minute round: escalate what is overdue, complete the approvals that waited for the registry and move
    on what was paid (if its own task failed), then come back in a minute (``manage.py schedule_clock`` starts
    the chain once)."""
    try:
        complete_waiting()
        move_paid()
        return escalate_overdue()
    finally:
        come_back(escalate_overdue_applications, EVERY)


@task()
def move_paid_application(application_id: str) -> bool:
    """Queued when an application's bill is paid: the application moves on (its result signed, when it was
    approved before), in the worker, not in the payment network's request."""
    return move_paid(application_id=application_id) > 0
