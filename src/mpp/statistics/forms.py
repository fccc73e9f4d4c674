"""The period picker, read from the query string: every bad value is an error beside its field, never a 500."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import MONTH_NAMES, ROMAN, Kind, Period

#: MPP Digital's first pilots went live in 2023: nothing to show before.
FIRST_YEAR = 2023
#: A custom period reads day rows: two years of them at most.
MAX_CUSTOM_DAYS = 731
#: Orders of the ranking table: its measures, largest or best first.
ORDERS = {
    "diterima": _("Diterima"),
    "diputus": _("Diputus"),
    "belum": _("Belum diputus"),
    "tepat": _("Tepat waktu"),
    "median": _("Median hari kerja"),
    "terlambat": _("Terlambat saat ini"),
}


def _choice(label, choices):
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Pilih salah satu pilihan yang tersedia.")},
    )


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Tulis tanggal sebagai TTTT-BB-HH, mis. 2026-03-31.")},
    )


class PeriodForm(forms.Form):
    """A period and, on dashboards, the order of the ranking. Missing values default to the current period."""

    periode = forms.ChoiceField(
        label=_("Jenis periode"),
        choices=Kind.choices,
        required=False,
        error_messages={"invalid_choice": _("Pilih bulan, triwulan, semester, tahun, atau rentang tanggal.")},
    )
    tahun = _choice(_("Tahun"), [])
    bulan = _choice(_("Bulan"), [(number, name) for number, name in enumerate(MONTH_NAMES, start=1)])
    triwulan = _choice(_("Triwulan"), [(number, f"{_('Triwulan')} {ROMAN[number - 1]}") for number in range(1, 5)])
    semester = _choice(_("Semester"), [(1, f"{_('Semester')} I"), (2, f"{_('Semester')} II")])
    mulai = _date(_("Dari tanggal (rentang)"))
    sampai = _date(_("Sampai tanggal (rentang)"))

    def __init__(self, data=None, *, today: dt.date | None = None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(data, **kwargs)
        self.fields["tahun"].choices = [(year, str(year)) for year in range(self.today.year, FIRST_YEAR - 1, -1)]
        current = Period.containing(Kind.QUARTER, self.today)
        self.initial.update(
            {
                "periode": Kind.QUARTER,
                "tahun": self.today.year,
                "bulan": self.today.month,
                "triwulan": current.number,
                "semester": (self.today.month - 1) // 6 + 1,
                "mulai": current.start,
                "sampai": self.today,
            }
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("periode") or Kind.QUARTER
        if self.errors:
            return cleaned
        if kind == Kind.CUSTOM:
            cleaned["period"] = self._custom(cleaned)
        else:
            cleaned["period"] = self._of_months(kind, cleaned)
        return cleaned

    def _of_months(self, kind: str, cleaned: dict) -> Period | None:
        year = cleaned.get("tahun") or self.today.year
        field = {Kind.MONTH: "bulan", Kind.QUARTER: "triwulan", Kind.SEMESTER: "semester", Kind.YEAR: None}[kind]
        number = cleaned.get(field) if field else 1
        if number is None:  # not chosen: the one we are in (this year), or the first
            number = Period.containing(kind, self.today).number if year == self.today.year else 1
        period = Period.of_months(kind, year, number)
        if period.start > self.today:
            self.add_error(field or "tahun", _("Periode ini belum dimulai."))
            return None
        return period

    def _custom(self, cleaned: dict) -> Period | None:
        start, end = cleaned.get("mulai"), cleaned.get("sampai")
        if start is None:
            self.add_error("mulai", _("Isi tanggal awal rentang."))
        if end is None:
            self.add_error("sampai", _("Isi tanggal akhir rentang."))
        if start is None or end is None:
            return None
        if start < dt.date(FIRST_YEAR, 1, 1):
            self.add_error("mulai", _("Data tersedia mulai 1 Januari %(year)d.") % {"year": FIRST_YEAR})
        elif start > self.today:
            self.add_error("mulai", _("Tanggal awal tidak boleh setelah hari ini."))
        if end < start:
            self.add_error("sampai", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        elif (end - start).days + 1 > MAX_CUSTOM_DAYS:
            self.add_error("sampai", _("Rentang paling panjang %(days)d hari.") % {"days": MAX_CUSTOM_DAYS})
        return None if self.errors else Period(Kind.CUSTOM, start, end)

    @property
    def period(self) -> Period:
        """The chosen period (call after ``is_valid()`` returned True)."""
        return self.cleaned_data["period"]

    @classmethod
    def showing(cls, period: Period, **values) -> "PeriodForm":
        """An unbound picker showing ``period`` (and ``values`` of other fields), as the page's form."""
        form = cls()
        form.initial.update({"periode": period.kind, "tahun": period.start.year, **values})
        if period.kind == Kind.CUSTOM:
            form.initial.update({"mulai": period.start, "sampai": period.end})
        elif period.kind != Kind.YEAR:
            form.initial[{Kind.MONTH: "bulan", Kind.QUARTER: "triwulan", Kind.SEMESTER: "semester"}[period.kind]] = (
                period.number
            )
        return form


class DashboardForm(PeriodForm):
    urut = forms.ChoiceField(
        label=_("Urutkan wilayah menurut"),
        choices=list(ORDERS.items()),
        required=False,
        error_messages={"invalid_choice": _("Pilih salah satu urutan yang tersedia.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["urut"] = "diterima"

    @property
    def order(self) -> str:
        return self.cleaned_data.get("urut") or "diterima"
