"""A visit served from the MPP's line gets a survey code at the counter that served it, and the kiosk takes it."""

import pytest

from mpp.catalog.models import Agency, Counter, Mpp, Service
from mpp.queueing import services as queue
from mpp.surveys.models import Answer, Invitation, Kind

from .conftest import posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter_1(db):
    return Counter.objects.select_related("mpp__region").get(mpp__region_id="64.72", number=1)


def _served(counter, officer, *, with_service=True):
    mpp = Mpp.objects.select_related("region").get(pk=counter.mpp_id)
    agency = Agency.objects.get(pk=counter.agency_id)
    service = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran") if with_service else None
    queue.issue_ticket(mpp=mpp, agency=agency, service=service)
    ticket = queue.call_next(counter=counter, officer=officer)
    return queue.finish(ticket_id=ticket.pk, counter=counter, officer=officer)


def test_the_counter_that_served_the_visit_gives_its_code_and_the_kiosk_takes_it(client, counter_officer, counter_1):
    ticket = _served(counter_1, counter_officer)
    client.force_login(counter_officer)
    console = client.get(f"/loket/antrean/{counter_1.pk}/").content.decode()
    assert f"/loket/survei/kunjungan/{ticket.pk}/" in console

    assert client.post(f"/loket/survei/kunjungan/{ticket.pk}/").status_code == 302
    invitation = Invitation.objects.get(kind=Kind.VISIT, reference=str(ticket.pk))
    assert invitation.service.template.slug == "akta-kelahiran" and invitation.served_on == ticket.day
    assert invitation.code in client.get(f"/loket/survei/kunjungan/{ticket.pk}/").content.decode()

    client.logout()
    done = client.post("/survei/kios/", posted(code=invitation.code))
    assert done.status_code == 303 and Answer.objects.get().invitation == invitation


def test_a_visit_without_a_service_is_told_where_to_get_a_code(client, counter_officer, counter_1):
    ticket = _served(counter_1, counter_officer, with_service=False)
    client.force_login(counter_officer)
    response = client.post(f"/loket/survei/kunjungan/{ticket.pk}/")
    assert response.status_code == 400 and "tanpa layanan" in response.content.decode()
    assert not Invitation.objects.exists()


def test_other_officers_get_404(client, counter_officer, health_counter_officer, surakarta_counter_officer, counter_1):
    ticket = _served(counter_1, counter_officer)
    for other in (health_counter_officer, surakarta_counter_officer):
        client.force_login(other)
        assert client.get(f"/loket/survei/kunjungan/{ticket.pk}/").status_code == 404
        assert client.post(f"/loket/survei/kunjungan/{ticket.pk}/").status_code == 404
    assert not Invitation.objects.exists()
