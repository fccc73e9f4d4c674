"""Registering and ending practice places: idempotent by SIP number, refused for an STR that
is not valid or not the worker's, a doctor's limit of three, and what the worker view shows."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest

from simulators.sisdmk.demo_workers import BUDI_SANTOSO, JOKO_WIDODO_PRATAMA, SRI_WAHYUNI

from .conftest import fresh_worker, query

_serials = itertools.count(1)


def place(nik: str, str_number: str, **fields: object) -> dict[str, object]:
    return {
        "nik": nik,
        "str_number": str_number,
        "sip_number": f"503/T{next(_serials):04d}/SIP/64.72/2026",
        "facility": "RSUD Abdul Wahab Sjahranie",
        "facility_type": "rumah_sakit",
        "region_code": "64.72",
        "since": "2026-01-05",
        "valid_until": "2031-01-04",
        **fields,
    }


def test_a_new_place_is_201_and_shows_in_the_workers_places(sisdmk, api):
    worker = fresh_worker(sisdmk)
    body = place(worker["nik"], worker["number"])
    created = api.post("/v1/practice-places", json=body)
    assert created.status_code == 201
    assert created.json() == {
        "sip_number": body["sip_number"],
        "nik": worker["nik"],
        "str_number": worker["number"],
        "facility": "RSUD Abdul Wahab Sjahranie",
        "facility_type": "rumah_sakit",
        "region": {"code": "64.72", "name": "Kota Samarinda"},
        "since": "2026-01-05",
        "valid_until": "2031-01-04",
        "ended_on": None,
        "created": True,
    }
    places = api.get(f"/v1/health-workers/{worker['nik']}").json()["practice_places"]
    assert [p["sip_number"] for p in places] == [body["sip_number"]]


def test_the_same_registration_again_is_200_and_stores_nothing_new(sisdmk, api):
    worker = fresh_worker(sisdmk)
    body = place(worker["nik"], worker["number"], since=None, facility_type=None)
    first = api.post("/v1/practice-places", json=body)
    again = api.post("/v1/practice-places", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {**first.json(), "created": False}
    assert len(query(sisdmk.db, "SELECT 1 FROM practice_places WHERE nik = ?", (worker["nik"],))) == 1


def test_simultaneous_registrations_of_one_sip_store_one_place(sisdmk, api):
    worker = fresh_worker(sisdmk)
    body = place(worker["nik"], worker["number"])
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda _: api.post("/v1/practice-places", json=body).status_code, range(8)))
    assert statuses == [200] * 7 + [201]


def test_a_sip_number_used_for_another_place_is_409(sisdmk, api):
    worker = fresh_worker(sisdmk)
    body = place(worker["nik"], worker["number"])
    assert api.post("/v1/practice-places", json=body).status_code == 201
    reused = api.post("/v1/practice-places", json={**body, "facility": "Klinik Pratama Lain"})
    assert reused.status_code == 409 and reused.json()["error"] == "sip_number_reused"


def test_an_str_that_is_not_valid_is_409(api):
    for nik, number in ((SRI_WAHYUNI, "2233180690000004"), (BUDI_SANTOSO, "3164231090000005")):
        refused = api.post("/v1/practice-places", json=place(nik, number, valid_until="2023-01-01", since=None))
        assert refused.status_code == 409 and refused.json()["error"] == "str_not_valid"


def test_a_doctor_with_three_places_gets_no_fourth(api):
    refused = api.post("/v1/practice-places", json=place(JOKO_WIDODO_PRATAMA, "1133240290000002"))
    assert refused.status_code == 409 and refused.json()["error"] == "practice_limit_reached"


def test_ending_a_place_frees_a_doctors_slot_and_ending_again_changes_nothing(sisdmk, api):
    doctor = fresh_worker(sisdmk, "dokter", "dokter_gigi")
    bodies = [place(doctor["nik"], doctor["number"], facility=f"Klinik Pratama Nomor {n}") for n in range(4)]
    assert [api.post("/v1/practice-places", json=b).status_code for b in bodies] == [201, 201, 201, 409]
    sip = bodies[0]["sip_number"]
    ended = api.delete(f"/v1/practice-places/{sip}")
    assert ended.status_code == 200 and ended.json()["ended_on"] is not None
    assert api.delete(f"/v1/practice-places/{sip}").json() == ended.json()
    assert api.post("/v1/practice-places", json=bodies[3]).status_code == 201
    places = api.get(f"/v1/health-workers/{doctor['nik']}").json()["practice_places"]
    assert sip not in {p["sip_number"] for p in places} and len(places) == 3
    again = api.post("/v1/practice-places", json=bodies[0])
    assert again.status_code == 409 and again.json()["error"] == "practice_place_ended"


def test_a_sip_number_with_slashes_can_be_sent_percent_encoded(sisdmk, api):
    worker = fresh_worker(sisdmk)
    body = place(worker["nik"], worker["number"])
    api.post("/v1/practice-places", json=body)
    encoded = body["sip_number"].replace("/", "%2F")
    assert api.get(f"/v1/practice-places/{encoded}").json()["sip_number"] == body["sip_number"]


def test_ending_an_unknown_place_is_404(api):
    assert api.delete("/v1/practice-places/503/00000/NONE/64.72/2026").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nik": "123"}, "nik"),
        ({"nik": "6472054211950999"}, "nik"),
        ({"str_number": "2233180690000004"}, "str_number"),
        ({"sip_number": " "}, "sip_number"),
        ({"sip_number": 503}, "sip_number"),
        ({"facility": "RS"}, "facility"),
        ({"facility_type": "warung"}, "facility_type"),
        ({"region_code": "64.72.05"}, "region_code"),
        ({"region_code": "6472"}, "region_code"),
        ({"region_code": "99.99"}, "region_code"),
        ({"valid_until": "2031-02-30"}, "valid_until"),
        ({"valid_until": "2025-01-01"}, "valid_until"),
        ({"since": "kemarin"}, "since"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_bad_registration_is_422_naming_the_field(sisdmk, api, change, field):
    worker = fresh_worker(sisdmk)
    refused = api.post("/v1/practice-places", json={**place(worker["nik"], worker["number"]), **change})
    assert refused.status_code == 422
    assert refused.json()["error"] == "invalid_practice_place" and field in refused.json()["errors"]


def test_a_place_cannot_outlast_a_dated_str(sisdmk, api):
    (row,) = query(
        sisdmk.db,
        "SELECT r.nik, r.number, r.expires_on FROM registrations r WHERE r.state = 'aktif'"
        " AND r.expires_on > '2027-01-01' ORDER BY r.nik LIMIT 1",
    )
    refused = api.post("/v1/practice-places", json=place(row["nik"], row["number"], valid_until="2031-12-31"))
    assert refused.status_code == 422 and row["expires_on"] in refused.json()["errors"]["valid_until"]


def test_bodies_that_are_not_json_objects_are_refused(api):
    assert api.post("/v1/practice-places", content=b"{nope").status_code == 400
    assert api.post("/v1/practice-places", json=[1]).status_code == 422
