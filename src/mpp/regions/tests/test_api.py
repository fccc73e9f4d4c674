import pytest

from mpp.regions.reference import PILOT_REGION_CODES

pytestmark = pytest.mark.django_db


def test_pilot_filter_returns_the_21_pilot_regions_with_their_codes(client):
    body = client.get("/api/v1/regions", {"pilot": "true", "page_size": 100}).json()
    assert body["count"] == 21
    assert {r["code"] for r in body["items"]} == PILOT_REGION_CODES
    samarinda = next(r for r in body["items"] if r["code"] == "64.72")
    assert samarinda == {
        "code": "64.72",
        "name": "Kota Samarinda",
        "level": 2,
        "kind": "kota",
        "parent_code": "64",
        "postal_code": "",
        "time_zone": "Asia/Makassar",
        "is_pilot": True,
    }


def test_level_parent_and_name_filters_combine(client):
    body = client.get("/api/v1/regions", {"level": 3, "parent": "64.72", "q": "samarinda"}).json()
    assert body["count"] >= 5
    assert all(r["parent_code"] == "64.72" and r["level"] == 3 for r in body["items"])
    assert all("samarinda" in r["name"].lower() for r in body["items"])


def test_provinces_are_listed_in_code_order(client):
    body = client.get("/api/v1/regions", {"level": 1, "page_size": 50}).json()
    assert body["count"] == 38
    codes = [r["code"] for r in body["items"]]
    assert codes == sorted(codes)


def test_oversized_page_sizes_are_capped(client, settings):
    body = client.get("/api/v1/regions", {"level": 4, "page_size": 100000}).json()
    assert len(body["items"]) == settings.API_MAX_PAGE_SIZE
    assert body["count"] > 83000


def test_a_page_past_the_end_is_empty_not_an_error(client):
    response = client.get("/api/v1/regions", {"level": 1, "page": 99999})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"level": "five"}, "level"),
        ({"level": 7}, "level"),
        ({"pilot": "maybe"}, "pilot"),
        ({"parent": "64-72"}, "parent"),
        ({"q": "a\x00b"}, "q"),
        ({"page": 0}, "page"),
        ({"page_size": -1}, "page_size"),
    ],
)
def test_malformed_query_parameters_are_422_naming_the_parameter(client, params, name):
    response = client.get("/api/v1/regions", params)
    assert response.status_code == 422
    body = response.json()
    assert name in body["message"]
    assert any(name in error["loc"] for error in body["detail"])


def test_one_region_comes_with_its_ancestors(client):
    body = client.get("/api/v1/regions/64.72.01.1001").json()
    assert body["level"] == 4
    assert [a["code"] for a in body["ancestors"]] == ["64", "64.72", "64.72.01"]


@pytest.mark.parametrize("code", ["99.99", "64.72.99", "nonsense", "6472"])
def test_unknown_region_code_is_404_json_with_a_message(client, code):
    response = client.get(f"/api/v1/regions/{code}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "tidak ditemukan" in response.json()["detail"]


def test_the_openapi_schema_describes_the_catalog(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/regions/{code}/services",
        "/api/v1/services/{service_id}",
    } <= set(schema["paths"])
    assert client.get("/api/v1/docs").status_code == 200
