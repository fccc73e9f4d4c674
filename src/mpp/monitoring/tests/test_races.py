"""Races only a server database shows: two task workers reminding at once, two officials reviewing at once."""

import datetime as dt

import pytest

from mpp.core.errors import Conflict
from mpp.core.testing import at_once
from mpp.monitoring import reminders, services
from mpp.monitoring.models import Reminder, Report, ReportChange
from mpp.notifications.models import OutboxMessage

from .conftest import WIB, fill, report_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_reminding_at_once_send_each_reminder_once(ministry, alice, bob):
    services.open_round(
        opened_by=ministry,
        title="Monev 2023",
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 6, 30),
        deadline=dt.date(2023, 7, 28),
        region_codes={"64.72", "33.72"},
        now=dt.datetime(2023, 7, 3, 9, 0, tzinfo=WIB),
    )
    sent = at_once(4, lambda _: reminders.send_reminders(now=dt.datetime(2023, 7, 27, 9, 0, tzinfo=WIB)))
    assert not [result for result in sent if isinstance(result, Exception)], sent
    assert sum(sent) == 2
    assert Reminder.objects.count() == 2
    assert OutboxMessage.objects.filter(kind="monev_reminder").count() == 2


def test_two_officials_reviewing_at_once_make_one_move(monev_round, alice, ministry, another_ministry_official):
    report = fill(report_of(monev_round, "64.72"), alice)
    services.submit_report(manager=alice, report_id=report.pk, expected_version=0)
    officials = [ministry, another_ministry_official]
    results = at_once(
        2,
        lambda index: (
            services.accept_report(reviewer=officials[0], report_id=report.pk, expected_version=1)
            if index == 0
            else services.return_report(
                reviewer=officials[1], report_id=report.pk, note="Perbaiki.", expected_version=1
            )
        ),
    )
    assert sum(isinstance(result, Report) for result in results) == 1
    assert sum(isinstance(result, Conflict) for result in results) == 1
    assert ReportChange.objects.filter(report=report).count() == 2  # the submission and one review
