"""Jobs of the task worker (``manage.py db_worker``): booking reminders and no-shows, and the queue's figures."""

from datetime import timedelta

from django_tasks import task

from mpp.core.periodic import come_back

from . import bookings, figures

EVERY = timedelta(minutes=1)


@task()
def keep_queues_current() -> dict:
    """Every minute: remind tomorrow's bookings, mark bookings whose check-in window closed as no-shows, and
    recount the figures of the MPP days whose tickets changed."""
    try:
        return {
            "reminded": bookings.remind_due(),
            "missed": bookings.mark_missed(),
            "days_recounted": figures.refresh(),
        }
    finally:
        come_back(keep_queues_current, EVERY)
