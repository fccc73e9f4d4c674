"""A seeded data set: applications in several regions, services and channels, in every state, with the events
the workflow would have written, made directly (thousands of submissions through the services would take
minutes); and the measures counted straight from those rows, by the rules, to compare the dashboards with."""

import datetime as dt
import itertools
import math
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from mpp.applications import calendar
from mpp.applications.models import Application, Event, Status, new_tracking_number
from mpp.catalog.models import Mode, Service
from mpp.identity.tests.factories import make_citizen

_numbers = itertools.count()
DECIDED = (Status.WAITING_REGISTRY, Status.APPROVED, Status.REJECTED)
#: Whom every seeded application is for: the public pages must never show it.
NAME = "SITI RAHMAWATI"


def seed(rng, *, regions: list[str], per_region: int, start: dt.datetime, end: dt.datetime) -> list[Application]:
    """``per_region`` applications in each region, submitted between ``start`` and ``end`` (UTC moments)."""
    applicant = make_citizen(f"64720152049{next(_numbers):05d}")
    services = list(
        Service.objects.filter(region_id__in=regions, template__mode=Mode.APPLICATION)
        .select_related("region", "template", "current_version")
        .order_by("region_id", "template__slug")
    )
    by_region = {code: [service for service in services if service.region_id == code] for code in regions}
    applications, events = [], []
    span = (end - start).total_seconds()
    for code in regions:
        for _ in range(per_region):
            service = rng.choice(by_region[code])
            submitted = start + dt.timedelta(seconds=rng.uniform(0, span))
            application, timeline = _one(rng, service, applicant, submitted)
            applications.append(application)
            events += timeline
    Application.objects.bulk_create(applications)
    Event.objects.bulk_create(events)
    return applications


def _one(rng, service, applicant, submitted):
    zone = service.region.time_zone
    status = rng.choice(
        [Status.APPROVED] * 5 + [Status.REJECTED] * 2 + [Status.WAITING_REGISTRY, Status.IN_PROGRESS] * 2
        + [Status.REVISION, Status.FORWARDED]
    )  # fmt: skip
    due_at = calendar.deadline(submitted, rng.choice([0, 1, 3, 5, 10]), zone)
    application = Application(
        service=service,
        service_version=service.current_version,
        region=service.region,
        agency_id=service.agency_id,
        applicant=applicant,
        beneficiary_nik=applicant.nik,
        beneficiary_name=NAME,
        basis="self",
        channel=rng.choice(["online", "online", "counter", "api"]),
        status=status,
        submitted_at=submitted,
        due_at=due_at,
        tracking_number=new_tracking_number(service.region_id, submitted.strftime("%y%m")) + str(next(_numbers)),
        submit_key=f"seed-{next(_numbers)}",
        version=1,
    )
    timeline = [_event(application, submitted, "submit", Status.IN_PROGRESS)]
    if status in DECIDED:
        decided = submitted + dt.timedelta(hours=rng.uniform(0.1, 24 * 25))
        if status == Status.REJECTED:
            application.decided_at = decided
            timeline.append(_event(application, decided, "reject", Status.REJECTED))
        elif status == Status.WAITING_REGISTRY or rng.random() < 0.3:  # approved, and the registry answered late
            timeline.append(_event(application, decided, "approve", Status.WAITING_REGISTRY))
            if status == Status.APPROVED:
                application.decided_at = decided + dt.timedelta(hours=rng.uniform(1, 200))
                timeline.append(_event(application, application.decided_at, "registry", Status.APPROVED))
        else:
            application.decided_at = decided
            timeline.append(_event(application, decided, "approve", Status.APPROVED))
    return application, timeline


def _event(application, at, action, to_status) -> Event:
    return Event(application=application, at=at, actor_label="Uji", action=action, to_status=to_status)


# --- the measures, counted straight from the applications ----------------------------------------


@dataclass
class Counted:
    received: int = 0
    approved: int = 0
    rejected: int = 0
    on_time: int = 0
    pending: int = 0
    permits: int = 0
    channels: Counter = field(default_factory=Counter)
    days: list = field(default_factory=list)

    def percentile(self, share: float) -> int | None:
        ordered = sorted(self.days)
        return ordered[math.ceil(share * len(ordered)) - 1] if ordered else None


def count(applications, first: dt.date, last: dt.date, keep=lambda application: True) -> Counted:
    """The measures of ``applications`` (those ``keep`` keeps) over the days ``first``..``last``."""
    counted = Counted()
    decisions = {}
    for event in Event.objects.filter(application__in=applications, to_status__in=DECIDED).order_by("-at", "-id"):
        decisions[event.application_id] = event  # the earliest comes last, and stays
    for application in applications:
        if not keep(application):
            continue
        zone = ZoneInfo(application.region.time_zone)
        received_on = application.submitted_at.astimezone(zone).date()
        decision = decisions.get(application.pk)
        decided_on = decision.at.astimezone(zone).date() if decision else None
        if first <= received_on <= last:
            counted.received += 1
            counted.channels[application.channel] += 1
            if decided_on is None or decided_on > last:
                counted.pending += 1
        if decision is None or not first <= decided_on <= last:
            continue
        approved = decision.to_status != Status.REJECTED
        counted.approved += approved
        counted.rejected += not approved
        counted.on_time += decision.at <= application.due_at
        counted.permits += approved and application.service.template.slug == "sip-tenaga-kesehatan"
        counted.days.append(
            calendar.working_days_between(application.submitted_at, decision.at, application.region.time_zone)
        )
    return counted
