import pytest

from mpp.catalog.models import Service
from mpp.identity.tests.factories import make_citizen

pytestmark = pytest.mark.django_db


def _service(slug):
    return Service.objects.get(region_id="64.72", template__slug=slug)


def test_an_anonymous_visitor_signs_in_first_and_comes_back(client):
    url = f"/layanan/{_service('akta-kelahiran').id}/ajukan/"
    assert client.get(url)["Location"] == f"/akun/masuk/?next={url.replace('/', '%2F')}"


def test_a_citizen_below_the_services_level_is_sent_to_upgrade_and_back(client):
    sip = _service("sip-tenaga-kesehatan")
    assert sip.template.assurance_level == 3
    client.force_login(make_citizen(level=2))
    response = client.get(f"/layanan/{sip.id}/ajukan/")
    assert response["Location"].startswith("/akun/tingkat/?level=3&next=")


def test_a_citizen_at_the_level_sees_what_the_state_already_holds(client):
    client.force_login(make_citizen(level=2))
    html = client.get(f"/layanan/{_service('kartu-keluarga').id}/ajukan/").content.decode()
    assert "diambil otomatis" in html


def test_information_only_services_cannot_be_applied_for_online(client):
    client.force_login(make_citizen(level=3))
    assert client.get(f"/layanan/{_service('skck').id}/ajukan/").status_code == 404
