"""Jobs of the task worker (``manage.py db_worker``)."""

from datetime import timedelta

from django_tasks import task

from mpp.core.periodic import come_back

from .reminders import send_reminders

EVERY = timedelta(hours=1)


@task()
def remind_monev_deadlines() -> int:
    """Remind the regions that have not submitted, 7 and 1 working days before a round's deadline, then come
    back in an hour. Idempotent (one ``Reminder`` per round, region and kind): an extra run sends nothing."""
    try:
        return send_reminders()
    finally:
        come_back(remind_monev_deadlines, EVERY)
