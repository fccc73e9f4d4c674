"""Jobs of the task worker (``manage.py db_worker``)."""

from datetime import timedelta

from django_tasks import task

from mpp.core.periodic import come_back

from . import refresh as counting

EVERY = timedelta(minutes=1)


@task()
def refresh_surveys() -> int:
    """Invite the transactions served since the last run and count new invitations and answers into the index
    figures, then come back in a minute. Returns how many region-months were recounted (0 when another worker ran)."""
    try:
        refreshed = counting.refresh()
        return refreshed.slices if refreshed else 0
    finally:
        come_back(refresh_surveys, EVERY)
