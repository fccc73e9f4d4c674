"""The dashboards read a constant number of queries, however many regions have figures."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mpp.statistics import services

from .factories import seed

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
END = dt.datetime(2026, 6, 20, tzinfo=dt.UTC)
FEW = ["64.72", "33.72"]
MANY = [*FEW, "33.71", "33.02", "35.76", "35.10", "62.01", "11.71", "74.71", "13.75"]
PAGES = [
    "/kementerian/?periode=semester&tahun=2026&semester=1",
    "/kementerian/?wilayah=33&periode=semester&tahun=2026&semester=1",
    "/kementerian/?wilayah=33.72&periode=rentang&mulai=2026-02-01&sampai=2026-04-30",
    "/kementerian/?wilayah=33.72&layanan=kia&periode=tahun&tahun=2026",
]
#: The most any dashboard may read: session and user, roles, scope, figures, overdue, names, trend,
#: onboarding and monev panels.
MOST = 14


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_regions(
    client, ministry, samarinda_manager, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    seed(random.Random(1), regions=FEW, per_region=10, start=START, end=END)
    services.rebuild()
    client.force_login(ministry)
    few = {path: queries(client, path) for path in PAGES}

    seed(random.Random(2), regions=MANY, per_region=30, start=START, end=END)
    with django_capture_on_commit_callbacks(execute=True):
        services.rebuild()  # new figures: the pages' cached ones are stale

    for path in PAGES:
        with django_assert_max_num_queries(MOST):
            assert queries(client, path) == few[path], path
    client.force_login(samarinda_manager)
    with django_assert_max_num_queries(MOST):
        client.get("/pengelola/statistik/?periode=semester&tahun=2026&semester=1")
    client.logout()
    with django_assert_max_num_queries(8):
        client.get("/statistik/?periode=semester&tahun=2026&semester=1")


def test_a_page_asked_again_reads_the_figures_from_the_cache_until_they_change(
    client, ministry, django_capture_on_commit_callbacks
):
    seed(random.Random(3), regions=FEW, per_region=10, start=START, end=END)
    services.rebuild()
    client.force_login(ministry)
    first = queries(client, PAGES[1])
    again = queries(client, PAGES[1])
    assert again <= first - 5  # the figures, overdue, names and trend come from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.rebuild()
    assert queries(client, PAGES[1]) == first
