"""Reading the registry over HTTP: the demo workers, STRs, workers linked to Dukcapil persons,
refusals without a key, and the access log."""

from __future__ import annotations

import httpx

from simulators.sisdmk.demo_workers import BUDI_SANTOSO, DEWI_LESTARI, JOKO_WIDODO_PRATAMA, SRI_WAHYUNI
from simulators.sisdmk.workforce import HEALTH_OCCUPATIONS

from .conftest import cli, query


def test_dewi_lestari_is_a_nurse_with_a_valid_lifelong_str_and_no_practice_place(api):
    worker = api.get(f"/v1/health-workers/{DEWI_LESTARI}").json()
    assert worker["name"] == "DEWI LESTARI"
    assert worker["profession"] == {"code": "perawat", "label": "Perawat"}
    (registration,) = worker["strs"]
    assert registration["number"] == "2164230990000001"
    assert registration["issuer"] == {"code": "KTKI", "name": "Konsil Tenaga Kesehatan Indonesia"}
    assert registration["expires_on"] is None and registration["lifelong"] is True
    assert registration["status"] == "aktif" and registration["is_valid"] is True
    assert worker["practice_places"] == []


def test_the_doctor_holds_three_practice_places_and_his_replaced_str_is_inactive(api):
    worker = api.get(f"/v1/health-workers/{JOKO_WIDODO_PRATAMA}").json()
    assert worker["profession"]["code"] == "dokter"
    current, replaced = worker["strs"]
    assert current["is_valid"] and current["issuer"]["code"] == "KKI"
    assert (replaced["status"], replaced["status_reason"]) == ("tidak aktif", "diganti")
    assert [p["sip_number"] for p in worker["practice_places"]] == [
        "503/90001/SIPD/33.72/2024",
        "503/90002/SIPD/33.72/2024",
        "503/90003/SIPD/33.72/2024",
    ]
    assert {p["str_number"] for p in worker["practice_places"]} == {current["number"]}
    assert worker["practice_places"][0]["region"] == {"code": "33.72", "name": "Kota Surakarta"}


def test_an_expired_str_is_not_valid_from_the_day_after_it_expires(api):
    (registration,) = api.get(f"/v1/health-workers/{SRI_WAHYUNI}").json()["strs"]
    assert registration["expires_on"] == "2023-06-14"
    assert registration["status"] == "tidak aktif" and registration["status_reason"] == "habis_masa_berlaku"
    assert registration["status_since"] == "2023-06-15" and registration["is_valid"] is False


def test_a_revoked_str_is_dicabut_and_the_practice_place_that_ended_with_it_is_not_listed(api):
    worker = api.get(f"/v1/health-workers/{BUDI_SANTOSO}").json()
    (registration,) = worker["strs"]
    assert (registration["status"], registration["status_since"], registration["is_valid"]) == (
        "dicabut",
        "2025-08-20",
        False,
    )
    assert worker["practice_places"] == []
    ended = api.get("/v1/practice-places/503/90004/SIPA/64.72/2023").json()
    assert ended["ended_on"] == "2025-08-20" and ended["nik"] == BUDI_SANTOSO


def test_one_str_by_number_names_its_holder(api):
    registration = api.get("/v1/str/2233180690000004").json()
    assert (registration["nik"], registration["name"]) == (SRI_WAHYUNI, "SRI WAHYUNI")
    assert registration["profession"] == {"code": "bidan", "label": "Bidan"}


def test_unknown_numbers_are_404_and_a_malformed_nik_is_422(api):
    assert api.get("/v1/health-workers/6472054211950999").status_code == 404
    assert api.get("/v1/health-workers/6472054211950999").json()["error"] == "not_found"
    assert api.get("/v1/str/0000000000000000").status_code == 404
    assert api.get("/v1/practice-places/503/99999/SIPD/64.72/2020").status_code == 404
    assert api.get("/v1/health-workers/64720542119").json()["error"] == "invalid_nik"


def test_generated_workers_are_persons_of_the_population_with_a_consistent_profession(sisdmk):
    workers = query(sisdmk.db, "SELECT nik, name, birth_date, profession FROM workers")
    persons = {
        row["nik"]: row
        for row in query(sisdmk.dukcapil_db, "SELECT nik, name, birth_date, occupation, is_deceased FROM persons")
    }
    assert len(workers) == 300
    for worker in workers:
        person = persons[worker["nik"]]
        assert (person["name"], person["birth_date"], person["is_deceased"]) == (
            worker["name"],
            worker["birth_date"],
            0,
        )
        if person["occupation"] in HEALTH_OCCUPATIONS:
            expected = HEALTH_OCCUPATIONS[person["occupation"]]
            assert worker["profession"] == expected or (expected, worker["profession"]) == ("dokter", "dokter_gigi")
    assert {w["profession"] for w in workers} == {"dokter", "dokter_gigi", "perawat", "bidan", "apoteker"}


def test_every_kind_of_str_is_present_to_test_with(sisdmk, api):
    rows = query(sisdmk.db, "SELECT state, expires_on IS NULL AS lifelong, count(*) FROM registrations GROUP BY 1, 2")
    kinds = {(row[0], row[1]) for row in rows}
    assert {("aktif", 1), ("aktif", 0), ("dicabut", 1), ("ditangguhkan", 1), ("diganti", 0)} <= kinds
    (suspended,) = query(sisdmk.db, "SELECT number FROM registrations WHERE state = 'ditangguhkan' LIMIT 1")
    answer = api.get(f"/v1/str/{suspended['number']}").json()
    assert (answer["status"], answer["status_reason"]) == ("tidak aktif", "ditangguhkan")


def test_no_key_or_a_wrong_key_is_401(sisdmk):
    assert httpx.get(f"{sisdmk.url}/v1/health-workers/{DEWI_LESTARI}").status_code == 401
    wrong = httpx.get(f"{sisdmk.url}/v1/str/2164230990000001", headers={"Authorization": "Bearer not-a-key"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "unauthorized"
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    assert httpx.get(f"{sisdmk.url}/healthz").json() == {"status": "ok"}


def test_every_call_is_logged_with_who_asked_and_why(sisdmk, api):
    api.get(f"/v1/health-workers/{SRI_WAHYUNI}", headers={"X-Actor": "Petugas%20loket", "X-Purpose": "SIP%20bidan"})
    httpx.get(f"{sisdmk.url}/v1/health-workers/{SRI_WAHYUNI}")
    log = cli("access-log", "--db", str(sisdmk.db), "--nik", SRI_WAHYUNI, "--limit", "2").stdout.splitlines()
    assert "401" in log[0] and "-  purpose=-" in log[0]
    assert "200" in log[1] and "MPP Digital  purpose=SIP bidan  actor=Petugas loket" in log[1]
