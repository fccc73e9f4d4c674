"""The platform's own figures of a region for a monev period: counted from its applications, in its local days."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mpp.applications.models import Application, Event, Status
from mpp.applications.selectors import monev_figures
from mpp.catalog.models import Service
from mpp.identity.tests.factories import make_citizen

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")  # Kota Samarinda
START, END = dt.date(2023, 1, 1), dt.date(2023, 6, 30)


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=WITA)


def service(slug: str, region: str = "64.72") -> Service:
    return Service.objects.select_related("current_version").get(region_id=region, template__slug=slug)


def make_application(slug, *, submitted, status=Status.IN_PROGRESS, decided=None, region="64.72", approved=None):
    """An application row as the workflow leaves it; ``approved`` is when an approval waiting for the registry
    was given (its event: ``decided_at`` stays empty until the registry answers)."""
    chosen = service(slug, region)
    application = Application.objects.create(
        service=chosen,
        service_version=chosen.current_version,
        region_id=region,
        agency_id=chosen.agency_id,
        applicant=make_citizen("6472015204900003"),
        basis="self",
        status=status,
        submitted_at=submitted,
        decided_at=decided,
    )
    if approved is not None:
        Event.objects.create(
            application=application,
            at=approved,
            actor_label="Pejabat",
            action="approve",
            from_status=Status.IN_PROGRESS,
            to_status=Status.WAITING_REGISTRY,
        )
    return application


def test_applicants_are_the_applications_submitted_in_the_period_in_the_regions_own_days():
    make_application("akta-kelahiran", submitted=at("2023-01-01", "00:05"))
    make_application("kartu-keluarga", submitted=at("2023-06-30", "23:55"))
    make_application("akta-kelahiran", submitted=at("2023-07-01", "00:10"))  # still 30 June in Jakarta: not counted
    make_application("akta-kelahiran", submitted=at("2022-12-31", "23:59"))
    make_application("sip-tenaga-kesehatan", submitted=at("2023-03-01"))
    make_application("skck", submitted=at("2023-03-01"))  # the police's, neither population nor health
    figures = monev_figures("64.72", START, END)
    assert figures["population_applicants"] == 2
    assert figures["health_permit_applicants"] == 1


def test_processed_counts_decisions_and_issued_counts_approved_permits_with_waiting_for_the_registry_as_approved():
    make_application("akta-kelahiran", submitted=at("2022-12-20"), status=Status.APPROVED, decided=at("2023-01-05"))
    make_application("akta-kelahiran", submitted=at("2023-02-01"), status=Status.REJECTED, decided=at("2023-02-03"))
    make_application(
        "akta-kematian", submitted=at("2023-06-29"), status=Status.WAITING_REGISTRY, approved=at("2023-06-30")
    )
    make_application(
        "akta-kematian", submitted=at("2023-06-29"), status=Status.WAITING_REGISTRY, approved=at("2023-07-03")
    )
    make_application("akta-kelahiran", submitted=at("2023-05-01"), status=Status.APPROVED, decided=at("2023-07-02"))
    make_application(
        "sip-tenaga-kesehatan", submitted=at("2023-03-01"), status=Status.APPROVED, decided=at("2023-03-04")
    )
    make_application(
        "sip-tenaga-kesehatan", submitted=at("2023-03-01"), status=Status.REJECTED, decided=at("2023-03-04")
    )
    figures = monev_figures("64.72", START, END)
    assert figures["population_processed"] == 3  # approved, rejected, and approved waiting for the registry
    assert figures["health_permits_issued"] == 1
    assert figures["population_applicants"] == 4 and figures["health_permit_applicants"] == 2


def test_drafts_and_other_regions_are_not_counted():
    make_application("akta-kelahiran", submitted=None, status=Status.DRAFT)
    make_application("akta-kelahiran", submitted=at("2023-03-01"), region="33.72")
    assert monev_figures("64.72", START, END) == {
        "population_applicants": 0,
        "health_permit_applicants": 0,
        "population_processed": 0,
        "health_permits_issued": 0,
    }
    assert monev_figures("33.72", START, END)["population_applicants"] == 1


def test_the_figures_take_two_queries_whatever_the_number_of_applications(django_assert_num_queries):
    for day in range(1, 11):
        make_application(
            "akta-kelahiran", submitted=at(f"2023-03-{day:02d}"), status=Status.APPROVED, decided=at("2023-04-01")
        )
    with django_assert_num_queries(2):
        figures = monev_figures("64.72", START, END)
    assert figures["population_applicants"] == figures["population_processed"] == 10
