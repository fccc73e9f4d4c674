"""A counter officer gives the citizen a one-time survey code for a visit; only that agency's counter officers can."""

import pytest
from django.utils import timezone

from mpp.applications.models import Channel, Status
from mpp.surveys.models import Invitation

from .conftest import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(citizen, counter_officer):
    """An application the counter officer entered for a walk-in citizen, still being processed."""
    return make_application(
        citizen,
        status=Status.IN_PROGRESS,
        submitted_at=timezone.now(),
        channel=Channel.COUNTER,
        entered_by=counter_officer,
    )


def _url(application) -> str:
    return f"/loket/survei/{application.pk}/"


def test_the_counter_officer_issues_a_code_and_shows_it(client, visit, counter_officer):
    client.force_login(counter_officer)
    officer_page = client.get(f"/petugas/permohonan/{visit.pk}/").content.decode()
    assert f'action="{_url(visit)}"' in officer_page and "Tampilkan kode survei" in officer_page

    response = client.post(_url(visit))
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert len(invitation.code) == 6 and set(invitation.code) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert invitation.served_at == visit.submitted_at and invitation.channel == Channel.COUNTER
    page = client.get(_url(visit)).content.decode()
    assert invitation.code in page and "/survei/kios/" in page

    client.post(_url(visit))  # asked again while it works: the same code
    assert Invitation.objects.get().code == invitation.code


def test_a_get_shows_no_code_until_one_is_issued(client, visit, counter_officer):
    client.force_login(counter_officer)
    page = client.get(_url(visit)).content.decode()
    assert "Buat kode survei" in page and not Invitation.objects.exists()


def test_a_counter_officer_of_another_agency_or_region_gets_404(
    client, visit, health_counter_officer, surakarta_counter_officer
):
    for intruder in (health_counter_officer, surakarta_counter_officer):
        client.force_login(intruder)
        assert client.post(_url(visit)).status_code == 404
        assert client.get(_url(visit)).status_code == 404
    assert not Invitation.objects.exists()


def test_a_verifier_of_the_same_agency_gets_404_and_sees_no_button(client, visit, verifier):
    client.force_login(verifier)
    assert "Tampilkan kode survei" not in client.get(f"/petugas/permohonan/{visit.pk}/").content.decode()
    assert client.post(_url(visit)).status_code == 404


def test_the_citizen_and_an_anonymous_visitor_cannot_issue_codes(client, visit, citizen):
    assert client.post(_url(visit)).status_code == 302  # to the sign-in page
    client.force_login(citizen)
    assert client.post(_url(visit)).status_code == 404
    assert not Invitation.objects.exists()


def test_an_online_application_has_no_counter_code(client, citizen, counter_officer):
    online = make_application(
        citizen, status=Status.IN_PROGRESS, submitted_at=timezone.now(), entered_by=counter_officer
    )
    client.force_login(counter_officer)
    assert client.post(_url(online)).status_code == 404


def test_an_unknown_application_is_404(client, counter_officer):
    client.force_login(counter_officer)
    assert client.post("/loket/survei/00000000-0000-0000-0000-000000000000/").status_code == 404
