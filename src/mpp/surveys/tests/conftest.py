"""Personas of the survey tests: applicants in Kota Samarinda, the city's Disdukcapil officers, a counter
officer of another agency and of another region, managers of two regions; and served applications, made
directly (as the statistics' factories do), decided or at the counter."""

import datetime as dt
import itertools

import pytest
from django.core.cache import cache

from mpp.applications.models import Application, Channel, Event, Status, new_tracking_number
from mpp.applications.tests.conftest import officer
from mpp.catalog.models import Service
from mpp.identity.models import Role
from mpp.identity.tests.factories import make_citizen
from mpp.surveys.questionnaire import ELEMENTS

_numbers = itertools.count(1)
SAMARINDA, SURAKARTA = "64.72", "33.72"


@pytest.fixture(autouse=True)
def _nothing_is_kept_between_tests():
    """Pages share computed figures, and rate limits count, through the cache: a test's rollback resets neither."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def instant_settle(monkeypatch):
    """A refresh that settles what it read at once (no transaction is in flight in a test)."""
    from mpp.surveys import refresh

    monkeypatch.setattr(refresh, "SETTLE", dt.timedelta(0))


@pytest.fixture
def citizen(db):
    return make_citizen("6472015204900003")


@pytest.fixture
def other_citizen(db):
    return make_citizen("6472010309870001")


@pytest.fixture
def counter_officer(db):
    return officer("loket.samarinda", Role.COUNTER_OFFICER)


@pytest.fixture
def verifier(db):
    return officer("verifikator.samarinda", Role.VERIFIER)


@pytest.fixture
def health_counter_officer(db):
    """A counter officer of another agency in the same city (Dinas Kesehatan)."""
    return officer("loket.dinkes.samarinda", Role.COUNTER_OFFICER, kind="dinkes")


@pytest.fixture
def surakarta_counter_officer(db):
    return officer("loket.surakarta", Role.COUNTER_OFFICER, region=SURAKARTA)


def service_of(slug: str = "akta-kelahiran", region: str = SAMARINDA) -> Service:
    return Service.objects.select_related("region", "agency", "template").get(region_id=region, template__slug=slug)


def make_application(
    applicant,
    *,
    service: Service | None = None,
    status: str = Status.APPROVED,
    submitted_at: dt.datetime | None = None,
    decided_at: dt.datetime | None = None,
    channel: str = Channel.ONLINE,
    entered_by=None,
) -> Application:
    """An application as the workflow would have left it, with its timeline (submitted, and decided)."""
    service = service or service_of()
    submitted_at = submitted_at or dt.datetime(2026, 5, 4, 2, tzinfo=dt.UTC)
    decided = status in (Status.APPROVED, Status.REJECTED)
    decided_at = (decided_at or submitted_at + dt.timedelta(days=2)) if decided else None
    number = next(_numbers)
    application = Application.objects.create(
        service=service,
        service_version=service.current_version,
        region=service.region,
        agency_id=service.agency_id,
        applicant=applicant,
        basis="self",
        channel=channel,
        entered_by=entered_by,
        status=status,
        # Waiting at the verifier, as a submission leaves it.
        step="verification" if status == Status.IN_PROGRESS else "",
        step_role=Role.VERIFIER if status == Status.IN_PROGRESS else "",
        submitted_at=submitted_at,
        due_at=submitted_at + dt.timedelta(days=10),
        decided_at=decided_at,
        tracking_number=new_tracking_number(service.region_id, submitted_at.strftime("%y%m")) + f"{number:03d}",
        submit_key=f"survey-test-{number}",
        version=1,
    )
    Event.objects.create(
        application=application, at=submitted_at, actor_label="Pemohon", action="submit", to_status=Status.IN_PROGRESS
    )
    if decided:
        action = "approve" if status == Status.APPROVED else "reject"
        Event.objects.create(
            application=application,
            at=decided_at,
            actor_label="Disdukcapil",
            action=action,
            from_status=Status.IN_PROGRESS,
            to_status=status,
        )
    return application


def answers(values=(4, 3, 3, 4, 3, 4, 4, 3, 3), **profile) -> dict:
    """Form-like values of one answer: U1 … U9, and any of the profile."""
    return {element.field: value for element, value in zip(ELEMENTS, values, strict=True)} | profile


def posted(values=(4, 3, 3, 4, 3, 4, 4, 3, 3), **extra) -> dict:
    """The POST body of the questionnaire."""
    return {element.field: str(value) for element, value in zip(ELEMENTS, values, strict=True)} | extra
