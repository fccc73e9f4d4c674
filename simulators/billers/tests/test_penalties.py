"""Penalty and late-fee arithmetic at fixed dates: PBB-P2's 1% per month begun after 31 August
(at most 24 months, rounded down to the rupiah), PDAM's flat Rp5.000 per month unpaid after
the 20th of the following month, and the due date each bill is quoted to."""

from __future__ import annotations

from datetime import date

import pytest

from simulators.billers import billing

from .conftest import CUSTOMER_TWO_MONTHS, NOP_THIS_YEAR, inquire

PRINCIPAL = 312_750  # the 2026 SPPT of NOP_THIS_YEAR
WATER = 136_500  # each of CUSTOMER_TWO_MONTHS' months


@pytest.mark.parametrize(
    ("today", "months", "penalty", "due_date"),
    [
        ("2026-03-15", 0, 0, "2026-08-31"),
        ("2026-08-31", 0, 0, "2026-08-31"),
        ("2026-09-01", 1, 3_127, "2026-09-30"),  # 3.127,5 rounded down
        ("2026-09-30", 1, 3_127, "2026-09-30"),
        ("2026-10-01", 2, 6_255, "2026-10-31"),
        ("2027-02-28", 6, 18_765, "2027-02-28"),
        ("2028-08-31", 24, 75_060, "2028-08-31"),
        ("2028-09-01", 24, 75_060, "2028-09-30"),  # the 25th month adds nothing
        ("2031-01-10", 24, 75_060, "2031-01-31"),
    ],
)
def test_the_pbb_penalty_is_one_percent_per_month_begun_after_31_august(clock, api, today, months, penalty, due_date):
    clock.set_today(today)
    bill = inquire(api, "pbb", NOP_THIS_YEAR)
    assert bill["items"][0] == {"description": "PBB-P2 tahun 2026", "period": "2026", "amount": PRINCIPAL}
    if months:
        assert bill["items"][1]["description"] == f"Denda PBB-P2 tahun 2026 ({months} bulan × 1%)"
    assert [item["amount"] for item in bill["items"][1:]] == ([penalty] if penalty else [])
    assert bill["amount_due"] == PRINCIPAL + penalty and bill["due_date"] == due_date


def test_an_sppt_is_not_payable_before_its_year(clock, api):
    clock.set_today("2025-12-31")
    assert inquire(api, "pbb", NOP_THIS_YEAR)["amount_due"] == 0  # 2025 and before are paid


@pytest.mark.parametrize(
    ("today", "periods", "late_fees", "due_date"),
    [
        ("2026-11-01", ["2026-10"], 0, "2026-11-20"),  # November's usage is not billed before December
        ("2026-11-20", ["2026-10"], 0, "2026-11-20"),
        ("2026-11-21", ["2026-10"], 1, "2026-11-30"),
        ("2026-12-01", ["2026-10", "2026-11"], 1, "2026-12-20"),
        ("2026-12-20", ["2026-10", "2026-11"], 1, "2026-12-20"),
        ("2026-12-21", ["2026-10", "2026-11"], 2, "2026-12-31"),
        ("2027-05-02", ["2026-10", "2026-11"], 2, "2027-05-31"),  # a flat fee: it does not grow
    ],
)
def test_the_pdam_late_fee_is_flat_per_month_unpaid_after_the_20th(clock, api, today, periods, late_fees, due_date):
    clock.set_today(today)
    bill = inquire(api, "pdam", CUSTOMER_TWO_MONTHS)
    assert sorted({item["period"] for item in bill["items"]}) == periods
    fees = [item for item in bill["items"] if item["description"].startswith("Denda keterlambatan")]
    assert [fee["amount"] for fee in fees] == [5_000] * late_fees
    assert bill["amount_due"] == WATER * len(periods) + 5_000 * late_fees and bill["due_date"] == due_date


def test_the_clock_answers_where_its_date_comes_from(clock):
    assert clock.today() == {"today": "2026-12-06", "source": "environment"}
    assert clock.set_today("2027-01-01") == {"today": "2027-01-01", "source": "admin"}
    assert clock.reset_today() == {"today": "2026-12-06", "source": "environment"}


@pytest.mark.parametrize(
    ("year", "today", "months"),
    [
        (2026, date(2026, 8, 31), 0),
        (2026, date(2026, 9, 1), 1),
        (2025, date(2026, 1, 1), 5),
        (2020, date(2026, 1, 1), 24),
    ],
)
def test_months_late_count_every_month_begun(year, today, months):
    assert billing.pbb_months_late(str(year), today) == months


@pytest.mark.parametrize(("period", "due"), [("2026-11", date(2026, 12, 20)), ("2026-12", date(2027, 1, 20))])
def test_a_month_of_water_is_due_on_the_20th_of_the_next(period, due):
    assert billing.pdam_due_date(period) == due
