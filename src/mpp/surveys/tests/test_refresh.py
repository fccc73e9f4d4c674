"""The worker's refresh gives exactly what a rebuild from scratch gives, and what a direct count of the answers and
invitations gives, whatever happened in between."""

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from mpp.applications.models import Channel, Event, Status
from mpp.identity.tests.factories import make_citizen
from mpp.surveys import refresh, services
from mpp.surveys.models import Answer, IndexFigure, Invitation, RefreshCursor
from mpp.surveys.questionnaire import ELEMENTS

from .conftest import answers, make_application, service_of

pytestmark = pytest.mark.django_db
SERVICES = (("akta-kelahiran", "64.72"), ("kartu-keluarga", "64.72"), ("sip-tenaga-kesehatan", "64.72"),
            ("akta-kelahiran", "33.72"), ("kia", "33.72"))  # fmt: skip


def figure_rows() -> set:
    columns = ["month", "region_id", "province_id", "agency_id", "service_id", "is_linked", "served", "respondents"]
    return set(IndexFigure.objects.values_list(*columns, *(element.field for element in ELEMENTS)))


def counted_directly() -> set:
    """The figures counted straight from the answers and invitations, by the rules, without the app's recount."""
    sums: dict = defaultdict(lambda: [0, 0] + [0] * len(ELEMENTS))
    provinces = {}
    for answer in Answer.objects.select_related("region"):
        key = (answer.month, answer.region_id, answer.agency_id, answer.service_id, answer.is_linked)
        provinces[answer.region_id] = answer.region.parent_id
        row = sums[key]
        row[1] += 1
        for index, element in enumerate(ELEMENTS):
            row[2 + index] += getattr(answer, element.field)
    for invitation in Invitation.objects.select_related("region"):
        key = (invitation.month, invitation.region_id, invitation.agency_id, invitation.service_id, True)
        provinces[invitation.region_id] = invitation.region.parent_id
        sums[key][0] += 1
    return {
        (month, region, provinces[region], agency, service, linked, *row)
        for (month, region, agency, service, linked), row in sums.items()
    }


def _mix(rng, *, steps: int, refresh_every: int, now: dt.datetime) -> None:
    """Applications decided over three months (some at the counter, some with a code), rated on the web, at a
    kiosk or not at all, and open answers, at random, refreshing now and then."""
    citizens = [make_citizen(f"64720152049{index:05d}") for index in range(3)]
    start = now - dt.timedelta(days=80)
    for step in range(steps):
        slug, region = rng.choice(SERVICES)
        service = service_of(slug, region)
        moment = start + dt.timedelta(hours=rng.uniform(0, 80 * 24 - 48))
        kind = rng.random()
        if kind < 0.15:
            services.answer_open(
                region=service.region, service=rng.choice([service, None]), values=answers(_values(rng)), now=moment
            )
        else:
            counter = kind < 0.4
            application = make_application(
                rng.choice(citizens),
                service=service,
                status=rng.choice([Status.APPROVED, Status.APPROVED, Status.REJECTED, Status.IN_PROGRESS]),
                submitted_at=moment,
                decided_at=moment + dt.timedelta(hours=rng.uniform(1, 40)),
                channel=Channel.COUNTER if counter else Channel.ONLINE,
            )
            how = rng.random()
            if counter and how < 0.5:
                code = services.issue_code(application=application, now=moment).code
                services.answer_code(code=code, values=answers(_values(rng)), now=moment + dt.timedelta(minutes=5))
            elif how < 0.6 and services.served_at(application) is not None:
                services.answer_application(
                    application=application, values=answers(_values(rng)), now=moment + dt.timedelta(days=2)
                )
        if step % refresh_every == refresh_every - 1:
            refresh.refresh()


def _values(rng) -> tuple:
    return tuple(rng.choice((1, 2, 3, 3, 4, 4, 4)) for _ in ELEMENTS)


def test_incremental_figures_equal_a_rebuild_and_a_direct_count(instant_settle):
    _mix(random.Random(5), steps=90, refresh_every=11, now=timezone.now())
    refresh.refresh()
    incremental = figure_rows()
    assert Answer.objects.filter(is_linked=False).exists() and Answer.objects.filter(source="kiosk").exists()
    assert IndexFigure.objects.filter(respondents=0, served__gt=0).exists()  # served, nobody answered
    assert incremental == counted_directly()

    call_command("rebuild_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert figure_rows() == incremental and len(incremental) > 10


def test_the_refresh_invites_what_the_events_served_without_any_page_being_opened(citizen, counter_officer):
    now = timezone.now()
    decided = make_application(citizen, submitted_at=now - dt.timedelta(days=1), decided_at=now)
    rejected = make_application(
        citizen, status=Status.REJECTED, submitted_at=now - dt.timedelta(days=1), decided_at=now
    )
    waiting = make_application(citizen, status=Status.IN_PROGRESS, submitted_at=now)
    visit = make_application(
        citizen, status=Status.IN_PROGRESS, submitted_at=now, channel=Channel.COUNTER, entered_by=counter_officer
    )

    refreshed = refresh.refresh()

    invited = set(Invitation.objects.values_list("reference", flat=True))
    assert invited == {str(decided.pk), str(rejected.pk), str(visit.pk)} and str(waiting.pk) not in invited
    assert refreshed.invited == 3 and IndexFigure.objects.get().served == 3


def test_refreshing_twice_changes_nothing(citizen, instant_settle):
    _mix(random.Random(2), steps=20, refresh_every=1000, now=timezone.now())
    first = refresh.refresh()
    rows = figure_rows()
    again = refresh.refresh()
    assert figure_rows() == rows and first.answers + first.invitations
    assert again.invited == 0


def test_an_answer_committed_after_a_larger_id_was_read_is_still_counted(citizen):
    """Ids are given at insert and seen at commit: a refresh that read id n+1 must still count n later."""
    now = timezone.now()
    first, second = (
        make_application(citizen, submitted_at=now - dt.timedelta(days=1), decided_at=now) for _ in range(2)
    )
    late = services.answer_application(application=first, values=answers((1,) * 9))
    services.answer_application(application=second, values=answers((4,) * 9))
    hidden = Answer.objects.filter(pk=late.pk).values()[0]
    Answer.objects.filter(pk=late.pk).delete()  # as if its transaction had not committed when the refresh ran
    refresh.refresh()
    assert IndexFigure.objects.get().respondents == 1
    assert RefreshCursor.objects.get(name="answers").checkpoint_id > hidden["id"]

    Answer.objects.create(**hidden)  # ...and now it commits, with its smaller id
    refresh.refresh()

    figure = IndexFigure.objects.get()
    assert (figure.respondents, figure.u1, figure.served) == (2, 5, 2)


def test_a_run_that_finds_the_cursors_held_does_nothing(monkeypatch):
    monkeypatch.setattr(refresh, "_claim", lambda skip_locked: None)
    assert refresh.refresh() is None


def test_small_batches_reach_the_end(instant_settle):
    _mix(random.Random(9), steps=30, refresh_every=1000, now=timezone.now())
    refreshed = refresh.refresh(batch=4)
    assert refreshed.answers == Answer.objects.count() and figure_rows() == counted_directly()
    assert refreshed.events == Event.objects.count()


def test_the_population_is_the_served_transactions_of_the_month(citizen):
    """Users in the period: decided applications by the month of their decision, counter visits by their visit."""
    may, june = dt.datetime(2026, 5, 30, 20, tzinfo=dt.UTC), dt.datetime(2026, 6, 2, 3, tzinfo=dt.UTC)
    make_application(citizen, submitted_at=may - dt.timedelta(days=3), decided_at=may)
    make_application(citizen, submitted_at=may, decided_at=june)
    refresh.refresh()
    months = Counter({row.month: row.served for row in IndexFigure.objects.all()})
    # 30 May 20.00 UTC is 31 May 04.00 in Samarinda (WITA): May. 2 June: June.
    assert months == Counter({dt.date(2026, 5, 1): 1, dt.date(2026, 6, 1): 1})
