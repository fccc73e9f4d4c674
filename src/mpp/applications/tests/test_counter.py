"""The assisted channel: a counter officer applies for a walk-in citizen, lookup and consent recorded."""

import pytest

from mpp.applications.models import Application, Channel
from mpp.audit.models import AccessKind, DataAccess
from mpp.identity.models import Role, User
from mpp.notifications.models import Notification

from .conftest import officer

pytestmark = pytest.mark.django_db
WALK_IN = "6472035204900001"  # Siti Rahmawati of the registry simulator's demo population


@pytest.fixture
def counter_officer(db):
    return officer("loket.samarinda", Role.COUNTER_OFFICER)


@pytest.fixture
def at_the_counter(client, counter_officer, dukcapil, birth_service, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(counter_officer)
    return client


def start(client, birth_service, **changes):
    data = {"nik": WALK_IN, "service": str(birth_service.pk), "phone": "+6281234567890", "consent": "on"} | changes
    return client.post("/loket/", {key: value for key, value in data.items() if value is not None})


def test_an_officer_applies_for_a_walk_in_citizen_without_an_account(at_the_counter, birth_service, counter_officer):
    response = start(at_the_counter, birth_service)
    assert response.status_code == 302 and response["Location"] == "/loket/formulir/"
    citizen = User.objects.get(nik=WALK_IN)
    assert not citizen.has_usable_password() and citizen.assurance_level == 2
    lookup = DataAccess.objects.get(subject_nik=WALK_IN, kind=AccessKind.REGISTRY_READ, fields=["data kependudukan"])
    assert lookup.actor_label.startswith("Petugas loket · Dinas Kependudukan")
    assert lookup.purpose == "Permohonan di loket MPP: Penerbitan Akta Kelahiran"

    form = at_the_counter.get("/loket/formulir/").content.decode()
    assert "SITI RAHMAWATI" in form or WALK_IN[-4:] in form
    answer = at_the_counter.post(
        "/loket/formulir/",
        {
            "submit_key": "loket-1",
            "child_name": "Bayu",
            "child_sex": "LAKI-LAKI",
            "birth_date": "2026-11-20",
            "birth_place": "Samarinda",
            "birth_order": "1",
            "birth_attendant": "bidan",
            "has_birth_letter": "tidak",
            "sptjm": "on",
            "truth": "on",
        },
    )
    application = Application.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/petugas/permohonan/{application.pk}/"
    assert (application.applicant, application.channel, application.entered_by) == (
        citizen,
        Channel.COUNTER,
        counter_officer,
    )
    assert application.consent_recorded_at is not None
    assert application.data["kk_number"]  # from the registry, read at the counter
    assert Notification.objects.get(user=citizen).kind == "assisted"
    assert application.events.get().actor_label == "Petugas loket MPP"


def test_without_the_citizens_consent_nothing_happens(at_the_counter, birth_service):
    response = start(at_the_counter, birth_service, consent=None)
    assert response.status_code == 400
    assert not DataAccess.objects.exists() and not User.objects.filter(nik=WALK_IN).exists()


def test_a_nik_the_registry_does_not_know_is_a_field_error(at_the_counter, birth_service):
    response = start(at_the_counter, birth_service, nik="6472035204900999")
    assert response.status_code == 400
    assert "tidak ditemukan di database kependudukan" in response.content.decode()
    assert not User.objects.filter(nik="6472035204900999").exists()


def test_only_counter_officers_use_the_counter(client, verifier, siti):
    for user in (verifier, siti):
        client.force_login(user)
        assert client.get("/loket/").status_code == 404
    client.logout()
    assert client.get("/loket/").status_code == 302


def test_the_form_needs_a_walk_in_started_first(at_the_counter):
    assert at_the_counter.get("/loket/formulir/")["Location"] == "/loket/"


def test_an_application_opened_from_a_queue_ticket_records_the_visit(at_the_counter, birth_service):
    import uuid

    visit = uuid.uuid4()
    page = at_the_counter.get(f"/loket/?kunjungan={visit}&layanan={birth_service.pk}").content.decode()
    assert f'name="kunjungan" value="{visit}"' in page and f'value="{birth_service.pk}" selected' in page
    assert start(at_the_counter, birth_service, kunjungan=str(visit)).status_code == 302
    at_the_counter.post(
        "/loket/formulir/",
        {
            "submit_key": "loket-visit",
            "child_name": "Bayu",
            "child_sex": "LAKI-LAKI",
            "birth_date": "2026-11-20",
            "birth_place": "Samarinda",
            "birth_order": "1",
            "birth_attendant": "bidan",
            "has_birth_letter": "tidak",
            "sptjm": "on",
            "truth": "on",
        },
    )
    assert Application.objects.get().visit == visit
    assert at_the_counter.get("/loket/?kunjungan=bukan-uuid").status_code == 200  # ignored, not an error
