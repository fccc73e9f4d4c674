import uuid

import pytest

from mpp.catalog.models import Service, ServiceLevel
from mpp.catalog.standard import COMPONENTS

pytestmark = pytest.mark.django_db


def test_region_services_lists_the_catalog_of_samarinda(client):
    body = client.get("/api/v1/regions/64.72/services", {"page_size": 100}).json()
    # The kabupaten/kota's own services; its villages' letters are on each village's page.
    active = Service.objects.filter(region_id="64.72", is_active=True)
    assert body["count"] == active.filter(template__level=ServiceLevel.REGION).count() >= 9
    slugs = {s["slug"] for s in body["items"]}
    assert {"akta-kelahiran", "kartu-keluarga", "sip-tenaga-kesehatan", "skck"} <= slugs
    letters = set(active.filter(template__level=ServiceLevel.VILLAGE).values_list("template__slug", flat=True))
    assert letters and not slugs & letters
    birth = next(s for s in body["items"] if s["slug"] == "akta-kelahiran")
    assert birth["mode"] == "application"
    assert birth["fee"] == 0
    assert birth["once_only"]["held_by_state"] >= 1


def test_a_village_is_served_by_its_regency_catalog(client):
    village = client.get("/api/v1/regions/64.72.01.1001/services").json()
    regency = client.get("/api/v1/regions/64.72/services").json()
    assert village == regency


def test_a_region_without_an_mpp_has_an_empty_catalog(client):
    body = client.get("/api/v1/regions/32.76/services").json()  # Kota Depok: not onboarded
    assert body == {"items": [], "count": 0}


@pytest.mark.parametrize("code", ["99.99", "64", "abc"])
def test_services_of_an_unknown_region_or_a_province_is_404(client, code):
    response = client.get(f"/api/v1/regions/{code}/services")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_one_service_carries_all_14_standard_components(client):
    service = Service.objects.filter(region_id="64.72", template__slug="akta-kelahiran").get()
    body = client.get(f"/api/v1/services/{service.id}").json()
    assert [c["key"] for c in body["components"]] == [key for key, _ in COMPONENTS]
    assert all(c["value"] not in (None, "", []) for c in body["components"])
    assert body["region_code"] == "64.72"
    assert body["standard"]["requirements"]


def test_unknown_service_is_404_and_a_malformed_id_is_422(client):
    assert client.get(f"/api/v1/services/{uuid.uuid4()}").status_code == 404
    response = client.get("/api/v1/services/not-a-uuid")
    assert response.status_code == 422
    assert "service_id" in response.json()["message"]


def test_an_inactive_service_is_not_public(client):
    service = Service.objects.filter(region_id="64.72").first()
    Service.objects.filter(pk=service.pk).update(is_active=False)
    assert client.get(f"/api/v1/services/{service.id}").status_code == 404
    listed = client.get("/api/v1/regions/64.72/services", {"page_size": 100}).json()["items"]
    assert str(service.id) not in {s["id"] for s in listed}
