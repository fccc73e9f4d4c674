"""When an MPP is open and which booking slots a service has on a day.

Hours come from the MPP's opening hours (``Mpp.opening_hours``: weekdays, opens, closes), unless the manager
changed that day (``DayChange``: other hours, or closed, with a reason shown to the public); public holidays
and collective leave days are closed (``applications.calendar``). Slots are ``Policy.slot_minutes`` long
from opening time; the last one ends by closing time. Times are the region's local time.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from mpp.applications.calendar import days_off
from mpp.catalog.models import Mpp, Service

from .models import Capacity, DayChange, Policy, SlotCount


@dataclass(frozen=True)
class Hours:
    opens: dt.time | None
    closes: dt.time | None
    #: Why the day differs from the usual hours (a holiday's name, the manager's reason), or "".
    reason: str = ""

    @property
    def is_open(self) -> bool:
        return self.opens is not None and self.closes is not None and self.opens < self.closes


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


def _time(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def usual_hours(mpp: Mpp, day: dt.date) -> Hours:
    for entry in mpp.opening_hours:
        if day.weekday() in entry["days"]:
            return Hours(_time(entry["opens"]), _time(entry["closes"]))
    return Hours(None, None)


#: ``hours_on`` looks the day's change up itself.
LOOK_UP = object()


def hours_on(mpp: Mpp, day: dt.date, change=LOOK_UP) -> Hours:
    """The MPP's hours on ``day``: the manager's change, else closed on a day off, else the usual hours.
    ``change`` is the day's ``DayChange`` or None when the caller already knows it (several days at once)."""
    if change is LOOK_UP:
        change = DayChange.objects.filter(mpp=mpp, day=day).first()
    if change is not None:
        return Hours(change.opens, change.closes, change.reason)
    holiday = days_off(day.year).get(day)
    if holiday:
        return Hours(None, None, holiday)
    return usual_hours(mpp, day)


def capacity_of(mpp: Mpp, service: Service) -> int:
    return Capacity.objects.filter(mpp=mpp, service=service).values_list("per_slot", flat=True).first() or 0


def slot_starts(mpp: Mpp, day: dt.date, hours: Hours, minutes: int) -> list[dt.datetime]:
    """Every slot's start on ``day`` (aware, in the region's zone)."""
    if not hours.is_open:
        return []
    zone = ZoneInfo(mpp.region.time_zone)
    start = dt.datetime.combine(day, hours.opens, zone)
    end = dt.datetime.combine(day, hours.closes, zone)
    step = dt.timedelta(minutes=minutes)
    starts = []
    while start + step <= end:
        starts.append(start)
        start += step
    return starts


def slots(mpp: Mpp, service: Service, day: dt.date, *, now: dt.datetime, policy: Policy) -> list[Slot]:
    """The service's slots on ``day`` that have not begun, with their capacity and bookings (three queries)."""
    capacity = capacity_of(mpp, service)
    starts = [start for start in slot_starts(mpp, day, hours_on(mpp, day), policy.slot_minutes) if start > now]
    if not starts or not capacity:
        return []
    booked = dict(
        SlotCount.objects.filter(mpp=mpp, service=service, starts_at__in=starts).values_list("starts_at", "booked")
    )
    step = dt.timedelta(minutes=policy.slot_minutes)
    return [Slot(start, start + step, capacity, booked.get(start, 0)) for start in starts]


def bookable_days(mpp: Mpp, today: dt.date, policy: Policy) -> list[tuple[dt.date, Hours]]:
    """The days from today that can be booked (``Policy.booking_days`` ahead), each with its hours (closed
    days included, so a page can say why)."""
    days = [today + dt.timedelta(days=n) for n in range(policy.booking_days + 1)]
    changes = {change.day: change for change in DayChange.objects.filter(mpp=mpp, day__in=days)}
    return [(day, hours_on(mpp, day, changes.get(day))) for day in days]
