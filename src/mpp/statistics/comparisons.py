"""The dashboard's headline figures, each beside the previous period (and, for a region, the national median).

Whether a change is good news depends on the measure: more decisions and more within the deadline
are good, more pending, more working days and more overdue are not. The change is said in words as
well as by its sign, so that it never rests on a colour.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .measures import COMPARED, LOWER_IS_BETTER, Measures

LABELS = {
    "received": _("Permohonan diterima"),
    "decided": _("Permohonan diputus"),
    "pending": _("Belum diputus di akhir periode"),
    "on_time_share": _("Diputus dalam batas waktu"),
    "median_days": _("Median lama proses (hari kerja)"),
    "p90_days": _("Persentil ke-90 lama proses (hari kerja)"),
    "overdue": _("Melewati batas waktu saat ini"),
}
#: Measures about this moment: no previous period to compare with.
LIVE = frozenset({"overdue"})


@dataclass(frozen=True)
class Card:
    name: str
    value: float | int | None
    before: float | int | None = None
    median: float | None = None

    @property
    def label(self) -> str:
        return LABELS[self.name]

    @property
    def is_share(self) -> bool:
        return self.name == "on_time_share"

    @property
    def is_live(self) -> bool:
        return self.name in LIVE

    @property
    def delta(self) -> float | None:
        if self.is_live or self.value is None or self.before is None:
            return None
        return self.value - self.before

    @property
    def direction(self) -> str:
        """ "up", "down" or "same"; "" when there is nothing to compare with."""
        if self.delta is None:
            return ""
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "same"

    @property
    def is_good(self) -> bool | None:
        """Whether the change is good news (None for no change, or a measure that is neither: received)."""
        if self.direction in ("", "same") or self.name == "received":
            return None
        return (self.direction == "down") == (self.name in LOWER_IS_BETTER)

    @property
    def percent_change(self) -> float | None:
        """The change as a share of the previous value, for counts (None from zero, or for shares and days)."""
        if self.delta is None or self.is_share or self.name.endswith("_days") or not self.before:
            return None
        return self.delta / self.before


def cards(current: Measures, before: Measures, medians: dict | None = None) -> list[Card]:
    medians = medians or {}
    return [Card(name, current.value(name), before.value(name), medians.get(name)) for name in COMPARED]
