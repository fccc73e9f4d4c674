"""Reminders 7 and 1 working days before the deadline, to the regions that have not submitted, never twice."""

import datetime as dt

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mpp.identity.tests.factories import make_staff
from mpp.monitoring import reminders, services, tasks
from mpp.monitoring.models import Reminder, ReminderKind, ReportingRound
from mpp.notifications.models import Notification, OutboxMessage

from .conftest import WIB, WITA, confirmed, fill, report_of

pytestmark = pytest.mark.django_db
DEADLINE = dt.date(2023, 7, 28)  # the first round the ministry sent: Friday 28 July 2023


def test_working_days_are_counted_back_over_weekends_and_holidays():
    assert reminders.working_days_before(DEADLINE, 1) == dt.date(2023, 7, 27)
    # 19 July 2023 was the Islamic New Year (Tahun Baru Islam), a day off: the 7th working day back is the 18th.
    assert reminders.working_days_before(DEADLINE, 7) == dt.date(2023, 7, 18)
    assert reminders.working_days_before(dt.date(2023, 7, 31), 1) == dt.date(2023, 7, 28)  # Monday → Friday


@pytest.fixture
def first_round(ministry):
    reporting_round = services.open_round(
        opened_by=ministry,
        title="Monev MPP Digital 2023",
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 6, 30),
        deadline=DEADLINE,
        region_codes={"64.72", "33.72"},
        now=dt.datetime(2023, 7, 3, 9, 0, tzinfo=WIB),
    )
    assert ReportingRound.objects.get().created_at == dt.datetime(2023, 7, 3, 9, 0, tzinfo=WIB)
    return reporting_round


def at(day: int, hour: int = 8, zone=WITA) -> dt.datetime:
    return dt.datetime(2023, 7, day, hour, 0, tzinfo=zone)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(17, None), (18, ReminderKind.SEVEN_DAYS), (26, ReminderKind.SEVEN_DAYS), (27, ReminderKind.ONE_DAY),
     (28, ReminderKind.ONE_DAY), (29, None)],
)  # fmt: skip
def test_which_reminder_is_due_on_which_day(first_round, day, expected):
    assert reminders.reminder_due(first_round, dt.date(2023, 7, day), dt.date(2023, 7, 3)) == expected


def test_the_regions_that_have_not_submitted_are_reminded_once_per_kind(first_round, alice, bob):
    fill(report_of(first_round, "64.72"), alice)
    services.submit_report(manager=alice, report_id=report_of(first_round, "64.72").pk, expected_version=0, now=at(10))
    assert reminders.send_reminders(now=at(17)) == 0
    assert reminders.send_reminders(now=at(18)) == 1
    assert reminders.send_reminders(now=at(18, 15)) == 0  # the hourly task comes back: nothing twice
    assert reminders.send_reminders(now=at(24)) == 0
    assert reminders.send_reminders(now=at(27)) == 1
    assert reminders.send_reminders(now=at(28)) == 0
    assert reminders.send_reminders(now=at(31)) == 0
    assert list(Reminder.objects.values_list("region_id", "kind", "recipients")) == [
        ("33.72", "1", 1),
        ("33.72", "7", 1),
    ]
    notices = Notification.objects.filter(kind="monev_reminder")
    assert set(notices.values_list("user_id", flat=True)) == {bob.pk}
    assert sorted(notice.context["days"] for notice in notices) == ["1", "7"]
    assert OutboxMessage.objects.filter(kind="monev_reminder", recipient=bob.email).count() == 2


def test_every_manager_of_the_region_is_reminded_and_a_region_without_one_is_recorded(first_round, bob):
    second = confirmed(make_staff("carol.surakarta", "mpp_manager", "33.72"))
    assert reminders.send_reminders(now=at(18)) == 2  # Surakarta (two managers), Samarinda (none)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {bob.pk, second.pk}
    assert dict(Reminder.objects.values_list("region_id", "recipients")) == {"33.72": 2, "64.72": 0}


def test_the_day_is_the_regions_own(first_round, bob):
    # 17 July, 23.30 in Surakarta (WIB) is already 18 July, 00.30 in Samarinda (WITA): its reminder's day.
    assert reminders.send_reminders(now=dt.datetime(2023, 7, 17, 23, 30, tzinfo=WIB)) == 1
    assert list(Reminder.objects.values_list("region_id", flat=True)) == ["64.72"]
    assert reminders.send_reminders(now=dt.datetime(2023, 7, 18, 0, 30, tzinfo=WIB)) == 1
    assert sorted(Reminder.objects.values_list("region_id", flat=True)) == ["33.72", "64.72"]


def test_a_round_opened_after_the_seven_day_mark_sends_only_the_last_reminder(first_round, bob):
    first_round.created_at = dt.datetime(2023, 7, 20, 9, 0, tzinfo=WIB)
    first_round.save(update_fields=["created_at"])
    assert reminders.send_reminders(now=at(21)) == 0
    assert reminders.send_reminders(now=at(27)) == 2


def test_the_task_reminds_and_comes_back_every_hour(first_round):
    assert tasks.remind_monev_deadlines.call() == 0  # 2026: that round's deadline is long past
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path="mpp.monitoring.tasks.remind_monev_deadlines"
    )
    assert waiting.count() == 1
    tasks.remind_monev_deadlines.call()
    assert waiting.count() == 1  # the chain never forks
