"""The dashboard's figures equal a direct count over the applications, for every kind of scope and period."""

import datetime as dt
import random

import pytest

from mpp.applications.models import Application, Status
from mpp.statistics import selectors, services
from mpp.statistics.dashboards import ranked
from mpp.statistics.measures import Measures, percentile
from mpp.statistics.periods import Kind, Period

from .factories import count, seed

pytestmark = pytest.mark.django_db
REGIONS = ["64.72", "33.72", "33.71", "35.76", "62.01"]  # Samarinda, Surakarta, Magelang, Mojokerto, Kotawaringin Barat
START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 10, 20, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 10, 25, 3, tzinfo=dt.UTC)


@pytest.fixture
def seeded(db):
    applications = seed(random.Random(20), regions=REGIONS, per_region=70, start=START, end=END)
    services.rebuild()
    return list(
        Application.objects.filter(pk__in=[a.pk for a in applications]).select_related("region", "service__template")
    )


def assert_equal(measures: Measures, counted, *, with_pending: bool = True) -> None:
    assert (measures.received, measures.approved, measures.rejected) == (
        counted.received,
        counted.approved,
        counted.rejected,
    )
    assert measures.on_time == counted.on_time
    assert measures.permits == counted.permits
    assert +measures.channels == +counted.channels
    assert (measures.median_days, measures.p90_days) == (counted.percentile(0.5), counted.percentile(0.9))
    if with_pending:
        assert measures.pending == counted.pending


PERIODS = [
    Period.of_months(Kind.QUARTER, 2026, 2),
    Period.of_months(Kind.MONTH, 2026, 7),
    Period.of_months(Kind.SEMESTER, 2026, 1),
    Period.of_months(Kind.YEAR, 2026, 1),
    Period(Kind.CUSTOM, dt.date(2026, 4, 17), dt.date(2026, 6, 3)),
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda period: period.kind)
def test_the_nations_figures_and_the_previous_periods_equal_a_direct_count(seeded, period):
    board = selectors.dashboard(selectors.scope(), period, now=NOW)

    assert_equal(board.current, count(seeded, period.start, period.end))
    previous = period.previous()
    assert_equal(board.before, count(seeded, previous.start, previous.end))
    assert board.current.received and board.current.decided


@pytest.mark.parametrize(
    ("region_code", "template_slug"),
    [("33", ""), ("33.72", ""), ("64.72", "akta-kelahiran"), ("", "sip-tenaga-kesehatan"), ("33", "kia")],
)
def test_a_province_a_region_and_a_service_equal_a_direct_count(seeded, region_code, template_slug):
    period = Period.of_months(Kind.QUARTER, 2026, 3)
    the_scope = selectors.scope(region_code=region_code, template_slug=template_slug)

    board = selectors.dashboard(the_scope, period, now=NOW)

    def keep(application):
        in_region = application.region_id == region_code or application.region_id.startswith(f"{region_code}.")
        right_service = not template_slug or application.service.template.slug == template_slug
        return (not region_code or in_region) and right_service

    assert_equal(board.current, count(seeded, period.start, period.end, keep))


def test_each_child_row_equals_a_direct_count_and_they_add_up(seeded):
    period = Period.of_months(Kind.SEMESTER, 2026, 1)
    board = selectors.dashboard(selectors.scope(region_code="33"), period, now=NOW)

    shown = {row.code: row for row in board.rows if row.measures.received or row.measures.decided}
    assert set(shown) == {"33.71", "33.72"}
    for code, row in shown.items():
        assert_equal(row.measures, count(seeded, period.start, period.end, lambda a, code=code: a.region_id == code))
    assert sum(row.measures.received for row in board.rows) == board.current.received
    assert len(board.rows) == 35  # every kabupaten/kota of Jawa Tengah, with or without figures


def test_overdue_now_counts_the_open_applications_past_their_deadline(seeded):
    board = selectors.dashboard(selectors.scope(), Period.of_months(Kind.YEAR, 2026, 1), now=NOW)

    expected = [
        a for a in seeded if a.status in (Status.IN_PROGRESS, Status.FORWARDED) and a.due_at < NOW
    ]  # a revision's clock stands still: never overdue
    assert board.current.overdue == len(expected) > 0
    by_province = {row.code: row.measures.overdue for row in board.rows}
    assert by_province["33"] == sum(1 for a in expected if a.region_id.startswith("33."))


def test_the_national_median_across_regions_compares_a_region(seeded):
    period = Period.of_months(Kind.YEAR, 2026, 1)
    medians = selectors.regions_compared(selectors.scope(region_code="64.72"), period, now=NOW)

    received = sorted(
        count(seeded, period.start, period.end, lambda a, c=code: a.region_id == c).received for code in REGIONS
    )
    assert medians["received"] == received[len(received) // 2]
    assert medians["overdue"] is not None and 0 <= medians["on_time_share"] <= 1


def test_rows_rank_by_the_chosen_measure_best_first(seeded):
    board = selectors.dashboard(selectors.scope(region_code="33"), Period.of_months(Kind.YEAR, 2026, 1), now=NOW)
    by_received = ranked(board.rows, "diterima")
    assert by_received[0].measures.received >= by_received[1].measures.received >= by_received[-1].measures.received
    by_median = [row.measures.median_days for row in ranked(board.rows, "median")]
    known = [value for value in by_median if value is not None]
    assert known == sorted(known) and by_median[: len(known)] == known  # the undefined ones last


def test_percentiles_are_by_nearest_rank():
    from collections import Counter

    days = Counter({0: 2, 1: 3, 4: 4, 30: 1})  # 0 0 1 1 1 4 4 4 4 30
    assert (percentile(days, 0.5), percentile(days, 0.9), percentile(days, 1)) == (1, 4, 30)
    assert percentile(Counter(), 0.5) is None
