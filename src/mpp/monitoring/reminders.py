"""Deadline reminders: 7 and 1 working days before a round's deadline, to the regions that have not submitted.

Working days are those of ``applications.calendar`` (weekends, public holidays and *cuti bersama*
off), counted in each region's own local days.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from mpp.applications.calendar import is_working_day
from mpp.core import clock
from mpp.identity.models import User

from .models import Reminder, ReminderKind, Report, ReportingRound, ReportStatus
from .notices import managers_of, tell

#: Working days before the deadline at which a region that has not submitted is reminded, latest last.
REMINDER_DAYS = {ReminderKind.SEVEN_DAYS: 7, ReminderKind.ONE_DAY: 1}


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The working day ``count`` working days before ``day`` (``day`` itself need not be a working day)."""
    for _step in range(count):
        day -= dt.timedelta(days=1)
        while not is_working_day(day):
            day -= dt.timedelta(days=1)
    return day


def reminder_due(reporting_round: ReportingRound, today: dt.date, opened_on: dt.date) -> str | None:
    """The reminder kind due on ``today`` (the region's local day) for a round opened on ``opened_on``, or None.

    The 7-day reminder is due from its day until the 1-day one's, the 1-day one until the deadline; a
    reminder whose day came before the round was opened is skipped (the opening message said it all).
    """
    deadline = reporting_round.deadline
    if today > deadline:
        return None
    days = {kind: working_days_before(deadline, count) for kind, count in REMINDER_DAYS.items()}
    if days[ReminderKind.ONE_DAY] <= today and days[ReminderKind.ONE_DAY] > opened_on:
        return ReminderKind.ONE_DAY
    if (
        days[ReminderKind.SEVEN_DAYS] <= today < days[ReminderKind.ONE_DAY]
        and days[ReminderKind.SEVEN_DAYS] > opened_on
    ):
        return ReminderKind.SEVEN_DAYS
    return None


def send_reminders(*, now=None) -> int:
    """Remind the managers of every asked region that has not submitted, 7 and 1 working days before
    the deadline (in the region's local days); returns how many reminders went out.

    Idempotent: a reminder is a ``Reminder`` row, unique per round, region and kind, written in the same
    transaction as its messages; a rerun, or a second worker, finds the row and sends nothing again.
    """
    now = now or timezone.now()
    earliest = clock.in_zone(now, "Asia/Jayapura").date() - dt.timedelta(days=1)  # no zone is ahead of WIT
    pending = list(
        Report.objects.filter(status=ReportStatus.DRAFT, reporting_round__deadline__gte=earliest)
        .select_related("reporting_round", "region")
        .only(
            "id",
            "region__code",
            "region__name",
            "region__time_zone",
            "reporting_round__id",
            "reporting_round__title",
            "reporting_round__period_start",
            "reporting_round__period_end",
            "reporting_round__deadline",
            "reporting_round__created_at",
        )
    )
    due = []
    for report in pending:
        zone = report.region.time_zone
        today = clock.in_zone(now, zone).date()
        opened_on = clock.in_zone(report.reporting_round.created_at, zone).date()
        kind = reminder_due(report.reporting_round, today, opened_on)
        if kind is not None:
            due.append((report, kind))
    if not due:
        return 0
    sent_before = set(
        Reminder.objects.filter(reporting_round__in={report.reporting_round_id for report, _kind in due}).values_list(
            "reporting_round_id", "region_id", "kind"
        )
    )
    due = [(r, kind) for r, kind in due if (r.reporting_round_id, r.region_id, kind) not in sent_before]
    managers: dict[str, list[User]] = {}
    for assignment in managers_of({report.region_id for report, _kind in due}):
        managers.setdefault(assignment.region_id, []).append(assignment.user)
    sent = 0
    for report, kind in due:
        recipients = managers.get(report.region_id, [])
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    reporting_round=report.reporting_round,
                    region=report.region,
                    kind=kind,
                    sent_at=now,
                    recipients=len(recipients),
                )
                for user in recipients:
                    tell(
                        user,
                        "monev_reminder",
                        key=f"monev-reminder:{reminder.pk}:{user.pk}",
                        reporting_round=report.reporting_round,
                        region=report.region.name,
                        region_code=report.region_id,
                        days=REMINDER_DAYS[kind],
                        now=now,
                    )
        except IntegrityError:  # another worker sent this one first
            continue
        sent += 1
    return sent
