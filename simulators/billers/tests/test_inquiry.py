"""Inquiries: what is due on a tax object or customer, the NOP written either way, a bill id
that stays while the dues do and changes when they change, and 400/404 for bad numbers."""

from __future__ import annotations

import re

import pytest

from .conftest import (
    CUSTOMER_PAID_UP,
    CUSTOMER_TWO_MONTHS,
    NOP_OLD_ARREARS,
    NOP_PAID_UP,
    NOP_THIS_YEAR,
    NOP_THREE_YEARS,
    bill_path,
    fresh,
    inquire,
)


def test_a_nop_with_only_this_years_sppt_shows_it_with_its_penalty(api):
    bill = inquire(api, "pbb", NOP_THIS_YEAR)
    assert re.fullmatch(r"PBB-2026-\d{6}", bill["bill_id"])
    assert bill["subject"] == NOP_THIS_YEAR and bill["name"] == "MUHAMMAD RIDWAN"
    assert bill["address"] == "JL. TRIKORA NO. 17 RT 005, KEL. RAWA MAKMUR, KEC. PALARAN, KOTA SAMARINDA"
    assert bill["items"] == [
        {"description": "PBB-P2 tahun 2026", "period": "2026", "amount": 312_750},
        {"description": "Denda PBB-P2 tahun 2026 (4 bulan × 1%)", "period": "2026", "amount": 12_510},
    ]
    assert bill["amount_due"] == 325_260 and bill["due_date"] == "2026-12-31"


def test_several_unpaid_years_are_listed_oldest_first_each_with_its_penalty(api):
    bill = inquire(api, "pbb", NOP_THREE_YEARS)
    assert [(item["period"], item["amount"]) for item in bill["items"]] == [
        ("2024", 1_150_000),
        ("2024", 276_000),  # 24 months: the most there is
        ("2025", 1_150_000),
        ("2025", 184_000),  # September 2025 to December 2026: 16 months begun
        ("2026", 1_150_000),
        ("2026", 46_000),
    ]
    assert bill["amount_due"] == sum(item["amount"] for item in bill["items"]) == 3_956_000


def test_arrears_older_than_two_years_carry_the_capped_penalty(api):
    items = inquire(api, "pbb", NOP_OLD_ARREARS)["items"]
    assert items[1] == {"description": "Denda PBB-P2 tahun 2023 (24 bulan × 1%)", "period": "2023", "amount": 54_816}


def test_a_customer_with_two_unpaid_months_pays_both_and_the_late_fee_of_the_older(api):
    bill = inquire(api, "pdam", CUSTOMER_TWO_MONTHS)
    assert re.fullmatch(r"PDAM-2026-\d{6}", bill["bill_id"]) and bill["subject"] == CUSTOMER_TWO_MONTHS
    assert bill["name"] == "ANDI MAPPANYUKKI"
    assert bill["items"] == [
        {"description": "Tagihan air 2026-10 (24 m³)", "period": "2026-10", "amount": 136_500},
        {"description": "Denda keterlambatan 2026-10", "period": "2026-10", "amount": 5_000},
        {"description": "Tagihan air 2026-11 (24 m³)", "period": "2026-11", "amount": 136_500},
    ]
    assert bill["amount_due"] == 278_000 and bill["due_date"] == "2026-12-20"


@pytest.mark.parametrize(("service", "number"), [("pbb", NOP_PAID_UP), ("pdam", CUSTOMER_PAID_UP)])
def test_when_nothing_is_due_the_bill_is_empty(api, service, number):
    bill = inquire(api, service, number)
    assert (bill["bill_id"], bill["items"], bill["amount_due"], bill["due_date"]) == (None, [], 0, None)
    assert bill["subject"] == number and bill["name"]


@pytest.mark.parametrize("written", ["647201000100201230", "6472010001002-01230", "64.72.010.001.002.0123.0"])
def test_the_nop_may_be_written_with_or_without_dots_and_dashes(api, written):
    assert inquire(api, "pbb", written) == inquire(api, "pbb", NOP_THIS_YEAR)


def test_the_bill_id_stays_while_the_dues_do_and_differs_between_subjects(api):
    first, again = inquire(api, "pdam", CUSTOMER_TWO_MONTHS), inquire(api, "pdam", CUSTOMER_TWO_MONTHS)
    assert first["bill_id"] == again["bill_id"]
    assert inquire(api, "pbb", NOP_THIS_YEAR)["bill_id"] != inquire(api, "pbb", NOP_THREE_YEARS)["bill_id"]


def test_a_new_month_changes_the_bill_id(billers, api):
    number = fresh(billers, "pdam")
    before = inquire(api, "pdam", number)
    billers.add_bill("pdam", number, period="2026-05", amount=88_000, usage_m3=14)
    after = inquire(api, "pdam", number)
    assert after["bill_id"] != before["bill_id"]
    assert after["items"][0]["period"] == "2026-05" and after["amount_due"] == before["amount_due"] + 88_000 + 5_000


def test_a_grown_penalty_changes_the_bill_id_and_the_same_dues_get_the_same_id_back(clock, api):
    december = inquire(api, "pbb", NOP_THIS_YEAR)
    clock.set_today("2027-01-04")
    january = inquire(api, "pbb", NOP_THIS_YEAR)
    assert january["items"][1]["description"] == "Denda PBB-P2 tahun 2026 (5 bulan × 1%)"
    assert january["bill_id"] != december["bill_id"]
    clock.set_today("2026-12-31")
    assert inquire(api, "pbb", NOP_THIS_YEAR)["bill_id"] == december["bill_id"]


@pytest.mark.parametrize(
    ("service", "number"),
    [("pbb", "64.72.010.001.002-0123.9"), ("pbb", "35.78.010.001.002-0123.0"), ("pdam", "9999999999")],
)
def test_an_unknown_number_is_404(api, service, number):
    response = api.get(bill_path(service, number))
    assert response.status_code == 404 and response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("service", "number"),
    [
        ("pbb", "64.72.010.001.002-0123"),  # 17 digits
        ("pbb", "6472010001002012300"),  # 19 digits
        ("pbb", "64 72 010 001 002 0123 0"),
        ("pbb", "64.72.010.001.002-O123.0"),  # a letter O
        ("pbb", "٦٤٧٢٠١٠٠٠١٠٠٢٠١٢٣٠"),  # Arabic-Indic digits
        ("pbb", "." * 40 + "647201000100201230"),
        ("pdam", "010123456"),
        ("pdam", "01012345678"),
        ("pdam", "0101-234567"),
        ("pdam", "abcdefghij"),
    ],
)
def test_a_malformed_number_is_400(api, service, number):
    response = api.get(bill_path(service, number))
    assert response.status_code == 400 and response.json()["error"] == "invalid_number"
    assert response.json()["message"]
