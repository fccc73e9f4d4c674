"""Jobs of the task worker (``manage.py db_worker``): deadlines, LAPOR!, and the public figures."""

from datetime import timedelta

from django_tasks import task

from mpp.core.periodic import come_back

from . import figures, forwarding, services

EVERY = timedelta(minutes=1)


@task()
def keep_complaints_moving() -> dict:
    """Every minute: escalate what is overdue, close what the reporter left unconfirmed, send the forwardings
    that are due to SP4N-LAPOR! and read back what it says, then recount the regions whose complaints changed."""
    try:
        return {
            "escalated": services.escalate_overdue(),
            "closed": services.close_unconfirmed(),
            "forwarded": forwarding.forward_due(),
            "lapor_updates": forwarding.poll_updates(),
            "regions_recounted": figures.refresh(),
        }
    finally:
        come_back(keep_complaints_moving, EVERY)
