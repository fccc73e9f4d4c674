"""Working-day deadlines: weekends, public holidays, cuti bersama, the region's zone, and the paused clock."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mpp.applications import calendar

WITA = "Asia/Makassar"  # Kota Samarinda
WIB = "Asia/Jakarta"
WIT = "Asia/Jayapura"


def at(day: str, time: str = "10:00", zone: str = WITA) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=ZoneInfo(zone))


def test_days_off_come_from_the_holidays_package_with_cuti_bersama_in_indonesian():
    days = calendar.days_off(2026)
    assert days[dt.date(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert "Cuti Bersama" in days[dt.date(2026, 12, 24)]  # collective leave: offices are closed
    assert calendar.is_working_day(dt.date(2026, 11, 25))  # a Wednesday
    assert not calendar.is_working_day(dt.date(2026, 11, 28))  # a Saturday
    assert not calendar.is_working_day(dt.date(2026, 12, 24))


def test_the_day_of_receipt_does_not_count():
    # Received Monday 23 Nov 2026: 3 working days → Thursday 26 Nov, at midnight local time.
    due = calendar.deadline(at("2026-11-23"), 3, WITA)
    assert due == dt.datetime(2026, 11, 26, 23, 59, 59, 999999, tzinfo=ZoneInfo(WITA))


def test_weekends_are_skipped():
    # Received Thursday 26 Nov: Fri 27, Mon 30, Tue 1 Dec.
    assert calendar.deadline(at("2026-11-26"), 3, WITA).date() == dt.date(2026, 12, 1)


def test_holidays_and_cuti_bersama_are_skipped():
    # Received Tue 22 Dec 2026: Wed 23, (Thu 24 cuti bersama, Fri 25 Christmas, weekend), Mon 28, Tue 29.
    assert calendar.deadline(at("2026-12-22"), 3, WITA).date() == dt.date(2026, 12, 29)
    # Lebaran 2026: 20–24 March are off; received Thursday 19 March (Nyepi, itself off).
    assert calendar.deadline(at("2026-03-19"), 1, WIB).date() == dt.date(2026, 3, 25)


def test_the_count_crosses_into_the_next_year():
    assert calendar.deadline(at("2026-12-30"), 2, WITA).date() == dt.date(2027, 1, 4)


def test_same_day_service_on_a_day_off_is_due_the_next_working_day():
    assert calendar.deadline(at("2026-11-25"), 0, WITA).date() == dt.date(2026, 11, 25)
    assert calendar.deadline(at("2026-11-29"), 0, WITA).date() == dt.date(2026, 11, 30)  # a Sunday


def test_the_regions_zone_decides_which_day_it_is():
    # 23:30 WIB on Friday is already Saturday 01:30 in Jayapura (WIT): counted from Saturday there.
    late_friday = at("2026-11-27", "23:30", WIB)
    assert calendar.deadline(late_friday, 1, WIB).date() == dt.date(2026, 11, 30)
    assert calendar.deadline(late_friday, 1, WIT).date() == dt.date(2026, 11, 30)
    assert calendar.deadline(at("2026-11-26", "23:30", WIB), 1, WIB).date() == dt.date(2026, 11, 27)
    assert calendar.deadline(at("2026-11-26", "23:30", WIB), 1, WIT).date() == dt.date(2026, 11, 30)
    assert calendar.deadline(late_friday, 1, WIT).tzinfo == ZoneInfo(WIT)


def test_a_paused_clock_moves_the_deadline_by_the_working_days_spent_waiting():
    due = calendar.deadline(at("2026-11-23"), 5, WITA)  # Mon 30 Nov
    # The citizen held a revision from Wed 25 to Tue 1 Dec: Thu, Fri, Mon, Tue = 4 working days.
    moved = calendar.extend(due, at("2026-11-25"), at("2026-12-01"), WITA)
    assert moved.date() == dt.date(2026, 12, 4)
    # A revision answered the same day costs nothing.
    assert calendar.extend(due, at("2026-11-25", "09:00"), at("2026-11-25", "15:00"), WITA) == due


def test_working_days_left():
    due = calendar.deadline(at("2026-11-23"), 3, WITA)  # Thu 26 Nov
    assert calendar.working_days_left(at("2026-11-23"), due, WITA) == 3
    assert calendar.working_days_left(at("2026-11-26", "08:00"), due, WITA) == 0  # the last day
    assert calendar.working_days_left(at("2026-11-27"), due, WITA) == -1
    assert calendar.working_days_left(at("2026-11-28"), due, WITA) == -1  # Saturday: still one day late
    assert calendar.working_days_left(at("2026-12-01"), due, WITA) == -3


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        calendar.add_working_days(dt.date(2026, 11, 25), -1)
