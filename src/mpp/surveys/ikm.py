"""The index's arithmetic, as PermenPANRB 14/2017 sets it out: NRR, IKM, its grade, and the sample it needs.

- **NRR** (*nilai rata-rata*) of an element: the sum of its answers (1 to 4) / the respondents.
- **NRR tertimbang**: NRR × 1/9, every element weighing the same (the regulation writes the weight 0,111).
- **IKM**: the sum of the nine weighted NRRs × 25, a value from 25 to 100.
- **Mutu pelayanan**: the IKM's grade, A 88,31–100 (Sangat Baik), B 76,61–88,30 (Baik),
  C 65,00–76,60 (Kurang Baik), D 25,00–64,99 (Tidak Baik). An element is graded the same way on its
  NRR × 25 (the regulation's NRR intervals 3,5324–4 · 3,0644–3,532 · 2,60–3,064 · 1–2,5996).
- **Sample**: the minimum number of respondents for a population of N service users in the period,
  from Krejcie & Morgan (1970), whose table the regulation reproduces:
  s = χ²·N·P(1−P) / (d²·(N−1) + χ²·P(1−P)) with χ² = 3,841, P = 0,5, d = 0,05, rounded.

Everything is exact (``Fraction``) until it is shown: NRR and IKM are rounded half up to two decimals,
and a grade is read from the rounded IKM, as the regulation's intervals are written.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _

from .questionnaire import ELEMENTS, Element

ELEMENT_COUNT = len(ELEMENTS)
#: The weight of each element (NRR tertimbang = NRR × WEIGHT).
WEIGHT = Fraction(1, ELEMENT_COUNT)
#: The IKM's scale: the weighted NRR (1 to 4) × 25 gives 25 to 100.
SCALE = 25
TWO_PLACES = Decimal("0.01")

# Krejcie & Morgan's constants.
CHI_SQUARE = Fraction("3.841")
PROPORTION = Fraction(1, 2)
MARGIN = Fraction(5, 100)


class Grade(models.TextChoices):
    """*Mutu pelayanan*: the letter, with the regulation's word for the unit's performance."""

    A = "A", _("Sangat Baik")
    B = "B", _("Baik")
    C = "C", _("Kurang Baik")
    D = "D", _("Tidak Baik")


#: The lowest converted value (NRR × 25, or IKM) of each grade, best first.
GRADE_FLOORS = ((Decimal("88.31"), Grade.A), (Decimal("76.61"), Grade.B), (Decimal("65.00"), Grade.C))


def rounded(value: Fraction) -> Decimal:
    """``value`` rounded half up to two decimals (82,638… → 82,64)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def grade_of(converted: Decimal | None) -> Grade | None:
    """The grade of an IKM, or of an element's NRR × 25, rounded to two decimals; None for no value."""
    if converted is None:
        return None
    for floor, grade in GRADE_FLOORS:
        if converted >= floor:
            return grade
    return Grade.D


def required_sample(population: int) -> int:
    """The minimum number of respondents for ``population`` service users (Krejcie & Morgan); 0 for none."""
    if population <= 0:
        return 0
    spread = CHI_SQUARE * PROPORTION * (1 - PROPORTION)
    sample = spread * population / (MARGIN**2 * (population - 1) + spread)
    return min(population, math.floor(sample + Fraction(1, 2)))  # rounded half up, as the table is


@dataclass(frozen=True)
class ElementScore:
    element: Element
    #: The exact mean of the answers; None without respondents.
    mean: Fraction | None

    @cached_property
    def nrr(self) -> Decimal | None:
        return None if self.mean is None else rounded(self.mean)

    @cached_property
    def weighted(self) -> Decimal | None:
        """NRR tertimbang (exact, shown to four decimals as the regulation's tables do)."""
        if self.mean is None:
            return None
        value = self.mean * WEIGHT
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    @cached_property
    def converted(self) -> Decimal | None:
        """The NRR on the IKM's scale (× 25), which grades it."""
        return None if self.mean is None else rounded(self.mean * SCALE)

    @cached_property
    def grade(self) -> Grade | None:
        return grade_of(self.converted)


@dataclass(frozen=True)
class Scores:
    """What the figures hold for a slice: respondents and the sum of each element's answers (U1 … U9);
    ``served``, the service users of the period (the population), for answers tied to a transaction."""

    respondents: int = 0
    sums: tuple[int, ...] = (0,) * ELEMENT_COUNT
    served: int = 0

    def __add__(self, other: "Scores") -> "Scores":
        return Scores(
            self.respondents + other.respondents,
            tuple(a + b for a, b in zip(self.sums, other.sums, strict=True)),
            self.served + other.served,
        )

    @classmethod
    def of(cls, row: dict) -> "Scores":
        """From a figures row summed as ``n``, ``s1`` … ``s9`` and ``served``."""
        return cls(
            respondents=row.get("n") or 0,
            sums=tuple(row.get(f"s{element.number}") or 0 for element in ELEMENTS),
            served=row.get("served") or 0,
        )

    # Computed once per instance (a page asks each several times): ``cached_property`` writes to the instance's
    # __dict__ directly, which a frozen dataclass allows; the fields themselves never change.
    @cached_property
    def elements(self) -> list[ElementScore]:
        return [
            ElementScore(element, Fraction(total, self.respondents) if self.respondents else None)
            for element, total in zip(ELEMENTS, self.sums, strict=True)
        ]

    @cached_property
    def ikm(self) -> Decimal | None:
        """(Σ NRR × 1/9) × 25, rounded to two decimals; None without respondents. Σ (sumᵢ / n) / 9 is
        Σ sumᵢ / (9 n): one exact fraction."""
        if not self.respondents:
            return None
        return rounded(Fraction(sum(self.sums), self.respondents) * WEIGHT * SCALE)

    @cached_property
    def grade(self) -> Grade | None:
        return grade_of(self.ikm)

    @cached_property
    def required(self) -> int:
        """The minimum respondents for the population served."""
        return required_sample(self.served)

    @property
    def is_sufficient(self) -> bool:
        """Whether enough of the service users answered for the index to stand for them (and some did)."""
        return self.respondents > 0 and self.respondents >= self.required

    def weakest(self, count: int = 3) -> list[ElementScore]:
        """The elements with the lowest NRR, weakest first (the follow-up plan starts there)."""
        scored = [score for score in self.elements if score.mean is not None]
        return sorted(scored, key=lambda score: (score.mean, score.element.number))[:count]
