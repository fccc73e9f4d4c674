"""The public figures the worker keeps current equal a full recount, after any run of changes; the region's page
reads them in a constant number of queries."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mpp.complaints import figures, services
from mpp.complaints.models import CountFigure, DurationFigure
from mpp.complaints.selectors import _median_and_share

from .conftest import file
from .test_handling import _in_progress

pytestmark = pytest.mark.django_db


def _stored(region="64.72"):
    counts = {(row.category, row.status): row.count for row in CountFigure.objects.filter(region_id=region)}
    durations = {
        (row.measure, row.days): (row.count, row.on_time) for row in DurationFigure.objects.filter(region_id=region)
    }
    return counts, durations


def test_the_refreshed_figures_equal_a_full_recount(siti, budi, samarinda_manager, complaint_officer, dukcapil):
    now = timezone.now()
    for index in range(3):
        complaint = _in_progress(siti, complaint_officer, dukcapil)
        services.resolve(
            officer=complaint_officer,
            complaint_id=complaint.pk,
            version=complaint.version,
            action_taken="-",
            answer=f"jawaban {index}",
            now=now,
        )
    file(budi, category="facilities")
    assert figures.refresh() == 1
    assert _stored() == figures.recount("64.72")
    later = file(siti, category="information")
    services.triage(
        officer=samarinda_manager,
        complaint_id=later.pk,
        version=later.version,
        category="information",
        weight="simple",
        agency_id=dukcapil.pk,
    )
    figures.refresh()
    assert _stored() == figures.recount("64.72")
    counts, durations = _stored()
    assert sum(counts.values()) == 5 and sum(count for count, _on_time in durations.values()) == 6
    CountFigure.objects.all().delete()
    call_command("rebuild_complaint_figures", stdout=io.StringIO())
    assert _stored() == figures.recount("64.72")


def test_a_complaint_awaiting_its_contact_code_is_not_counted(db):
    from mpp.regions.models import Region

    services.file_complaint(
        region=Region.objects.get(code="64.72"),
        category="other",
        title="x",
        description="y" * 30,
        contact="a@example.test",
    )
    figures.rebuild()
    assert not CountFigure.objects.exists()


def test_the_median_comes_from_the_histogram():
    rows = [DurationFigure(days=1, count=2, on_time=2), DurationFigure(days=3, count=1, on_time=1),
            DurationFigure(days=9, count=2, on_time=0)]  # fmt: skip
    assert _median_and_share(rows) == (3, 60.0)
    assert _median_and_share([]) == (None, None)


def test_the_public_page_reads_the_figures_in_constant_queries(client, siti, django_assert_max_num_queries):
    for index in range(5):
        file(siti, category=["service_delay", "facilities"][index % 2], now=timezone.now() - dt.timedelta(days=index))
    figures.refresh()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("complaints:region_figures", args=["64.72"])).status_code == 200
