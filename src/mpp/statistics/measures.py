"""The measures of one scope over one period, computed from summed figure rows.

- **Received**: applications submitted in the period.
- **Decided**: applications first decided in the period (approved, counting those approved and
  waiting for the registry, or rejected), whenever they were received.
- **Pending**: applications received in the period and not decided by its end (for the current
  period: not decided yet). Applications received before the period and still open are not in it:
  each period answers for its own intake, so two periods never count one application twice.
- **Within deadline**: of the decisions in the period, the share made no later than the legal
  deadline (``due_at``, already extended by the working days a revision paused the clock).
- **Median and 90th percentile** of the whole working days the period's decisions took, by the
  nearest-rank method: the value at rank ⌈p × n⌉ of the n decisions sorted by working days. Exact,
  because the figures keep a count per whole working day.
- **Overdue now**: applications in progress (or forwarded) past their deadline at this moment — not
  those in a revision, whose clock is stopped — whatever the period. Counted from the deadlines of
  the running applications (``OpenFigure``, refreshed every minute) against the clock of the request.
"""

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field


def percentile(histogram: Counter, share: float) -> int | None:
    """The nearest-rank percentile of the values counted in ``histogram`` (value → how many); None if empty."""
    total = sum(histogram.values())
    if not total:
        return None
    rank, seen = max(1, math.ceil(share * total)), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # unreachable: seen ends at total ≥ rank


@dataclass
class Measures:
    received: int = 0
    approved: int = 0
    rejected: int = 0
    #: Decisions made in time (of ``decided``).
    on_time: int = 0
    #: Of the applications received in the period, those decided by its end.
    settled: int = 0
    #: Health-worker practice permits (SIP) issued: approvals of their templates.
    permits: int = 0
    channels: Counter = field(default_factory=Counter)
    #: Decisions by the whole working days they took.
    days: Counter = field(default_factory=Counter)
    overdue: int | None = None

    @property
    def decided(self) -> int:
        return self.approved + self.rejected

    @property
    def pending(self) -> int:
        return self.received - self.settled

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def median_days(self) -> int | None:
        return percentile(self.days, 0.5)

    @property
    def p90_days(self) -> int | None:
        return percentile(self.days, 0.9)

    def add(self, other: "Measures") -> None:
        for name in ("received", "approved", "rejected", "on_time", "settled", "permits"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.channels.update(other.channels)
        self.days.update(other.days)
        if other.overdue is not None:
            self.overdue = (self.overdue or 0) + other.overdue

    def value(self, name: str):
        """A measure by name, as the ranking and the comparisons read them."""
        return getattr(self, name)


#: The measures compared across periods and regions, in the order they are shown.
COMPARED = ("received", "decided", "pending", "on_time_share", "median_days", "p90_days", "overdue")
#: Those where less is better (a rise is bad news).
LOWER_IS_BETTER = frozenset({"pending", "median_days", "p90_days", "overdue"})


def median_across(measures: list[Measures], name: str) -> float | None:
    """The median of one measure across regions, leaving out those where it is undefined."""
    values = [value for value in (m.value(name) for m in measures) if value is not None]
    return statistics.median(values) if values else None
