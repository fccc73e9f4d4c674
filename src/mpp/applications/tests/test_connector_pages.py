"""The connector pages: a region's manager sees and configures their region's systems only, without code; a bad
contract is refused on the field it concerns and changes nothing; the citizen's page says when a connector is down."""

import pytest
from django.urls import reverse

from mpp.applications import connectors, services
from mpp.applications.models import ConnectorMode, ExternalSystem
from mpp.catalog.models import Agency, Service
from mpp.notifications.models import OutboxMessage
from mpp.notifications.services import deliver

from .conftest import birth_form, new_key

pytestmark = pytest.mark.django_db

FORM = {
    "name": "SIAK Samarinda",
    "mode": "forwarded",
    "credentials": "SIAK_SAMARINDA",
    "mapping": "nama_anak = form.child_name\nnik = applicant.nik",
    "statuses": "DITERIMA = in_process\nTERBIT = approved\nDITOLAK = rejected",
    "timeout_seconds": "5",
    "attempts": "5",
    "first_delay_seconds": "2",
    "max_delay_seconds": "60",
}


@pytest.fixture
def disdukcapil(db):
    return Agency.objects.get(region_id="64.72", kind__code="disdukcapil")


@pytest.fixture
def siak(disdukcapil):
    system = connectors.connect(
        name="SIAK Samarinda",
        mode=ConnectorMode.FORWARDED,
        agency=disdukcapil,
        contract={"credentials": "SIAK_SAMARINDA", "fields": {"nama_anak": "form.child_name"}},
    ).system
    connectors.connect_service(
        service=Service.objects.get(region_id="64.72", template__slug="akta-kelahiran"), system=system
    )
    return system


def test_the_manager_adds_a_connector_and_sees_its_secret_once(client, samarinda_manager, disdukcapil):
    client.force_login(samarinda_manager)
    page = client.post(reverse("applications:connector_add") + "?wilayah=64.72", FORM | {"agency": disdukcapil.pk})
    assert page.status_code == 200 and "client_secret" in page.text
    assert "MPP_CONNECTOR_SIAK_SAMARINDA_URL" in page.text
    system = ExternalSystem.objects.get(name="SIAK Samarinda")
    assert system.contract["statuses"]["TERBIT"] == "approved" and system.webhook.secret == ""
    assert client.get(reverse("applications:connector", args=[system.pk])).status_code == 200


@pytest.mark.parametrize(
    ("change", "field_error"),
    [
        ({"mapping": "nama_anak form.child_name"}, "kunci = nilai"),
        ({"mapping": "nama = rahasia"}, "neither form.&lt;field&gt;"),
        ({"statuses": "TERBIT = selesai"}, "statuses.TERBIT"),
        ({"credentials": "siak"}, "Huruf kapital"),
        ({"mode": "handed_over"}, "alamat portalnya"),
    ],
)
def test_a_bad_contract_is_refused_on_its_field_and_nothing_is_created(
    client, samarinda_manager, disdukcapil, change, field_error
):
    client.force_login(samarinda_manager)
    page = client.post(
        reverse("applications:connector_add") + "?wilayah=64.72", FORM | {"agency": disdukcapil.pk} | change
    )
    assert page.status_code == 400 and field_error in page.text
    assert not ExternalSystem.objects.exists()


def test_a_mapping_to_a_field_the_connected_form_lacks_is_refused_when_saved(client, samarinda_manager, siak):
    client.force_login(samarinda_manager)
    page = client.post(reverse("applications:connector", args=[siak.pk]), FORM | {"mapping": "x = form.nope"})
    assert page.status_code == 400 and "nope" in page.text and "Penerbitan Akta Kelahiran" in page.text
    siak.refresh_from_db()
    assert siak.contract["fields"] == {"nama_anak": "form.child_name"}


def test_another_regions_manager_and_a_citizen_see_nothing(client, surakarta_manager, siti, siak):
    client.force_login(surakarta_manager)
    assert client.get(reverse("applications:connector", args=[siak.pk])).status_code == 404
    assert client.get(reverse("applications:connectors") + "?wilayah=64.72").status_code == 404
    assert "SIAK Samarinda" not in client.get(reverse("applications:connectors")).text
    client.force_login(siti)
    assert client.get(reverse("applications:connectors")).status_code == 404
    response = client.post(reverse("applications:connector", args=[siak.pk]), FORM)
    assert response.status_code == 404


def test_the_health_page_and_the_citizens_page_say_when_a_connector_is_down(
    client, samarinda_manager, siti, birth_service, siak
):
    application = services.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    deliver(OutboxMessage.objects.get(dedup_key=f"forward:{application.pk}"))  # no URL in the environment
    client.force_login(samarinda_manager)
    page = client.get(reverse("applications:connectors"))
    assert "SIAK Samarinda" in page.text and "Perlu perhatian" in page.text
    client.force_login(siti)
    detail = client.get(reverse("applications:detail", args=[application.tracking_number]))
    assert "sedang tidak dapat dihubungi" in detail.text and "tidak perlu mengajukan lagi" in detail.text


def test_the_service_page_says_where_it_is_processed(client, siak):
    birth = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")
    page = client.get(reverse("portal:service", args=[birth.pk]))
    assert "diproses di SIAK Samarinda" in page.text


def test_a_handed_over_system_is_connected_on_the_page_with_its_sign_in_client(client, samarinda_manager):
    from mpp.sso.models import AgencyClient

    portal = AgencyClient.objects.create(
        name="Portal SIM",
        agency_name="Korlantas Polri",
        client_id="portal-sim",
        client_secret="rahasia-portal-panjang-sekali-0123456789",
        redirect_uris="https://sim.korlantas.example.go.id/callback",
        allowed_scopes=["openid"],
    )
    polres = Agency.objects.get(region_id="64.72", kind__code="polres")
    client.force_login(samarinda_manager)
    form = FORM | {"mode": "handed_over", "agency": polres.pk, "credentials": "", "mapping": ""}
    form |= {"statuses": "DITERIMA = in_process\nSIAP_DIAMBIL = approved\nDITOLAK = rejected"}
    url = reverse("applications:connector_add") + "?wilayah=64.72"
    without = client.post(url, form | {"portal_url": "https://sim.korlantas.example.go.id/"})
    assert without.status_code == 400 and "Pilih klien masuk tunggal" in without.text
    created = client.post(
        url, form | {"portal_url": "https://sim.korlantas.example.go.id/", "sign_in_client": portal.pk}
    )
    assert created.status_code == 200
    system = ExternalSystem.objects.get(mode="handed_over")
    assert system.sign_in_client == portal and system.webhook is None
    sim = Service.objects.get(region_id="64.72", template__slug="perpanjangan-sim")
    client.post(reverse("applications:connector_service", args=[system.pk]), {"service": sim.pk})
    sim.refresh_from_db()
    assert sim.mode == "application"
    page = client.get(reverse("portal:service", args=[sim.pk]))
    assert "https://sim.korlantas.example.go.id/" in page.text and "Ajukan di" in page.text
