"""Jobs of the task worker (``manage.py db_worker``)."""

from datetime import timedelta

from django_tasks import task

from mpp.core.periodic import come_back

from . import services

EVERY = timedelta(minutes=1)


@task()
def refresh_statistics() -> int:
    """Count the applications' new events into the figures, then come back in a minute: a change shows on the
    dashboards within a minute or two. Returns how many applications' facts changed (0 when another worker ran)."""
    try:
        refreshed = services.refresh()
        return refreshed.changed if refreshed else 0
    finally:
        come_back(refresh_statistics, EVERY)
