"""What the ministry's dashboard reads of monev: the latest round's submitted, late and missing, and its
obstacles by frequency, in a constant number of queries."""

import datetime as dt

import pytest

from mpp.monitoring import services
from mpp.monitoring.selectors import dashboard_summary

from .conftest import WIB, fill, report_of

pytestmark = pytest.mark.django_db


def test_no_round_yet():
    assert dashboard_summary(None) == {"round": None, "submitted": 0, "late": 0, "missing": 0, "obstacles": []}


def test_the_latest_rounds_figures_and_obstacles_most_frequent_first(ministry, monev_round, alice, bob):
    older = services.open_round(
        opened_by=ministry,
        title="Lama",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 31),
        deadline=dt.date(2026, 2, 28),
        region_codes={"64.72"},
        now=dt.datetime(2026, 2, 1, tzinfo=WIB),
    )
    assert older.created_at < monev_round.created_at
    samarinda = fill(report_of(monev_round, "64.72"), alice)
    services.submit_report(manager=alice, report_id=samarinda.pk, expected_version=0)
    surakarta = services.save_draft(
        manager=bob,
        report_id=report_of(monev_round, "33.72").pk,
        expected_version=0,
        values={},
        obstacles=[("sdm", "Kurang petugas.")],
    )
    assert surakarta.obstacles.count() == 1  # a draft's obstacles are not counted yet
    late = monev_round.deadline + dt.timedelta(days=3)
    fill(surakarta, bob)
    services.submit_report(
        manager=bob,
        report_id=surakarta.pk,
        expected_version=0,
        now=dt.datetime.combine(late, dt.time(10, 0), tzinfo=WIB),
    )
    summary = dashboard_summary(None)
    assert summary["round"] == monev_round
    assert (summary["submitted"], summary["late"], summary["missing"]) == (2, 1, 0)
    assert summary["obstacles"] == [("Infrastruktur", 2), ("SDM (sumber daya manusia)", 2)]
    only_samarinda = dashboard_summary({"64.72"})
    assert (only_samarinda["submitted"], only_samarinda["late"], only_samarinda["missing"]) == (1, 0, 0)
    assert dashboard_summary(set())["submitted"] == 0


def test_the_missing_are_the_asked_regions_that_never_submitted(monev_round):
    summary = dashboard_summary({"64.72", "33.72", "11.01"})
    assert (summary["submitted"], summary["late"], summary["missing"]) == (0, 0, 2)
    assert summary["obstacles"] == []


def test_the_summary_takes_three_queries_whatever_the_number_of_regions(ministry, alice, django_assert_num_queries):
    reporting_round = services.open_round(
        opened_by=ministry,
        title="Banyak daerah",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 31),
        deadline=dt.date(2026, 12, 31),
        region_codes={"64.72", "33.72", "33.02", "35.10", "33.29"},
    )
    report = fill(report_of(reporting_round, "64.72"), alice)
    services.submit_report(manager=alice, report_id=report.pk, expected_version=0)
    with django_assert_num_queries(3):
        summary = dashboard_summary({"64.72", "33.72"})
    assert (summary["submitted"], summary["missing"], len(summary["obstacles"])) == (1, 1, 2)
