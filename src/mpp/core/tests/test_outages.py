"""The task worker and the notifier ride out a database that goes away (a primary restarting) instead of
exiting: the round is given up, the connections dropped, and they try again a little later."""

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker as upstream

from mpp.core.db import outages
from mpp.core.management.commands.db_worker import Worker
from mpp.notifications.management.commands import deliver_notifications


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    waits = []
    monkeypatch.setattr(outages.time, "sleep", waits.append)
    monkeypatch.setattr(outages, "_current", outages.Outage())
    return waits


def test_each_failed_round_in_a_row_waits_longer_up_to_a_limit(no_waiting, caplog):
    for _ in range(8):
        with outages.database_outages_waited() as outage:
            raise OperationalError("the database system is starting up")
        assert outage.waited
    assert no_waiting == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    with outages.database_outages_waited() as outage:
        pass  # the database is back
    assert not outage.waited and outages._current.failures == 0
    assert "available again after 8 failed rounds" in caplog.text


def test_other_errors_are_not_an_outage():
    with pytest.raises(ValueError), outages.database_outages_waited():
        raise ValueError("a bug, not an outage")


def test_the_task_worker_starts_again_after_the_database_failed_it(monkeypatch, no_waiting):
    rounds = []

    def run(self):
        rounds.append(1)
        if len(rounds) < 3:
            raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(upstream.Worker, "run", run)
    worker = Worker(
        queue_names=["default"], interval=1, batch=False, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="w", excluded_queue_names=[],
    )  # fmt: skip
    worker.run()  # returns once upstream's loop ends normally (here: the third time)
    assert len(rounds) == 3 and no_waiting == [0.5, 1.0]


def test_the_notifier_survives_a_round_the_database_failed(monkeypatch, no_waiting, caplog):
    def deliver_due(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(deliver_notifications, "deliver_due", deliver_due)
    call_command("deliver_notifications", "--once")  # does not raise
    assert no_waiting == [0.5] and "database unavailable" in caplog.text
