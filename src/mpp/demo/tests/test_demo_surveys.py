"""The demo's month of satisfaction surveys: tied to the demo's applications, varied, counted, seeded once."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db.models import Avg

from mpp.applications.models import Application, Status
from mpp.demo.accounts import seed_demo_accounts
from mpp.demo.surveys import seed_demo_surveys
from mpp.surveys.models import Answer, FollowUpAction, IndexFigure, Source
from mpp.surveys.refresh import rebuild

pytestmark = pytest.mark.django_db


def test_demo_surveys_exist_only_in_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        seed_demo_surveys()


def test_a_month_of_answers_tied_to_demo_applications_and_some_open_ones(settings):
    settings.DEMO_MODE = True
    seed_demo_accounts()
    seeded = seed_demo_surveys()
    assert seeded["applications"] > 500 and seeded["answers"] > 250
    assert seed_demo_surveys() == {"applications": 0, "answers": 0}  # once

    linked = Answer.objects.filter(is_linked=True)
    assert linked.filter(source=Source.KIOSK).exists() and linked.filter(source=Source.WEB).exists()
    assert Answer.objects.filter(is_linked=False, region_id="64.72").count() == 15
    assert set(linked.values_list("region_id", flat=True)) == {"64.72", "33.72"}
    means = linked.aggregate(fees=Avg("u4"), complaints=Avg("u8"), behaviour=Avg("u7"))
    assert means["fees"] > means["behaviour"] > means["complaints"]  # realistic: not every element alike

    siti = Application.objects.get(applicant__username="6472035204900001", status=Status.REJECTED)
    assert not Answer.objects.filter(invitation__reference=str(siti.pk)).exists()  # left for the demo to try
    assert FollowUpAction.objects.filter(region_id="64.72").count() == 3

    rebuild()
    assert IndexFigure.objects.filter(region_id="64.72", is_linked=True, respondents__gt=0).count() >= 5


def test_the_command_says_what_it_added(settings):
    settings.DEMO_MODE = True
    seed_demo_accounts()
    out = StringIO()
    call_command("seed_surveys", stdout=out)
    assert "decided applications" in out.getvalue() and "answers added" in out.getvalue()
    settings.DEMO_MODE = False
    with pytest.raises(Exception, match="MPP_DEMO_MODE"):
        call_command("seed_surveys", stdout=StringIO())
