"""The applications' personas (a family in Kota Samarinda, the city's Disdukcapil officers, the registry
simulator) for the statistics tests, and figures read back as plain sets to compare."""

import pytest

from mpp.applications.tests.conftest import (  # noqa: F401 (fixtures)
    approver,
    budi,
    family,
    registry,
    registry_template,
    siti,
    surakarta_verifier,
    verifier,
)
from mpp.statistics.models import DecidedFigure, OpenFigure, ReceivedFigure


def figure_rows() -> tuple[set, set, set]:
    """Every figure row as a tuple of its values (ids left out): equal sets, equal figures."""
    received = set(
        ReceivedFigure.objects.values_list(
            "grain", "start", "region_id", "province_id", "template_id", "channel", "count"
        )
    )
    decided = set(
        DecidedFigure.objects.values_list(
            "grain",
            "start",
            "received_start",
            "region_id",
            "province_id",
            "template_id",
            "outcome",
            "working_days",
            "count",
            "on_time",
        )
    )
    running = set(OpenFigure.objects.values_list("region_id", "province_id", "template_id", "due_at", "count"))
    return received, decided, running


@pytest.fixture
def instant_settle(monkeypatch):
    """A refresh that settles what it read at once (no transaction is in flight in a test)."""
    import datetime as dt

    from mpp.statistics import services

    monkeypatch.setattr(services, "SETTLE", dt.timedelta(0))


@pytest.fixture(autouse=True)
def _figures_are_not_kept_between_tests():
    """Pages share computed figures through the cache, and a test's rollback does not bump their generation."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
