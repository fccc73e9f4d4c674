"""Periods a dashboard shows: a month, a quarter, a semester, a year, or any run of days; and the one before.

Days are calendar days in each region's own time zone (a figure counts what happened on that day
where it happened). A month, quarter, semester or year is read from the month rows; any other run
of days from the day rows. The previous period is the one just before, of the same kind: the
previous quarter for a quarter, the same number of days for a custom period.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.core.clock import local_date

from .models import Grain


class Kind(models.TextChoices):
    MONTH = "bulan", _("Bulan")
    QUARTER = "triwulan", _("Triwulan")
    SEMESTER = "semester", _("Semester")
    YEAR = "tahun", _("Tahun")
    CUSTOM = "rentang", _("Rentang tanggal")


#: Months in each period of a kind.
MONTHS = {Kind.MONTH: 1, Kind.QUARTER: 3, Kind.SEMESTER: 6, Kind.YEAR: 12}
MONTH_NAMES = [
    _("Januari"),
    _("Februari"),
    _("Maret"),
    _("April"),
    _("Mei"),
    _("Juni"),
    _("Juli"),
    _("Agustus"),
    _("September"),
    _("Oktober"),
    _("November"),
    _("Desember"),
]
ROMAN = ["I", "II", "III", "IV"]


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @classmethod
    def of_months(cls, kind: str, year: int, number: int) -> "Period":
        """The ``number``-th month, quarter or semester of ``year`` (1 for a year)."""
        months = MONTHS[kind]
        first = dt.date(year, (number - 1) * months + 1, 1)
        return cls(kind, first, _add_months(first, months) - dt.timedelta(days=1))

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> "Period":
        """The month, quarter, semester or year ``day`` falls in."""
        return cls.of_months(kind, day.year, (day.month - 1) // MONTHS[kind] + 1)

    @property
    def grain(self) -> str:
        return Grain.DAY if self.kind == Kind.CUSTOM else Grain.MONTH

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def number(self) -> int:
        """Which month, quarter or semester of its year it is (1 for a year or a custom period)."""
        return (self.start.month - 1) // MONTHS.get(self.kind, 12) + 1

    def previous(self) -> "Period":
        if self.kind == Kind.CUSTOM:
            return Period(self.kind, self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))
        first = _add_months(self.start, -MONTHS[self.kind])
        return Period(self.kind, first, self.start - dt.timedelta(days=1))

    def label(self) -> str:
        """How people say it: "Triwulan III 2026", "Oktober 2026", "1 Maret 2026 – 15 April 2026"."""
        if self.kind == Kind.MONTH:
            return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        if self.kind == Kind.QUARTER:
            return f"{_('Triwulan')} {ROMAN[self.number - 1]} {self.start.year}"
        if self.kind == Kind.SEMESTER:
            return f"{_('Semester')} {ROMAN[self.number - 1]} {self.start.year}"
        if self.kind == Kind.YEAR:
            return f"{_('Tahun')} {self.start.year}"
        return f"{local_date(self.start)} – {local_date(self.end)}"

    def slices(self) -> list[tuple[dt.date, str]]:
        """The starts of its rows, with a short label each: its months, or its days."""
        if self.grain == Grain.MONTH:
            months, month = [], self.start
            while month <= self.end:
                months.append((month, f"{str(MONTH_NAMES[month.month - 1])[:3]} {month.year}"))
                month = _add_months(month, 1)
            return months
        return [(day, day.strftime("%d/%m")) for day in (self.start + dt.timedelta(n) for n in range(self.days))]


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
