"""GET /api/v1/persons/<nik> and GET /api/v1/families/<kk_number> within the agreement."""

from __future__ import annotations

from simulators.dukcapil.records import PERSON_FIELDS

from .conftest import LIMITED_KEY

SITI = "6472035204900001"
SITI_KK = "6472031803200001"


def test_a_person_is_returned_with_every_agreed_field(api):
    response = api.get(f"/api/v1/persons/{SITI}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {*PERSON_FIELDS, "withheld"}
    assert body["withheld"] == []
    assert body["name"] == "SITI RAHMAWATI" and body["kk_number"] == SITI_KK
    assert body["is_deceased"] is False and body["death_date"] is None
    assert body["address"] == {
        "street": "JL. JUANDA GG. 5 NO. 12",
        "rt": "014",
        "rw": "005",
        "village_code": "64.72.03.1004",
        "village_name": "Air Putih",
        "district_code": "64.72.03",
        "district_name": "Samarinda Ulu",
        "regency_code": "64.72",
        "regency_name": "Kota Samarinda",
        "province_code": "64",
        "province_name": "Kalimantan Timur",
        "postal_code": "75124",
    }


def test_fields_outside_the_agreement_are_left_out_and_listed(registry):
    with registry.client(LIMITED_KEY) as limited:
        body = limited.get(f"/api/v1/persons/{SITI}").json()
    assert {k for k in body if k != "withheld"} == {"nik", "name", "birth_date", "sex"}
    assert set(body["withheld"]) == set(PERSON_FIELDS) - {"nik", "name", "birth_date", "sex"}
    assert "address" not in body and "mother_name" not in body


def test_an_unknown_nik_is_404_and_a_malformed_one_422(api):
    missing = api.get("/api/v1/persons/6472035204909999")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    malformed = api.get("/api/v1/persons/64720352049")
    assert malformed.status_code == 422 and malformed.json()["error"] == "invalid_nik"


def test_a_deceased_person_says_so_with_the_date(api, registry):
    dead = registry.query("SELECT nik, death_date FROM persons WHERE is_deceased = 1 LIMIT 1")[0]
    body = api.get(f"/api/v1/persons/{dead['nik']}").json()
    assert body["is_deceased"] is True and body["death_date"] == dead["death_date"]


def test_a_family_lists_its_members_in_kk_order(api):
    response = api.get(f"/api/v1/families/{SITI_KK}")
    assert response.status_code == 200
    body = response.json()
    assert body["kk_number"] == SITI_KK
    assert body["address"]["village_name"] == "Air Putih"
    assert [(m["name"], m["relationship"], m["sex"], m["birth_date"]) for m in body["members"]] == [
        ("BUDI SANTOSO", "KEPALA KELUARGA", "LAKI-LAKI", "1987-09-03"),
        ("SITI RAHMAWATI", "ISTRI", "PEREMPUAN", "1990-04-12"),
        ("AHMAD FAUZI SANTOSO", "ANAK", "LAKI-LAKI", "2016-07-21"),
        ("NUR AISYAH SANTOSO", "ANAK", "PEREMPUAN", "2020-02-14"),
    ]
    assert body["members"][2]["nik"] == "6472032107160001"
    assert body["members"][2]["father_name"] == "BUDI SANTOSO"


def test_a_family_needs_family_in_the_agreement(registry):
    with registry.client(LIMITED_KEY) as limited:
        response = limited.get(f"/api/v1/families/{SITI_KK}")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_an_unknown_family_is_404_and_a_malformed_number_422(api):
    assert api.get("/api/v1/families/6472031803209999").status_code == 404
    assert api.get("/api/v1/families/abc").status_code == 422


def test_unknown_paths_and_methods_answer_json(api):
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong_method = api.delete(f"/api/v1/persons/{SITI}")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "method_not_allowed"
