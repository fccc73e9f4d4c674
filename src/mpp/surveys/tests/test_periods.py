"""Periods by code: years, semesters, quarters, months, and the last twelve months by default."""

import datetime as dt

import pytest

from mpp.surveys import periods

TODAY = dt.date(2026, 8, 14)


@pytest.mark.parametrize(
    ("code", "first", "last", "label"),
    [
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 1), "2026"),
        ("2026-S1", dt.date(2026, 1, 1), dt.date(2026, 6, 1), "Semester I 2026"),
        ("2025-S2", dt.date(2025, 7, 1), dt.date(2025, 12, 1), "Semester II 2025"),
        ("2026-T3", dt.date(2026, 7, 1), dt.date(2026, 9, 1), "Triwulan III 2026"),
        ("2026-07", dt.date(2026, 7, 1), dt.date(2026, 7, 1), "Juli 2026"),
        ("12-bulan", dt.date(2025, 9, 1), dt.date(2026, 8, 1), "12 bulan terakhir (September 2025 – Agustus 2026)"),
    ],
)
def test_codes_name_whole_months(code, first, last, label):
    period = periods.parse(code, TODAY)
    assert (period.first, period.last, period.label()) == (first, last, label)
    assert period.end == periods.month_end(last)


@pytest.mark.parametrize("code", ["", "2026-S3", "2026-T5", "2026-13", "1999", "2027", "2026-09", "abc", "2026-s1"])
def test_unknown_or_future_codes_name_nothing(code):
    assert periods.parse(code, TODAY) is None


def test_the_picker_offers_only_periods_that_have_started():
    offered = [period.code for period in periods.choices(TODAY)]
    assert offered[0] == periods.ROLLING
    assert "2026-S2" in offered and "2026-T4" not in offered and "2025-09" in offered and "2025-08" not in offered
    assert [period.code for period in periods.plan_choices(TODAY)] == [
        "2026-S2",
        "2026-S1",
        "2025-S2",
        "2025-S1",
        "2026",
        "2025",
    ]


def test_months_of_a_year_cross_nothing():
    assert len(periods.parse("2026", TODAY).months()) == 12
    assert periods.add_months(dt.date(2026, 11, 1), 3) == dt.date(2027, 2, 1)
