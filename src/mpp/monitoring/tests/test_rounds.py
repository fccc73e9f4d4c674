"""The ministry opens reporting rounds: the default audience, bad input as field errors, and who may."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mpp.core.errors import DomainError
from mpp.identity.tests.factories import make_citizen
from mpp.monitoring import services
from mpp.monitoring.models import Report, ReportingRound
from mpp.notifications.models import Notification

from .conftest import is_linked

pytestmark = pytest.mark.django_db
URL = "/kementerian/monev/"


def posted(**changes) -> dict:
    return {
        "title": "Monev MPP Digital Semester II 2026",
        "period_start": "2026-07-01",
        "period_end": "2026-12-31",
        "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "audience": "chosen",
        "regions": ["64.72", "33.72"],
        **changes,
    }


@pytest.fixture
def active(monkeypatch):
    """Samarinda and Surakarta are where MPP Digital is active (onboarding's answer)."""
    monkeypatch.setattr("mpp.onboarding.selectors.active_region_codes", lambda: {"64.72", "33.72"})


def test_the_ministry_opens_a_round_for_every_active_region_by_default_and_their_managers_are_told(
    client, ministry, alice, bob, active
):
    client.force_login(ministry)
    response = client.post(URL, posted(audience="active", regions=[]))
    monev_round = ReportingRound.objects.get()
    assert response.status_code == 302
    assert sorted(Report.objects.filter(reporting_round=monev_round).values_list("region_id", flat=True)) == [
        "33.72",
        "64.72",
    ]
    assert set(Notification.objects.filter(kind="monev_opened").values_list("user__username", flat=True)) == {
        alice.username,
        bob.username,
    }
    page = client.get(response["Location"]).content.decode()
    assert "Putaran monev dibuka" in page and "Kota Samarinda" in page


def test_the_ministry_may_ask_chosen_regions_only(client, ministry, active):
    client.force_login(ministry)
    client.post(URL, posted(regions=["64.72"]))
    assert list(Report.objects.values_list("region_id", flat=True)) == ["64.72"]


def test_the_demo_data_can_record_the_first_round_the_ministry_sent_in_2023(ministry, alice):
    first = services.open_round(
        opened_by=ministry,
        title="Monev MPP Digital 2023",
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 6, 30),
        deadline=dt.date(2023, 7, 28),
        region_codes={"64.72"},
    )
    assert first.deadline == dt.date(2023, 7, 28)
    assert not Notification.objects.exists()  # a round recorded after the fact asks nobody for anything


def error_of(response, field: str) -> str:
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    return errors[field][0]


def test_a_deadline_in_the_past_is_a_field_error(client, ministry, active):
    client.force_login(ministry)
    response = client.post(URL, posted(deadline=(timezone.localdate() - dt.timedelta(days=1)).isoformat()))
    assert error_of(response, "deadline") == "Batas pengiriman tidak boleh di masa lalu."
    assert is_linked(response.content.decode(), "id_deadline_error")
    assert not ReportingRound.objects.exists()


def test_a_period_that_ends_before_it_starts_is_a_field_error(client, ministry, active):
    client.force_login(ministry)
    response = client.post(URL, posted(period_start="2026-12-31", period_end="2026-07-01"))
    assert error_of(response, "period_end") == "Akhir periode tidak boleh sebelum awal periode."
    assert not ReportingRound.objects.exists()


def test_a_round_without_regions_is_a_field_error(client, ministry, active):
    client.force_login(ministry)
    response = client.post(URL, posted(regions=[]))
    assert error_of(response, "regions") == "Pilih paling sedikit satu kabupaten/kota."
    assert is_linked(response.content.decode(), "id_regions_error")
    assert not ReportingRound.objects.exists()


def test_the_default_audience_with_no_active_region_is_a_field_error(client, ministry, monkeypatch):
    monkeypatch.setattr("mpp.onboarding.selectors.active_region_codes", set)
    client.force_login(ministry)
    response = client.post(URL, posted(audience="active", regions=[]))
    assert "Belum ada kabupaten/kota dengan MPP Digital aktif" in error_of(response, "audience")


@pytest.mark.parametrize(
    ("field", "value"), [("deadline", "28-07-2023x"), ("period_start", "2026-02-30"), ("regions", ["11.01.01"])]
)
def test_malformed_input_is_a_field_error_never_a_500(client, ministry, active, field, value):
    client.force_login(ministry)
    assert error_of(client.post(URL, posted(**{field: value})), field)
    assert not ReportingRound.objects.exists()


def test_the_service_refuses_a_round_without_regions_or_with_a_province(ministry):
    for codes in (set(), {"64"}):
        with pytest.raises(DomainError):
            services.open_round(
                opened_by=ministry,
                title="x",
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 1, 31),
                deadline=dt.date(2026, 12, 31),
                region_codes=codes,
            )


def test_no_other_role_reaches_any_ministry_page_or_action(client, monev_round, alice, verifier):
    citizen = make_citizen("6472035204900001")
    pages = [
        URL,
        reverse("monitoring:round", args=[monev_round.pk]),
        reverse("monitoring:report", args=[monev_round.pk, "64.72"]),
        reverse("monitoring:export_xlsx", args=[monev_round.pk]),
        reverse("monitoring:export_csv", args=[monev_round.pk]),
    ]
    review = reverse("monitoring:review", args=[monev_round.pk, "64.72"])
    for outsider in (alice, verifier, citizen):
        client.force_login(outsider)
        for page in pages:
            assert client.get(page).status_code == 404, (outsider, page)
        assert client.post(URL, posted()).status_code == 404
        assert client.post(review, {"version": 0, "action": "accept"}).status_code == 404
    assert ReportingRound.objects.count() == 1
    client.logout()
    for page in pages:
        answer = client.get(page)
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("identity:login"))


def test_the_rounds_page_and_a_rounds_progress_take_a_constant_number_of_queries(
    client, ministry, monev_round, django_assert_max_num_queries
):
    client.force_login(ministry)
    for number in range(5):
        services.open_round(
            opened_by=ministry,
            title=f"Putaran {number}",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 1, 31),
            deadline=dt.date(2026, 12, 31),
            region_codes={"64.72", "33.72", "33.02", "35.10"},
        )
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(10):
        page = client.get(reverse("monitoring:round", args=[ReportingRound.objects.first().pk]))
    assert page.status_code == 200 and page.context["progress"].missing == 4
