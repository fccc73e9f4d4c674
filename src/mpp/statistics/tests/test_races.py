"""Races only a server database shows: task workers refreshing at once, and one finding the cursor held."""

import datetime as dt
import random
from concurrent.futures import ThreadPoolExecutor
from threading import Event

import pytest
from django.db import connection, transaction

from mpp.core.testing import at_once
from mpp.statistics import services
from mpp.statistics.models import RefreshCursor

from .conftest import figure_rows
from .factories import seed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_workers_refreshing_at_once_leave_the_figures_a_rebuild_gives():
    seed(
        random.Random(4),
        regions=["64.72", "33.72", "35.76"],
        per_region=60,
        start=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        end=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
    )
    results = at_once(4, lambda _: services.refresh(batch=50))
    assert not [result for result in results if isinstance(result, Exception)], results
    assert any(result is not None for result in results)
    services.refresh()  # whoever was skipped: the next run finishes
    refreshed = figure_rows()

    services.rebuild()

    assert figure_rows() == refreshed and refreshed[0]


def test_a_worker_finds_the_cursor_held_and_skips_without_waiting():
    services.refresh()  # creates the cursor
    held, release = Event(), Event()

    def holder(_index):
        with transaction.atomic():
            RefreshCursor.objects.select_for_update().get(name=services.CURSOR)
            held.set()
            release.wait(10)

    with ThreadPoolExecutor(1) as pool:
        holding = pool.submit(lambda: (holder(0), connection.close()))
        held.wait(10)
        try:
            assert services.refresh() is None
        finally:
            release.set()
            holding.result()
    assert services.refresh() is not None
