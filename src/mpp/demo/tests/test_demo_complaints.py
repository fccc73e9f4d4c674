"""`make run` has a complaint in each state, made through the real services, and figures that match them."""

import pytest

from mpp.complaints import figures
from mpp.complaints.models import Complaint, CountFigure, Status
from mpp.demo.accounts import seed_demo_accounts
from mpp.demo.complaints import seed_demo_complaints
from mpp.identity.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_complaint_in_each_state_once(settings):
    settings.DEMO_MODE = True
    seed_demo_accounts()
    people = {
        "citizen": User.objects.get(username="6472035204900001"),
        "manager": User.objects.get(username="pengelola.samarinda"),
        "officer": User.objects.get(username="pengaduan.samarinda"),
    }
    assert seed_demo_complaints(**people) == 8
    assert seed_demo_complaints(**people) == 0
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
    counted, _durations = figures.recount("64.72")
    assert {(row.category, row.status): row.count for row in CountFigure.objects.filter(region_id="64.72")} == counted
