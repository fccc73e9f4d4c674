"""Legal deadlines in working days (*hari kerja*), in the region's time zone.

A service standard promises its result within N working days. Government offices close on
weekends, on national public holidays and on the collective leave days (*cuti bersama*) the
government decrees each year; the ``holidays`` package ships both for Indonesia (its
``public`` and ``government`` categories), so nothing here is typed by hand.

The rules (as MPP service standards count them):

- the day an application is received does not count: the clock starts on the next working
  day, and a deadline of N working days ends at the close of the N-th working day after it;
- 0 working days means "the same day": the close of the day it was received, or of the next
  working day when it arrived on a day off (an online application on a Sunday);
- a day ends at midnight in the region's own zone (WIB, WITA or WIT), so an office in Jayapura
  is not held to Jakarta's clock;
- while the citizen holds an application (a revision was asked for), the clock stops: every
  working day spent waiting moves the deadline by one working day (``extend``).
"""

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays

#: The categories government offices close for: public holidays and *cuti bersama*.
CATEGORIES = ("public", "government")


@functools.cache
def days_off(year: int) -> dict[dt.date, str]:
    """Indonesia's public holidays and collective leave days of ``year``, with their Indonesian names."""
    return dict(holidays.country_holidays("ID", years=year, categories=CATEGORIES, language="id"))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in days_off(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after ``day``."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (``day`` itself when ``count`` is 0 and it is a working day)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return day if is_working_day(day) else next_working_day(day)
    for _ in range(count):
        day = next_working_day(day)
    return day


def end_of_day(day: dt.date, zone: str) -> dt.datetime:
    """The last instant of ``day`` in ``zone`` (an aware datetime)."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=ZoneInfo(zone))


def deadline(received_at: dt.datetime, working_days: int, zone: str) -> dt.datetime:
    """When something received at ``received_at`` is due, given ``working_days`` in the region's ``zone``."""
    received_on = received_at.astimezone(ZoneInfo(zone)).date()
    return end_of_day(add_working_days(received_on, working_days), zone)


def working_days_between(start: dt.datetime, end: dt.datetime, zone: str) -> int:
    """Working days after ``start``'s day up to and including ``end``'s day, in ``zone`` (0 if ``end`` is not later)."""
    tz = ZoneInfo(zone)
    day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    count = 0
    while day < last:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def extend(due_at: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime, zone: str) -> dt.datetime:
    """``due_at`` moved by the working days the clock stood still (from ``paused_at`` to ``resumed_at``)."""
    lost = working_days_between(paused_at, resumed_at, zone)
    due_on = due_at.astimezone(ZoneInfo(zone)).date()
    return end_of_day(add_working_days(due_on, lost) if lost else due_on, zone)


def working_days_left(now: dt.datetime, due_at: dt.datetime, zone: str) -> int:
    """Whole working days left before ``due_at`` after today: 0 on the last day, negative when late."""
    if now <= due_at:
        return working_days_between(now, due_at, zone)
    return -max(working_days_between(due_at, now, zone), 1)
