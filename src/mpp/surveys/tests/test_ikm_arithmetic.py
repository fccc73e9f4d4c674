"""The index's arithmetic against a worked example following PermenPANRB 14/2017, and the sample table."""

from decimal import Decimal

import pytest

from mpp.surveys.ikm import Grade, Scores, grade_of, required_sample


def test_a_worked_example_by_the_regulations_method():
    # Four respondents; their answers to U1 … U9 (1 = worst, 4 = best):
    #   R1: 4 3 3 4 3 4 4 3 3
    #   R2: 3 3 2 4 3 3 4 2 3
    #   R3: 4 4 3 4 4 4 4 3 4
    #   R4: 3 3 3 4 3 3 3 2 3
    # Sum per element:  14 13 11 16 13 14 15 10 13
    # NRR = sum / 4:    3,50 3,25 2,75 4,00 3,25 3,50 3,75 2,50 3,25
    # NRR tertimbang = NRR × 1/9: 0,3889 0,3611 0,3056 0,4444 0,3611 0,3889 0,4167 0,2778 0,3611
    # Σ NRR tertimbang = 29,75 / 9 = 3,30556
    # IKM = 3,30556 × 25 = 82,639 → 82,64: B, "Baik" (76,61–88,30).
    # (With the regulation's rounded weight 0,111: 29,75 × 0,111 × 25 = 82,56, also B.)
    scores = Scores(respondents=4, sums=(14, 13, 11, 16, 13, 14, 15, 10, 13))
    assert [score.nrr for score in scores.elements] == [
        Decimal(value) for value in ("3.50", "3.25", "2.75", "4.00", "3.25", "3.50", "3.75", "2.50", "3.25")
    ]
    assert [str(score.weighted) for score in scores.elements] == [
        "0.3889", "0.3611", "0.3056", "0.4444", "0.3611", "0.3889", "0.4167", "0.2778", "0.3611",
    ]  # fmt: skip
    assert scores.ikm == Decimal("82.64")
    assert scores.grade == Grade.B and scores.grade.label == "Baik"
    # Each element graded on NRR × 25: U8 2,50 → 62,50 (D); U3 2,75 → 68,75 (C); U4 4,00 → 100 (A).
    grades = {score.element.code: score.grade for score in scores.elements}
    assert (grades["U8"], grades["U3"], grades["U4"], grades["U1"]) == (Grade.D, Grade.C, Grade.A, Grade.B)
    assert [score.element.code for score in scores.weakest(3)] == ["U8", "U3", "U2"]


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("100.00", Grade.A), ("88.31", Grade.A), ("88.30", Grade.B), ("76.61", Grade.B), ("76.60", Grade.C),
        ("65.00", Grade.C), ("64.99", Grade.D), ("25.00", Grade.D),
    ],
)  # fmt: skip
def test_the_grade_intervals(value, grade):
    assert grade_of(Decimal(value)) == grade


def test_no_respondents_no_index():
    assert Scores().ikm is None and Scores().grade is None and Scores().weakest() == []


def test_all_fours_is_a_hundred_and_all_ones_twenty_five():
    assert Scores(2, (8,) * 9).ikm == Decimal("100.00")
    assert Scores(2, (2,) * 9).ikm == Decimal("25.00")


@pytest.mark.parametrize(
    ("population", "sample"),
    # Rows of the published table (Krejcie & Morgan 1970, as PermenPANRB 14/2017 reproduces it).
    [
        (10, 10), (15, 14), (20, 19), (50, 44), (100, 80), (200, 132), (500, 217), (1000, 278), (1100, 285),
        (3000, 341), (10000, 370), (20000, 377), (50000, 381), (75000, 382), (1000000, 384),
    ],
)  # fmt: skip
def test_the_sample_follows_the_krejcie_morgan_table(population, sample):
    assert required_sample(population) == sample


def test_the_formula_gives_383_where_the_table_prints_384_for_100000():
    # The table's last row, "100.000 → 384" in the regulation (1.000.000 in Krejcie & Morgan's own table),
    # is the formula's limit for a large population (3,841 × 0,25 / 0,0025 = 384,1); at 100.000 the formula
    # itself gives 382,63 → 383, and 384 only from about 245.000 users on. We compute with the formula:
    # one respondent fewer on that one row.
    assert required_sample(100_000) == 383
    assert required_sample(250_000) == 384


def test_no_population_needs_no_sample_and_a_sample_never_exceeds_it():
    assert required_sample(0) == 0
    assert all(required_sample(n) <= n for n in range(1, 60))
