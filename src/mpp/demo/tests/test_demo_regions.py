"""`make run` shows a region at every stage of joining, made through the real services."""

import pytest

from mpp.demo.accounts import DEMO_PASSWORD, seed_demo_accounts
from mpp.demo.regions import DEMO_REGIONS, seed_demo_onboarding
from mpp.documents import validation
from mpp.identity.models import User
from mpp.onboarding import selectors, services
from mpp.onboarding.models import JoinRequest, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEMO_MODE = True
    seed_demo_accounts()
    ministry = User.objects.get(username="kemenpanrb")
    assert len(seed_demo_onboarding(ministry=ministry, password=DEMO_PASSWORD)) == len(DEMO_REGIONS)
    assert seed_demo_onboarding(ministry=ministry, password=DEMO_PASSWORD) == []  # idempotent
    return ministry


def test_one_region_stands_at_each_stage_and_the_pilots_are_active(seeded):
    counts = selectors.stage_counts()
    for stage in (Stage.REQUESTED, Stage.RETURNED, Stage.DESIGNATED, Stage.REGION_SIGNED, Stage.REFUSED):
        assert counts[stage] == 1, stage
    assert counts[Stage.ACTIVE] == 21
    assert User.objects.get(username="pejabat.balikpapan").check_password(DEMO_PASSWORD)


def test_the_ministry_can_countersign_the_demo_agreement_at_b_lta(long_term_signing, settings):
    # make run seeds before the trust services run: the region's signature is basic (PAdES B-B) ...
    settings.DOCUMENT_SIGNING_TSA_URL, tsa = "", settings.DOCUMENT_SIGNING_TSA_URL
    settings.DEMO_MODE = True
    seed_demo_accounts()
    ministry = User.objects.get(username="kemenpanrb")
    seed_demo_onboarding(ministry=ministry, password=DEMO_PASSWORD)
    # ... and the ministry countersigns later, with them running (B-LTA).
    settings.DOCUMENT_SIGNING_TSA_URL = tsa
    bontang = JoinRequest.objects.get(region_id="64.74")
    agreement = services.sign_for_ministry(request_id=bontang.pk, by=ministry, expected_version=bontang.version)
    with agreement.file.file.open("rb") as handle:
        verdict = validation.validate(handle.read())
    assert verdict.is_valid, [check.reason for check in verdict.signatures]
    assert len(verdict.signatures) == 2


def test_the_demo_has_the_first_monev_round_all_in_and_an_open_one_with_some_reports(seeded):
    from mpp.demo.monev import FIRST_ROUND, OPEN_ROUND, seed_demo_monev
    from mpp.monitoring.models import ReportingRound

    assert seed_demo_monev(ministry=seeded) == 2
    assert seed_demo_monev(ministry=seeded) == 0  # idempotent
    first = ReportingRound.objects.get(title=FIRST_ROUND)
    assert str(first.deadline) == "2023-07-28"
    late = {report.region_id: report.is_late for report in first.reports.all()}
    assert late == {"64.72": False, "33.72": True}
    current = ReportingRound.objects.get(title=OPEN_ROUND)
    statuses = dict(current.reports.values_list("region_id", "status"))
    assert len(statuses) == 21  # every active region is asked
    assert statuses["64.72"] == "submitted" and statuses["33.72"] == "draft"
