"""Periods and the period picker: each kind, the one before it, and every bad input an error beside its field."""

import datetime as dt

import pytest

from mpp.statistics.forms import DashboardForm, PeriodForm
from mpp.statistics.models import Grain
from mpp.statistics.periods import Kind, Period

TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("period", "previous", "label"),
    [
        (Period.of_months(Kind.MONTH, 2026, 1), (dt.date(2025, 12, 1), dt.date(2025, 12, 31)), "Januari 2026"),
        (Period.of_months(Kind.QUARTER, 2026, 3), (dt.date(2026, 4, 1), dt.date(2026, 6, 30)), "Triwulan III 2026"),
        (Period.of_months(Kind.SEMESTER, 2026, 1), (dt.date(2025, 7, 1), dt.date(2025, 12, 31)), "Semester I 2026"),
        (Period.of_months(Kind.YEAR, 2026, 1), (dt.date(2025, 1, 1), dt.date(2025, 12, 31)), "Tahun 2026"),
        (
            Period(Kind.CUSTOM, dt.date(2026, 3, 1), dt.date(2026, 3, 10)),
            (dt.date(2026, 2, 19), dt.date(2026, 2, 28)),
            "1 Maret 2026 – 10 Maret 2026",
        ),
    ],
)
def test_each_kind_has_its_previous_period_and_a_label(period, previous, label):
    before = period.previous()
    assert (before.start, before.end) == previous and before.kind == period.kind
    assert period.label() == label
    assert period.grain == (Grain.DAY if period.kind == Kind.CUSTOM else Grain.MONTH)


def test_a_leap_february_and_a_quarter_end_on_their_last_day():
    assert Period.of_months(Kind.MONTH, 2028, 2).end == dt.date(2028, 2, 29)
    assert Period.containing(Kind.QUARTER, dt.date(2026, 11, 20)) == Period(
        Kind.QUARTER, dt.date(2026, 10, 1), dt.date(2026, 12, 31)
    )


def picked(**data) -> PeriodForm:
    form = PeriodForm(data, today=TODAY)
    form.is_valid()
    return form


def test_missing_values_default_to_the_current_period():
    assert picked().period == Period.of_months(Kind.QUARTER, 2026, 4)
    assert picked(periode="bulan").period == Period.of_months(Kind.MONTH, 2026, 11)
    assert picked(periode="semester", tahun="2025").period == Period.of_months(Kind.SEMESTER, 2025, 1)


def test_a_custom_period_is_read_from_its_two_dates():
    form = picked(periode="rentang", mulai="2026-02-01", sampai="2026-02-14")
    assert form.period == Period(Kind.CUSTOM, dt.date(2026, 2, 1), dt.date(2026, 2, 14))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"periode": "rentang", "mulai": "2026-03-10", "sampai": "2026-03-01"}, "sampai", "tidak boleh sebelum"),
        ({"periode": "rentang", "mulai": "kemarin", "sampai": "2026-03-01"}, "mulai", "TTTT-BB-HH"),
        ({"periode": "rentang", "sampai": "2026-03-01"}, "mulai", "Isi tanggal awal"),
        ({"periode": "rentang", "mulai": "2020-01-01", "sampai": "2020-03-01"}, "mulai", "mulai 1 Januari 2023"),
        ({"periode": "rentang", "mulai": "2023-01-01", "sampai": "2026-01-01"}, "sampai", "paling panjang"),
        ({"periode": "rentang", "mulai": "2027-01-01", "sampai": "2027-01-02"}, "mulai", "setelah hari ini"),
        ({"periode": "abad"}, "periode", "Pilih bulan, triwulan"),
        ({"tahun": "abc"}, "tahun", "Pilih salah satu"),
        ({"tahun": "1999"}, "tahun", "Pilih salah satu"),
        ({"periode": "bulan", "bulan": "13"}, "bulan", "Pilih salah satu"),
        ({"periode": "triwulan", "triwulan": "0"}, "triwulan", "Pilih salah satu"),
        ({"periode": "bulan", "bulan": "12"}, "bulan", "belum dimulai"),
    ],
)
def test_bad_input_is_an_error_in_indonesian_beside_its_field(data, field, message):
    form = picked(**data)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_an_unknown_order_is_an_error_of_its_own_field():
    form = DashboardForm({"urut": "nama"}, today=TODAY)
    assert not form.is_valid() and list(form.errors) == ["urut"]


def test_the_picker_shows_the_chosen_period():
    form = PeriodForm.showing(Period.of_months(Kind.SEMESTER, 2025, 2))
    assert (form.initial["periode"], form.initial["tahun"], form.initial["semester"]) == ("semester", 2025, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "?periode=rentang&mulai=2026-03-10&sampai=2026-03-01",
        "?periode=%00&tahun=%F0%9F%92%A5",
        "?periode=bulan&bulan=99&tahun=-1",
        "?mulai=2026-02-30&sampai=x&periode=rentang",
        "?periode=rentang&periode=tahun&mulai=9999-99-99",
    ],
)
def test_garbage_in_the_query_is_a_400_with_the_errors_never_a_500(client, ministry, query):
    client.force_login(ministry)
    for path in ("/kementerian/", "/statistik/", "/statistik/64.72/"):
        response = client.get(path + query)
        assert response.status_code == 400, path
        assert 'class="error"' in response.content.decode()
