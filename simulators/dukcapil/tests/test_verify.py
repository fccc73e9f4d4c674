"""POST /api/v1/verify: element-by-element matching that never returns registry data."""

from __future__ import annotations

import pytest

from .conftest import LIMITED_KEY

SITI = "6472035204900001"


def _verify(api, nik, **elements):
    return api.post("/api/v1/verify", json={"nik": nik, "elements": elements})


def test_each_sent_element_is_answered_true_or_false(api):
    response = _verify(
        api,
        SITI,
        name="Siti Rahmawati",
        birth_date="1990-04-12",
        birth_place="Samarinda",
        mother_name="ROSNAWATI",
        kk_number="6472031803200001",
    )
    assert response.status_code == 200
    assert response.json() == {
        "nik": SITI,
        "matches": {
            "name": True,
            "birth_date": True,
            "birth_place": True,
            "mother_name": True,
            "kk_number": True,
        },
        "withheld": [],
    }


def test_only_the_sent_elements_are_answered_and_wrong_ones_are_false(api):
    body = _verify(api, SITI, birth_date="1990-04-13", mother_name="SITI AMINAH").json()
    assert body["matches"] == {"birth_date": False, "mother_name": False}
    assert "name" not in body["matches"] and "address" not in body


def test_names_match_ignoring_case_and_repeated_whitespace(api):
    assert _verify(api, SITI, name="  siti   RAHMAWATI ").json()["matches"] == {"name": True}
    assert _verify(api, SITI, name="Siti Rahmawat").json()["matches"] == {"name": False}
    assert _verify(api, SITI, name="SitiRahmawati").json()["matches"] == {"name": False}


def test_an_unknown_nik_gets_every_element_false_in_the_same_shape(api):
    response = _verify(api, "6472035204909999", name="Siti Rahmawati", birth_date="1990-04-12")
    assert response.status_code == 200
    assert response.json() == {
        "nik": "6472035204909999",
        "matches": {"name": False, "birth_date": False},
        "withheld": [],
    }


def test_a_deceased_persons_elements_match_and_say_deceased(api, registry):
    dead = registry.query("SELECT nik, name, birth_date FROM persons WHERE is_deceased = 1 LIMIT 1")[0]
    body = _verify(api, dead["nik"], name=dead["name"].lower(), birth_date=dead["birth_date"]).json()
    assert body["matches"] == {"name": True, "birth_date": True}
    assert body["deceased"] is True
    assert "deceased" not in _verify(api, SITI, name="Siti Rahmawati").json()


def test_elements_outside_the_agreement_are_withheld(registry):
    with registry.client(LIMITED_KEY) as limited:
        body = _verify(limited, SITI, name="Siti Rahmawati", mother_name="ROSNAWATI").json()
    assert body["matches"] == {"name": True}
    assert body["withheld"] == ["mother_name"]


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"nik": SITI},
        {"nik": SITI, "elements": {}},
        {"nik": SITI, "elements": {"shoe_size": "42"}},
        {"nik": SITI, "elements": {"name": 5}},
        {"nik": SITI, "elements": {"name": ""}},
        {"nik": SITI, "elements": {"name": "x" * 201}},
        {"nik": SITI, "elements": {"birth_date": "12-04-1990"}},
        {"nik": SITI, "elements": {"birth_date": "1990-02-30"}},
        {"nik": SITI, "elements": {"kk_number": "123"}},
        {"nik": "647203520490", "elements": {"name": "Siti"}},
        {"nik": 6472035204900001, "elements": {"name": "Siti"}},
        {"nik": "647203520490000١", "elements": {"name": "Siti"}},
    ],
)
def test_a_malformed_body_is_422_json(api, body):
    response = api.post("/api/v1/verify", json=body)
    assert response.status_code == 422
    assert set(response.json()) == {"error", "message"}


def test_a_body_that_is_not_json_is_422(api):
    response = api.post("/api/v1/verify", content=b"\xff{nik", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_body"
