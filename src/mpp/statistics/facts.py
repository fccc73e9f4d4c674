"""Where one application is counted: the rules of the statistics, in one place.

- **Received** on the day it was submitted, in its region's time zone (drafts are not counted).
- **Decided** when it was first decided: approved (``approved``, or ``waiting_registry``: approved and
  waiting only for the registry to record the event) or rejected. An approval that waited for the
  registry counts from the officer's approval, not from the registry's answer, so a registry outage
  does not move a decision or make it late.
- **Working days** taken: ``calendar.working_days_between(submitted, decided)`` in the region's zone —
  working days after the day it was received up to the day it was decided, so a same-day decision
  takes 0. Time the citizen spent on a revision is included (it is the citizen's wait too).
- **On time**: decided no later than its legal deadline ``due_at``, which a revision's pause has
  already moved by the working days the clock stood still.
- **Running**: in progress or forwarded to an agency's system, with its deadline (overdue once it has
  passed); not in a revision, whose clock stands still, as escalation counts it.
"""

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Min

from mpp.applications import calendar
from mpp.applications.models import Event, Status

from .models import ApplicationFact, Outcome

_OUTCOMES = {
    Status.APPROVED: Outcome.APPROVED,
    Status.WAITING_REGISTRY: Outcome.APPROVED,
    Status.REJECTED: Outcome.REJECTED,
}
#: Where the deadline clock runs: the agency is acting on it (a revision's clock stands still).
RUNNING = (Status.IN_PROGRESS, Status.FORWARDED)
#: What a fact is computed from: one query over applications, their region and their service.
COLUMNS = (
    "pk",
    "region_id",
    "region__time_zone",
    "service__template_id",
    "channel",
    "status",
    "submitted_at",
    "due_at",
    "decided_at",
)


@dataclass(frozen=True)
class Fact:
    application_id: object
    region_id: str
    template_id: object
    channel: str
    received_on: dt.date
    decided_on: dt.date | None = None
    outcome: str = ""
    working_days: int | None = None
    on_time: bool | None = None
    open_due_at: dt.datetime | None = None

    @classmethod
    def of(cls, row: ApplicationFact) -> "Fact":
        return cls(**{field: getattr(row, field) for field in cls.__dataclass_fields__})

    def row(self) -> ApplicationFact:
        return ApplicationFact(**{field: getattr(self, field) for field in self.__dataclass_fields__})


#: ApplicationFact's columns a refresh rewrites.
FACT_FIELDS = [field for field in Fact.__dataclass_fields__ if field != "application_id"]


def facts_of(applications) -> list[Fact]:
    """The facts of ``applications`` (a queryset of Application; drafts are left out): two queries."""
    return facts_from(list(applications.filter(submitted_at__isnull=False).values_list(*COLUMNS)))


def facts_from(rows: list[tuple]) -> list[Fact]:
    """The facts of applications read as ``values_list(*COLUMNS)`` (submitted ones only): one more query."""
    approvals = _registry_approvals([row[0] for row in rows if row[5] in (Status.APPROVED, Status.WAITING_REGISTRY)])
    return [_fact(row, approvals.get(row[0])) for row in rows]


def _registry_approvals(application_ids: list) -> dict:
    """When each of these applications was approved and sent to the registry (entered ``waiting_registry``)."""
    if not application_ids:
        return {}
    found = (
        Event.objects.filter(application_id__in=application_ids, to_status=Status.WAITING_REGISTRY)
        .values("application_id")
        .annotate(at=Min("at"))
        .order_by()
    )
    return {row["application_id"]: row["at"] for row in found}


def _fact(row, approved_at) -> Fact:
    pk, region_id, zone, template_id, channel, status, submitted_at, due_at, decided_at = row
    tz = ZoneInfo(zone)
    received_on = submitted_at.astimezone(tz).date()
    running = due_at if status in RUNNING else None
    fact = Fact(pk, region_id, template_id, channel, received_on, open_due_at=running)
    outcome = _OUTCOMES.get(status)
    moments = [moment for moment in (approved_at, decided_at) if moment is not None]
    if outcome is None or not moments:
        return fact
    decided_at = min(moments)
    decided_on = decided_at.astimezone(tz).date()
    return Fact(
        pk,
        region_id,
        template_id,
        channel,
        received_on,
        decided_on=decided_on,
        outcome=outcome,
        working_days=working_days(received_on, decided_on),
        on_time=due_at is None or decided_at <= due_at,
        open_due_at=running,
    )


@functools.lru_cache(maxsize=65536)
def working_days(received_on: dt.date, decided_on: dt.date) -> int:
    """``calendar.working_days_between`` for two local days (the same in every zone once the days are known)."""
    noon = dt.time(12, tzinfo=dt.UTC)
    return calendar.working_days_between(
        dt.datetime.combine(received_on, noon), dt.datetime.combine(decided_on, noon), "UTC"
    )
