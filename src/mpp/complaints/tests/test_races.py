"""Races only a server database shows: two officers resolving one complaint at once."""

import pytest

from mpp.applications.tests.conftest import officer
from mpp.complaints import services
from mpp.complaints.models import Step
from mpp.core.testing import at_once
from mpp.identity.models import Role

from .test_handling import _in_progress

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_officers_resolving_at_once_one_wins(siti, complaint_officer, dukcapil):
    second = officer("pengaduan2.dukcapil.samarinda", Role.COMPLAINT_OFFICER)
    complaint = _in_progress(siti, complaint_officer, dukcapil)

    def work(index):
        return services.resolve(
            officer=(complaint_officer, second)[index],
            complaint_id=complaint.pk,
            version=complaint.version,
            action_taken="-",
            answer=f"jawaban {index}",
        )

    outcomes = at_once(2, work)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Complaint", "Conflict"]
    assert Step.objects.filter(complaint=complaint, action="resolve").count() == 1
