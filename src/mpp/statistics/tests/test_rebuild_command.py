"""``manage.py rebuild_statistics``: a period, or everything, from scratch; bad arguments are refused."""

import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command

from mpp.statistics import services
from mpp.statistics.models import ApplicationFact, Grain, ReceivedFigure

from .conftest import figure_rows
from .factories import seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    return seed(
        random.Random(9),
        regions=["64.72", "33.72"],
        per_region=60,
        start=dt.datetime(2026, 1, 10, tzinfo=dt.UTC),
        end=dt.datetime(2026, 5, 20, tzinfo=dt.UTC),
    )


def test_a_period_rebuilt_from_scratch_equals_the_whole_rebuild(seeded, capsys):
    services.rebuild()
    whole = figure_rows()
    # Damage the figures and facts of March, and a day outside it.
    ReceivedFigure.objects.filter(start__month=3).update(count=999)
    ApplicationFact.objects.filter(received_on__month=3).delete()

    call_command("rebuild_statistics", "--from", "2026-03-01", "--to", "2026-03-31")

    assert figure_rows() == whole
    assert "2026-03-01 to 2026-03-31" in capsys.readouterr().out


def test_the_whole_rebuild_starts_from_nothing_and_sets_the_cursor(seeded):
    ReceivedFigure.objects.create(
        grain=Grain.DAY, start=dt.date(2020, 1, 1), region_id="64.72", province_id="64",
        template_id=seeded[0].service.template_id, channel="online", count=5,
    )  # fmt: skip
    call_command("rebuild_statistics")
    assert not ReceivedFigure.objects.filter(start=dt.date(2020, 1, 1)).exists()
    assert ApplicationFact.objects.count() == len(seeded)
    refreshed = services.refresh()
    assert refreshed.changed == 0  # nothing new since the rebuild


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-03-01"], "both"),
        (["--from", "2026-03-10", "--to", "2026-03-01"], "before"),
    ],
)
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("rebuild_statistics", *args)


def test_a_date_that_is_not_one_is_refused():
    with pytest.raises(CommandError, match="not a date"):
        call_command("rebuild_statistics", "--from", "maret", "--to", "2026-03-01")
