"""The worker's incremental refresh gives exactly what a rebuild from scratch gives, whatever happened in between."""

import datetime as dt
import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from mpp.applications import services as applications
from mpp.applications.models import PENDING_STATUSES, Application, Event, Status
from mpp.applications.tests.conftest import birth_form, new_key
from mpp.catalog.models import Service
from mpp.catalog.selectors import service_detail
from mpp.registry.services import RegistryUnavailable
from mpp.statistics import services
from mpp.statistics.facts import working_days
from mpp.statistics.models import ApplicationFact, DecidedFigure, Grain, ReceivedFigure, RefreshCursor

from .conftest import figure_rows

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
START = dt.datetime(2026, 9, 28, 7, 30, tzinfo=WITA)


@pytest.fixture
def registry_switch(monkeypatch):
    """The registry's write-back, which a test may switch off (approvals then wait for it)."""
    real = applications.registration.write_back
    state = {"down": False}

    def write_back(*args, **kwargs):
        if state["down"]:
            raise RegistryUnavailable("down for the test")
        return real(*args, **kwargs)

    monkeypatch.setattr(applications.registration, "write_back", write_back)
    return state


def _birth_service():
    return service_detail(Service.objects.get(region_id="64.72", template__slug="akta-kelahiran").pk)


def _random_mix(rng, siti, verifier, approver, registry_switch, *, steps: int, refresh_every: int) -> None:
    """Submissions, acceptances, revisions and their answers, returns, rejections and approvals (some waiting
    for the registry, completed later) at random moments over weeks, refreshing the figures now and then."""
    service = _birth_service()
    clock, born = START, 0
    for step in range(steps):
        clock += dt.timedelta(hours=rng.choice([1, 3, 9, 26, 70]))
        live = list(Application.objects.filter(status__in=PENDING_STATUSES).order_by("submitted_at"))
        if not live or rng.random() < 0.3:
            born += 1
            data = birth_form(child_name=_child_name(born), birth_date=f"2026-0{1 + born % 9}-1{born % 10}")
            channel = rng.choice(["online", "online", "counter", "api"])
            applications.submit(
                applicant=siti, service=service, data=data, submit_key=new_key(), channel=channel, now=clock,
                allow_duplicate=True,
            )  # fmt: skip
        else:
            _move(rng, rng.choice(live), siti, verifier, approver, registry_switch, clock)
        if step % refresh_every == refresh_every - 1:
            services.refresh()


def _child_name(number: int) -> str:
    """A name of letters only, one per number (the form accepts no digits): "Anak Bd", "Anak Ce"…"""
    letters = "".join(chr(ord("a") + int(digit)) for digit in str(number))
    return f"Anak {letters.capitalize()}"


def _move(rng, application, siti, verifier, approver, registry_switch, clock) -> None:
    act = {"application_id": application.pk, "expected_version": application.version, "now": clock}
    if application.status == Status.REVISION:
        applications.resubmit(application_id=application.pk, applicant=siti, data=birth_form(), now=clock)
    elif application.status == Status.WAITING_REGISTRY:
        registry_switch["down"] = False
        applications.complete_waiting(now=clock)
    elif application.step == "verification":
        action = rng.choice(["accept", "accept", "accept", "revise", "reject"])
        applications.act(officer=verifier, action=action, note="Catatan uji.", fields=["birth_letter"], **act)
    else:
        action = rng.choice(["approve", "approve", "approve", "return", "reject"])
        registry_switch["down"] = action == "approve" and rng.random() < 0.3
        applications.act(officer=approver, action=action, note="Catatan uji.", **act)


def test_incremental_figures_equal_a_full_recount_after_a_random_mix(
    siti, verifier, approver, registry, registry_switch
):
    _random_mix(random.Random(13), siti, verifier, approver, registry_switch, steps=70, refresh_every=9)
    services.refresh()
    incremental = figure_rows()
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {Status.APPROVED, Status.REJECTED, Status.IN_PROGRESS} <= statuses  # the mix did mix
    assert Event.objects.filter(to_status=Status.WAITING_REGISTRY).exists()
    assert Event.objects.filter(action="resubmit").exists()

    services.rebuild()

    assert figure_rows() == incremental and incremental[0] and incremental[1]


def test_the_figures_equal_a_direct_count_over_the_applications(siti, verifier, approver, registry, registry_switch):
    _random_mix(random.Random(7), siti, verifier, approver, registry_switch, steps=40, refresh_every=40)
    services.refresh()

    received, decided, on_time, days = Counter(), Counter(), Counter(), Counter()
    for application in Application.objects.exclude(status=Status.DRAFT).select_related("service__template"):
        received[(application.submitted_at.astimezone(WITA).date(), application.channel)] += 1
        approvals = application.events.filter(to_status__in=[Status.WAITING_REGISTRY, Status.APPROVED])
        rejected = application.events.filter(to_status=Status.REJECTED)
        decision = (approvals or rejected).order_by("at").first()
        if decision is None:
            continue
        outcome = "rejected" if decision.to_status == Status.REJECTED else "approved"
        decided[(decision.at.astimezone(WITA).date(), outcome)] += 1
        on_time[outcome] += decision.at <= application.due_at
        start, end = application.submitted_at.astimezone(WITA).date(), decision.at.astimezone(WITA).date()
        days[working_days(start, end)] += 1

    day_rows = ReceivedFigure.objects.filter(grain=Grain.DAY)
    assert Counter({(row.start, row.channel): row.count for row in day_rows}) == received
    decided_rows = DecidedFigure.objects.filter(grain=Grain.DAY)
    counted = Counter()
    for row in decided_rows:
        counted[(row.start, row.outcome)] += row.count
    assert counted == decided
    assert sum(row.on_time for row in decided_rows if row.outcome == "approved") == on_time["approved"]
    histogram = Counter()
    for row in decided_rows:
        histogram[row.working_days] += row.count
    assert histogram == days
    # The month rows are the day rows summed.
    months = ReceivedFigure.objects.filter(grain=Grain.MONTH)
    assert sum(row.count for row in months) == sum(received.values())


def test_refreshing_twice_changes_nothing(siti, verifier, approver, registry, registry_switch):
    _random_mix(random.Random(3), siti, verifier, approver, registry_switch, steps=12, refresh_every=12)
    first = services.refresh()
    rows = figure_rows()
    again = services.refresh()
    assert figure_rows() == rows and first.events and again.changed == 0


def test_an_event_committed_after_a_larger_id_was_read_is_still_counted(siti, registry_switch):
    """Ids are given at insert and seen at commit: a refresh that read id n+1 must still count n later."""
    service = _birth_service()
    first = applications.submit(applicant=siti, service=service, data=birth_form(), submit_key=new_key(), now=START)
    second = applications.submit(
        applicant=siti, service=service, data=birth_form(child_name="Anak Kedua"), submit_key=new_key(), now=START,
        allow_duplicate=True,
    )  # fmt: skip
    late = Event.objects.get(application=first.application)
    # As if the first submission's transaction had not committed when the refresh ran: hide it.
    hidden = Event.objects.filter(pk=late.pk).values()[0]
    Event.objects.filter(pk=late.pk).delete()
    ApplicationFact.objects.all().delete()
    services.refresh()
    assert ApplicationFact.objects.filter(application=second.application).exists()
    assert not ApplicationFact.objects.filter(application=first.application).exists()
    cursor = RefreshCursor.objects.get()
    assert cursor.checkpoint_id >= hidden["id"]

    Event.objects.create(**hidden)  # ...and now it commits, with its smaller id
    services.refresh()

    assert ApplicationFact.objects.filter(application=first.application).exists()
    assert ReceivedFigure.objects.filter(grain=Grain.DAY).get().count == 2


def test_a_run_that_finds_the_cursor_held_by_another_worker_does_nothing(monkeypatch):
    monkeypatch.setattr(services, "_claim", lambda skip_locked: None)
    assert services.refresh() is None
