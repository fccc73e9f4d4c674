"""The survey's periods: whole months, as the figures are kept.

A period is named by a short code people can read in an address: ``2026`` (a year), ``2026-S1``
(a semester), ``2026-T3`` (a quarter, *triwulan*), ``2026-07`` (a month). Without one, pages show
the last twelve months up to this one (the index needs many answers; a short period has few).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

ROLLING = "12-bulan"
_CODE = re.compile(r"^(?P<year>\d{4})(?:-(?:S(?P<semester>[12])|T(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    code: str
    #: The first day of its first month, and of its last month.
    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.date:
        return self.first

    @property
    def end(self) -> dt.date:
        return month_end(self.last)

    @property
    def is_rolling(self) -> bool:
        return self.code == ROLLING

    def months(self) -> list[dt.date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    def label(self) -> str:
        """How people name it: "Semester I 2026", "Triwulan III 2026", "Juli 2026", "2026", or
        "12 bulan terakhir (Agustus 2025 – Juli 2026)"."""
        if self.is_rolling:
            return _("12 bulan terakhir (%(first)s – %(last)s)") % {
                "first": formats.date_format(self.first, "F Y"),
                "last": formats.date_format(self.last, "F Y"),
            }
        match = _CODE.match(self.code)
        year = match["year"]
        if match["semester"]:
            return _("Semester %(number)s %(year)s") % {"number": "I" * int(match["semester"]), "year": year}
        if match["quarter"]:
            numeral = ("I", "II", "III", "IV")[int(match["quarter"]) - 1]
            return _("Triwulan %(number)s %(year)s") % {"number": numeral, "year": year}
        if match["month"]:
            return formats.date_format(self.first, "F Y")
        return year


def rolling(today: dt.date) -> Period:
    """The twelve months up to the one ``today`` is in."""
    last = month_of(today)
    return Period(ROLLING, add_months(last, -11), last)


def parse(code: str, today: dt.date) -> Period | None:
    """The period ``code`` names, or None when it names none (or one that has not started by ``today``)."""
    if code == ROLLING:
        return rolling(today)
    match = _CODE.match(code or "")
    if match is None:
        return None
    year = int(match["year"])
    if year < 2000:
        return None
    if match["semester"]:
        first = dt.date(year, 1 + 6 * (int(match["semester"]) - 1), 1)
        last = add_months(first, 5)
    elif match["quarter"]:
        first = dt.date(year, 1 + 3 * (int(match["quarter"]) - 1), 1)
        last = add_months(first, 2)
    elif match["month"]:
        first = last = dt.date(year, int(match["month"]), 1)
    else:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    if first > today:
        return None
    return Period(code, first, last)


def choices(today: dt.date) -> list[Period]:
    """The periods a picker offers: the last twelve months, this year and last, their semesters and
    quarters, and each of the last twelve months; newest first within each kind."""
    periods = [rolling(today)]
    for year in (today.year, today.year - 1):
        periods.append(parse(str(year), today))
    for year in (today.year, today.year - 1):
        periods += [parse(f"{year}-S{half}", today) for half in (2, 1)]
    for year in (today.year, today.year - 1):
        periods += [parse(f"{year}-T{quarter}", today) for quarter in (4, 3, 2, 1)]
    month = month_of(today)
    for back in range(12):
        periods.append(parse(add_months(month, -back).strftime("%Y-%m"), today))
    return [period for period in periods if period is not None]


def plan_choices(today: dt.date) -> list[Period]:
    """The periods a follow-up plan is made for: semesters and years, this year's and last year's."""
    found = [parse(code, today) for year in (today.year, today.year - 1) for code in (f"{year}-S2", f"{year}-S1")]
    found += [parse(str(today.year), today), parse(str(today.year - 1), today)]
    return [period for period in found if period is not None]


def semester_of(today: dt.date) -> Period:
    return parse(f"{today.year}-S{1 if today.month <= 6 else 2}", today)
