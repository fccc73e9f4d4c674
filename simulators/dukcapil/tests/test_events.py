"""Civil-registration events: births, deaths, moves and marriages written by an institution
with the "events" agreement, once per idempotency key, recorded in the events table and the
access log.

The writes change the population, so this module runs its own server on a copy of the
session's seeded database: the other modules keep reading the population as seeded.
"""

from __future__ import annotations

import json
import random
import sqlite3
import string
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from lokal.nik import parse_nik

from simulators.dukcapil import store
from simulators.dukcapil.institutions import WIB, parse_fields, save_institution
from simulators.dukcapil.testing import running_simulator

from .conftest import ADMIN_TOKEN, LIMITED_KEY, Registry

SMALL_QUOTA_KEY = "test-key-events-small-quota-0123456789"
OTHER_WRITER_KEY = "test-key-another-registrar-0123456789"
SITI, BUDI, SITI_KK = "6472035204900001", "6472030309870001", "6472031803200001"
SRI, JOKO, JOKO_KK = "3372015506820001", "3372013001790001", "3372011204050001"
DEWI, DEWI_KK = "6472054211950001", "6472050706210001"
EVENT_PATHS = ("/api/v1/events/births", "/api/v1/events/deaths", "/api/v1/events/moves", "/api/v1/events/marriages")
# Kelurahan Sidodadi, Samarinda Ulu (64.72.03), and Kelurahan Sempaja Selatan, Samarinda Utara (64.72.05).
SIDODADI, SEMPAJA_SELATAN = "64.72.03.1005", "64.72.05.1002"


@pytest.fixture(scope="module")
def registry(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """A server of its own on a copy of the seeded database, with two more writing institutions."""
    db = tmp_path_factory.mktemp("dukcapil-events") / "registry.sqlite3"
    source, copy = sqlite3.connect(seeded_db), sqlite3.connect(db)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    conn = store.connect(db)
    try:
        save_institution(
            conn, name="Small Quota Writer", fields=parse_fields("all"), daily_quota=2, key=SMALL_QUOTA_KEY
        )
        save_institution(
            conn, name="Disdukcapil Lain", fields=parse_fields("all"), daily_quota=100_000, key=OTHER_WRITER_KEY
        )
    finally:
        conn.close()
    with running_simulator(db, workers=2, admin_token=ADMIN_TOKEN) as sim:
        yield Registry(url=sim.url, db=db)


@pytest.fixture
def api(registry: Registry) -> Iterator[httpx.Client]:
    with registry.client(**{"X-Purpose": "pencatatan%20sipil", "X-Actor": "officer:rina"}) as client:
        yield client


def post(client: httpx.Client, path: str, body: object, key: str | None = None) -> httpx.Response:
    """A write with a fresh idempotency key unless one is given."""
    return client.post(path, json=body, headers={"Idempotency-Key": key or str(uuid.uuid4())})


def today() -> date:
    return datetime.now(WIB).date()


def days_ago(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


def birth(**changes: object) -> dict[str, object]:
    """A birth to Siti and Budi with a child's name no one has."""
    name = "PUTRI " + "".join(random.choices(string.ascii_uppercase, k=10))
    body: dict[str, object] = {
        "mother_nik": SITI,
        "father_nik": BUDI,
        "kk_number": SITI_KK,
        "child": {"name": name, "sex": "PEREMPUAN", "birth_place": "Samarinda", "birth_date": days_ago(10)},
    }
    child_changes = changes.pop("child", {})
    body.update(changes)
    body["child"] = {**body["child"], **child_changes}  # type: ignore[dict-item]
    return body


def person(registry: Registry, nik: str) -> sqlite3.Row:
    return registry.query("SELECT * FROM persons WHERE nik = ?", (nik,))[0]


def find_couple(registry: Registry) -> tuple[sqlite3.Row, sqlite3.Row]:
    """A living married head and wife on one card of a generated family (a couple that a death,
    a move or a marriage of another test changed is not found again)."""
    rows = registry.query(
        "SELECT h.nik AS husband, w.nik AS wife FROM persons h JOIN persons w ON w.kk_number = h.kk_number"
        " WHERE h.relationship = 'KEPALA KELUARGA' AND w.relationship = 'ISTRI' AND h.is_deceased = 0"
        " AND w.is_deceased = 0 AND h.marital_status = 'KAWIN' AND w.marital_status = 'KAWIN'"
        " AND h.kk_number NOT IN (?, ?, ?) ORDER BY random() LIMIT 1",
        (SITI_KK, JOKO_KK, DEWI_KK),
    )[0]
    return person(registry, rows["husband"]), person(registry, rows["wife"])


def find_single(registry: Registry, sex: str) -> sqlite3.Row:
    """A living adult of that sex who never married, from a generated family."""
    return registry.query(
        "SELECT * FROM persons WHERE sex = ? AND marital_status = 'BELUM KAWIN' AND is_deceased = 0"
        " AND birth_date < '2000-01-01' AND kk_number NOT IN (?, ?, ?) ORDER BY random() LIMIT 1",
        (sex, SITI_KK, JOKO_KK, DEWI_KK),
    )[0]


# --- births --------------------------------------------------------------------------


def test_a_birth_registers_the_child_with_a_new_nik_on_a_new_edition_of_the_kk(api, registry):
    body = birth()
    response = post(api, "/api/v1/events/births", body)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert set(answer) == {"event_id", "nik", "kk_number", "kk_issued_on", "person"}
    assert answer["kk_number"] == SITI_KK and answer["kk_issued_on"] == today().isoformat()
    child = answer["person"]
    assert child["nik"] == answer["nik"]
    assert {k: child[k] for k in ("name", "sex", "birth_place", "birth_date", "kk_number")} == {
        "name": body["child"]["name"],  # type: ignore[index]
        "sex": "PEREMPUAN",
        "birth_place": "SAMARINDA",
        "birth_date": days_ago(10),
        "kk_number": SITI_KK,
    }
    assert {k: child[k] for k in ("relationship", "father_name", "mother_name", "religion", "nationality")} == {
        "relationship": "ANAK",
        "father_name": "BUDI SANTOSO",
        "mother_name": "SITI RAHMAWATI",
        "religion": "ISLAM",
        "nationality": "WNI",
    }
    assert (child["marital_status"], child["occupation"], child["blood_type"]) == (
        "BELUM KAWIN",
        "BELUM/TIDAK BEKERJA",
        "TIDAK TAHU",
    )
    assert child["is_deceased"] is False and child["death_date"] is None
    assert child["address"]["village_code"] == "64.72.03.1004"

    assert api.get(f"/api/v1/persons/{answer['nik']}").json() == child
    family = api.get(f"/api/v1/families/{SITI_KK}").json()
    assert family["kk_number"] == SITI_KK, "a new edition keeps the number"
    assert family["issued_on"] == today().isoformat()
    assert family["members"][-1]["nik"] == answer["nik"]
    assert family["members"][-1]["relationship"] == "ANAK"
    assert person(registry, answer["nik"])["family_order"] == len(family["members"])


@pytest.mark.parametrize(("sex", "day_offset"), [("PEREMPUAN", 40), ("LAKI-LAKI", 0)])
def test_the_childs_nik_is_the_family_kecamatan_the_birth_date_and_a_free_serial(api, sex, day_offset):
    born = today() - timedelta(days=3)
    response = post(api, "/api/v1/events/births", birth(child={"sex": sex, "birth_date": born.isoformat()}))
    assert response.status_code == 201, response.text
    nik = response.json()["nik"]
    assert nik[:6] == "647203", "Samarinda Ulu, the kecamatan of the family's kelurahan"
    assert nik[6:12] == f"{born.day + day_offset:02d}{born:%m%y}"
    assert nik[12:].isdigit() and nik[12:] != "0000"
    parsed = parse_nik(nik, reference_date=today())
    assert parsed.valid, parsed.errors
    assert parsed.gender == ("P" if sex == "PEREMPUAN" else "L") and parsed.birth_date == born.isoformat()


def test_twins_get_consecutive_serials(api):
    born = days_ago(20)
    first = post(api, "/api/v1/events/births", birth(child={"sex": "LAKI-LAKI", "birth_date": born}))
    second = post(api, "/api/v1/events/births", birth(child={"sex": "LAKI-LAKI", "birth_date": born}))
    assert first.status_code == second.status_code == 201
    first_nik, second_nik = first.json()["nik"], second.json()["nik"]
    assert first_nik[:12] == second_nik[:12] and int(second_nik[12:]) == int(first_nik[12:]) + 1


def test_a_child_without_a_registered_father_has_no_fathers_name(api):
    response = post(api, "/api/v1/events/births", birth(father_nik=None))
    assert response.status_code == 201
    assert response.json()["person"]["father_name"] == ""
    del_father = birth()
    del del_father["father_nik"]
    assert post(api, "/api/v1/events/births", del_father).status_code == 201


def test_the_same_child_cannot_be_registered_twice(api):
    body = birth()
    assert post(api, "/api/v1/events/births", body).status_code == 201
    again = post(
        api, "/api/v1/events/births", {**body, "child": {**body["child"], "name": body["child"]["name"].lower()}}
    )
    assert again.status_code == 409 and again.json()["error"] == "duplicate_birth"
    seeded_child = birth(child={"name": "AHMAD FAUZI SANTOSO", "sex": "LAKI-LAKI", "birth_date": "2016-07-21"})
    refused = post(api, "/api/v1/events/births", seeded_child)
    assert refused.status_code == 409 and "6472032107160001" in refused.json()["message"]


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"mother_nik": "6472035204909999"}, "mother_nik", "no person with this NIK"),
        ({"mother_nik": SRI}, "mother_nik", "not on this family card"),
        ({"mother_nik": BUDI, "father_nik": None}, "mother_nik", "registered as LAKI-LAKI"),
        ({"father_nik": "6472030309879999"}, "father_nik", "no person with this NIK"),
        ({"father_nik": SITI}, "father_nik", "registered as PEREMPUAN"),
        ({"kk_number": "6472031803209999"}, "kk_number", "no family card with this number"),
        ({"mother_nik": "64720352049"}, "mother_nik", "a string of 16 digits"),
        ({"child": {"birth_date": "1989-01-01"}}, "child.birth_date", "not after the mother's own birth date"),
        ({"child": {"birth_date": "2099-01-01"}}, "child.birth_date", "in the future"),
        ({"child": {"birth_date": "2025-02-30"}}, "child.birth_date", "a date YYYY-MM-DD"),
        ({"child": {"sex": "P"}}, "child.sex", '"LAKI-LAKI" or "PEREMPUAN"'),
        ({"child": {"name": "  "}}, "child.name", "letters"),
        ({"child": {"name": "R2D2"}}, "child.name", "letters"),
        ({"child": {"weight_grams": 3100}}, "child.weight_grams", "unknown field"),
        ({"child": None}, "child", "required"),
        ({"hospital": "RSUD"}, "hospital", "unknown field"),
    ],
)
def test_a_birth_the_registry_cannot_accept_is_422_naming_the_field(api, registry, changes, field, problem):
    persons_before = registry.query("SELECT count(*) AS n FROM persons")[0]["n"]
    body = birth(**{k: v for k, v in changes.items() if k != "child"})
    if "child" in changes:
        body["child"] = None if changes["child"] is None else {**body["child"], **changes["child"]}
    response = post(api, "/api/v1/events/births", body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_event"
    assert problem in response.json()["errors"][field]
    assert registry.query("SELECT count(*) AS n FROM persons")[0]["n"] == persons_before


def test_a_deceased_mother_cannot_register_a_birth(api, registry):
    husband, wife = find_couple(registry)
    assert (
        post(
            api, "/api/v1/events/deaths", {"nik": wife["nik"], "death_date": days_ago(1), "death_place": "X"}
        ).status_code
        == 200
    )
    body = birth(mother_nik=wife["nik"], father_nik=husband["nik"], kk_number=wife["kk_number"])
    response = post(api, "/api/v1/events/births", body)
    assert response.status_code == 422 and "deceased" in response.json()["errors"]["mother_nik"]


# --- what every write shares -----------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_answer_without_a_second_change(api, registry):
    key, body = str(uuid.uuid4()), birth()
    first = post(api, "/api/v1/events/births", body, key=key)
    # The same request as the registry reads it: other key order, spacing and letter case.
    reordered = dict(reversed(list(body.items())))
    reordered["child"] = {**body["child"], "name": f"  {body['child']['name'].lower()} "}
    replayed = post(api, "/api/v1/events/births", reordered, key=key)
    assert first.status_code == replayed.status_code == 201
    assert replayed.json() == first.json()
    assert replayed.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert len(registry.query("SELECT 1 FROM persons WHERE name = ?", (body["child"]["name"],))) == 1
    assert len(registry.query("SELECT 1 FROM events WHERE idempotency_key = ?", (key,))) == 1


def test_the_same_key_with_another_body_is_a_conflict(api, registry):
    key = str(uuid.uuid4())
    assert post(api, "/api/v1/events/births", birth(), key=key).status_code == 201
    other = birth()
    conflict = post(api, "/api/v1/events/births", other, key=key)
    assert conflict.status_code == 409 and conflict.json()["error"] == "idempotency_conflict"
    on_another_endpoint = post(
        api, "/api/v1/events/deaths", {"nik": BUDI, "death_date": days_ago(1), "death_place": "X"}, key=key
    )
    assert on_another_endpoint.status_code == 409
    assert registry.query("SELECT 1 FROM persons WHERE name = ?", (other["child"]["name"],)) == []
    assert person(registry, BUDI)["is_deceased"] == 0


def test_keys_are_per_institution(api, registry):
    key = str(uuid.uuid4())
    assert post(api, "/api/v1/events/births", birth(), key=key).status_code == 201
    with registry.client(OTHER_WRITER_KEY) as other:
        response = post(other, "/api/v1/events/births", birth(), key=key)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers


def test_a_refused_write_leaves_its_key_unused(api):
    key = str(uuid.uuid4())
    refused = post(api, "/api/v1/events/births", birth(kk_number="6472031803209999"), key=key)
    assert refused.status_code == 422
    assert post(api, "/api/v1/events/births", birth(), key=key).status_code == 201


def test_simultaneous_retries_with_one_key_change_the_registry_once(registry):
    key, body = str(uuid.uuid4()), birth()

    def send(_: int) -> httpx.Response:
        with registry.client() as client:
            return post(client, "/api/v1/events/births", body, key=key)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(send, range(6)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["nik"] for r in responses}) == 1
    assert sum("Idempotent-Replayed" in r.headers for r in responses) == 5
    assert len(registry.query("SELECT 1 FROM persons WHERE name = ?", (body["child"]["name"],))) == 1


@pytest.mark.parametrize("path", EVENT_PATHS)
def test_an_institution_without_the_events_agreement_gets_403_on_every_write(registry, path):
    with registry.client(LIMITED_KEY) as limited:
        response = post(limited, path, birth())
    assert response.status_code == 403 and response.json()["error"] == "forbidden"


@pytest.mark.parametrize("path", EVENT_PATHS)
def test_a_write_without_an_idempotency_key_is_400(api, path):
    response = api.post(path, json=birth())
    assert response.status_code == 400 and response.json()["error"] == "missing_idempotency_key"
    too_long = api.post(path, json=birth(), headers={"Idempotency-Key": "k" * 201})
    assert too_long.status_code == 400 and too_long.json()["error"] == "invalid_idempotency_key"


@pytest.mark.parametrize("path", EVENT_PATHS)
@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"null", b"[" * 60_000])
def test_a_body_that_is_not_a_json_object_is_422(api, path, content):
    response = api.post(
        path, content=content, headers={"Idempotency-Key": str(uuid.uuid4()), "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_body" and "body" in response.json()["errors"]


def test_a_body_over_64_kib_is_413(api):
    response = post(api, "/api/v1/events/deaths", {"nik": DEWI, "death_date": days_ago(1), "death_place": "X" * 70_000})
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"


@pytest.mark.parametrize("path", EVENT_PATHS)
def test_an_empty_object_is_422_listing_the_required_fields(api, path):
    response = post(api, path, {})
    assert response.status_code == 422 and response.json()["error"] == "invalid_event"
    assert len(response.json()["errors"]) >= 2


def test_a_write_is_logged_and_recorded_as_an_event(api, registry):
    purpose = f"akta-kelahiran-{uuid.uuid4()}"
    key, body = str(uuid.uuid4()), birth()
    response = api.post(
        "/api/v1/events/births",
        json=body,
        headers={"Idempotency-Key": key, "X-Purpose": purpose, "X-Actor": "officer:rina%20w"},
    )
    answer = response.json()
    logged = registry.query(
        "SELECT a.*, i.name AS institution FROM access_log a JOIN institutions i ON i.id = a.institution_id"
        " WHERE purpose = ?",
        (purpose,),
    )
    assert [(r["method"], r["endpoint"], r["nik"], r["kk_number"], r["status"]) for r in logged] == [
        ("POST", "/api/v1/events/births", answer["nik"], SITI_KK, 201)
    ]
    assert (logged[0]["institution"], logged[0]["actor"]) == ("MPP Digital", "officer:rina w")
    event = registry.query(
        "SELECT e.*, i.name AS institution FROM events e JOIN institutions i ON i.id = e.institution_id"
        " WHERE event_id = ?",
        (answer["event_id"],),
    )[0]
    assert (event["kind"], event["institution"], event["idempotency_key"]) == ("birth", "MPP Digital", key)
    assert json.loads(event["request"]) == body and json.loads(event["result"]) == answer
    assert (event["actor"], event["purpose"]) == ("officer:rina w", purpose)
    assert event["created_at"].endswith("+07:00")
    stored = registry.query("SELECT * FROM idempotency_keys WHERE idempotency_key = ?", (key,))[0]
    assert (stored["status"], json.loads(stored["answer"]), stored["event_id"]) == (201, answer, answer["event_id"])


def test_a_refused_write_is_logged_but_no_event(api, registry):
    purpose = f"probe-{uuid.uuid4()}"
    response = api.post(
        "/api/v1/events/deaths",
        json={"nik": "6472035204909999", "death_date": days_ago(1), "death_place": "SAMARINDA"},
        headers={"Idempotency-Key": purpose, "X-Purpose": purpose},
    )
    assert response.status_code == 422
    logged = registry.query("SELECT nik, status FROM access_log WHERE purpose = ?", (purpose,))
    assert [(r["nik"], r["status"]) for r in logged] == [("6472035204909999", 422)]
    assert registry.query("SELECT 1 FROM events WHERE idempotency_key = ?", (purpose,)) == []


def test_an_event_is_read_back_by_the_institution_that_wrote_it_only(api, registry):
    body = birth()
    answer = post(api, "/api/v1/events/births", body).json()
    response = api.get(f"/api/v1/events/{answer['event_id']}")
    assert response.status_code == 200
    event = response.json()
    assert (event["event_id"], event["kind"], event["request"], event["result"]) == (
        answer["event_id"],
        "birth",
        body,
        answer,
    )
    assert event["actor"] == "officer:rina" and event["purpose"] == "pencatatan sipil"
    with registry.client(OTHER_WRITER_KEY) as other:
        assert other.get(f"/api/v1/events/{answer['event_id']}").status_code == 404
    missing = api.get(f"/api/v1/events/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_faults_apply_to_writes_and_change_nothing(api, registry):
    key, body = str(uuid.uuid4()), birth()
    with registry.admin() as admin:
        admin.post("/_sim/faults", json={"error_rate": 1})
        try:
            failed = post(api, "/api/v1/events/births", body, key=key)
        finally:
            admin.delete("/_sim/faults")
    assert failed.status_code == 503 and failed.json()["error"] == "unavailable"
    assert registry.query("SELECT 1 FROM persons WHERE name = ?", (body["child"]["name"],)) == []
    retried = post(api, "/api/v1/events/births", body, key=key)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers


def test_writes_count_against_the_daily_quota(registry):
    with registry.client(SMALL_QUOTA_KEY) as small:
        key, body = str(uuid.uuid4()), birth()
        assert post(small, "/api/v1/events/births", body, key=key).status_code == 201
        assert post(small, "/api/v1/events/births", body, key=key).status_code == 201  # a replay is a call too
        refused = post(small, "/api/v1/events/births", birth())
    assert refused.status_code == 429 and refused.json()["error"] == "quota_exceeded"


# --- deaths --------------------------------------------------------------------------


def test_a_death_marks_the_person_deceased_and_widows_the_spouse(api, registry):
    husband, wife = find_couple(registry)
    died = days_ago(2)
    response = post(api, "/api/v1/events/deaths", {"nik": husband["nik"], "death_date": died, "death_place": "RSUD"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer == {"event_id": answer["event_id"], "nik": husband["nik"], "is_deceased": True, "death_date": died}
    shown = api.get(f"/api/v1/persons/{husband['nik']}").json()
    assert shown["is_deceased"] is True and shown["death_date"] == died
    assert api.get(f"/api/v1/persons/{wife['nik']}").json()["marital_status"] == "CERAI MATI"
    assert (
        json.loads(
            registry.query("SELECT request FROM events WHERE event_id = ?", (answer["event_id"],))[0]["request"]
        )["death_place"]
        == "RSUD"
    )

    again = post(api, "/api/v1/events/deaths", {"nik": husband["nik"], "death_date": died, "death_place": "RSUD"})
    assert again.status_code == 409 and again.json()["error"] == "already_deceased"


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        ({"nik": "6472035204909999"}, "nik", "no person with this NIK"),
        ({"death_date": "1980-01-01"}, "death_date", "before the person's birth date"),
        ({"death_date": "2999-01-01"}, "death_date", "in the future"),
        ({"death_date": "yesterday"}, "death_date", "a date YYYY-MM-DD"),
        ({"death_place": ""}, "death_place", "required"),
        ({"cause": "x"}, "cause", "unknown field"),
    ],
)
def test_a_death_the_registry_cannot_accept_is_422_naming_the_field(api, registry, body, field, problem):
    response = post(
        api, "/api/v1/events/deaths", {"nik": DEWI, "death_date": days_ago(1), "death_place": "SAMARINDA", **body}
    )
    assert response.status_code == 422 and response.json()["error"] == "invalid_event"
    assert problem in response.json()["errors"][field]
    assert person(registry, DEWI)["is_deceased"] == 0


# --- moves ---------------------------------------------------------------------------


def test_a_whole_family_moves_with_its_kk_number_on_a_new_edition(api, registry):
    husband, _ = find_couple(registry)
    kk_number = husband["kk_number"]
    to = {"village_code": SIDODADI, "street": "Jl. Pahlawan  No. 3", "rt": "7", "rw": "12"}
    response = post(api, "/api/v1/events/moves", {"kk_number": kk_number, "to": to})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["kk_number"], answer["kk_issued_on"]) == (kk_number, today().isoformat())
    family = api.get(f"/api/v1/families/{kk_number}").json()
    assert family["issued_on"] == today().isoformat()
    assert {k: family["address"][k] for k in ("village_code", "street", "rt", "rw", "district_name")} == {
        "village_code": SIDODADI,
        "street": "JL. PAHLAWAN NO. 3",
        "rt": "007",
        "rw": "012",
        "district_name": "Samarinda Ulu",
    }
    assert sorted(answer["niks"]) == sorted(m["nik"] for m in family["members"])
    assert api.get(f"/api/v1/persons/{husband['nik']}").json()["address"]["village_code"] == SIDODADI


def test_some_members_move_to_a_new_kk_and_the_old_card_gets_a_new_edition(api, registry):
    response = post(
        api,
        "/api/v1/events/moves",
        {
            "kk_number": JOKO_KK,
            "niks": ["3372011003040001"],  # Bagus, the grown son, moves to Samarinda Utara
            "to": {"village_code": SEMPAJA_SELATAN, "street": "JL. PM NOOR NO. 7", "rt": "021", "rw": "003"},
        },
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    new_kk = answer["kk_number"]
    assert new_kk != JOKO_KK and answer["niks"] == ["3372011003040001"]
    assert new_kk[:6] == "647205" and new_kk[6:12] == f"{today():%d%m%y}" and new_kk[12:] != "0000"
    assert answer["kk_issued_on"] == today().isoformat()

    moved = api.get(f"/api/v1/families/{new_kk}").json()
    assert [(m["nik"], m["relationship"]) for m in moved["members"]] == [("3372011003040001", "KEPALA KELUARGA")]
    assert moved["address"]["village_code"] == SEMPAJA_SELATAN
    stayed = api.get(f"/api/v1/families/{JOKO_KK}").json()
    assert [(m["nik"], m["relationship"]) for m in stayed["members"]] == [
        (JOKO, "KEPALA KELUARGA"),
        (SRI, "ISTRI"),
    ]
    assert stayed["issued_on"] == today().isoformat()
    assert api.get("/api/v1/persons/3372011003040001").json()["kk_number"] == new_kk


def test_when_the_wife_and_children_move_out_she_heads_the_new_card(api, registry):
    husband, wife = find_couple(registry)
    members = registry.query("SELECT * FROM persons WHERE kk_number = ? ORDER BY family_order", (husband["kk_number"],))
    movers = [m["nik"] for m in members if m["relationship"] != "KEPALA KELUARGA" and not m["is_deceased"]]
    response = post(
        api,
        "/api/v1/events/moves",
        {
            "kk_number": husband["kk_number"],
            "niks": movers,
            "to": {"village_code": SIDODADI, "street": "GG. MAWAR", "rt": "1", "rw": "1"},
        },
    )
    assert response.status_code == 200, response.text
    new_card = api.get(f"/api/v1/families/{response.json()['kk_number']}").json()["members"]
    assert (new_card[0]["nik"], new_card[0]["relationship"]) == (wife["nik"], "KEPALA KELUARGA")
    assert [
        m["family_order"]
        for m in registry.query(
            "SELECT family_order FROM persons WHERE kk_number = ? ORDER BY family_order",
            (response.json()["kk_number"],),
        )
    ] == list(range(1, len(movers) + 1))
    old_card = api.get(f"/api/v1/families/{husband['kk_number']}").json()["members"]
    assert old_card[0]["nik"] == husband["nik"] and wife["nik"] not in {m["nik"] for m in old_card}


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"kk_number": "6472031803209999"}, "kk_number", "no family card with this number"),
        ({"niks": ["6472035204909999"]}, "niks", "not on this family card"),
        ({"niks": []}, "niks", "non-empty list"),
        ({"niks": [SITI, SITI]}, "niks", "listed twice"),
        ({"to": {"village_code": "64.72.03.9999"}}, "to.village_code", "not a desa/kelurahan in the registry"),
        ({"to": {"village_code": "64.72.03"}}, "to.village_code", "desa/kelurahan"),
        ({"to": {"rt": "0"}}, "to.rt", "not zero"),
        ({"to": {"rw": 5}}, "to.rw", "digits as a string"),
        ({"to": {"street": ""}}, "to.street", "required"),
        ({"to": {"postal_code": "75124"}}, "to.postal_code", "unknown field"),
    ],
)
def test_a_move_the_registry_cannot_accept_is_422_naming_the_field(api, changes, field, problem):
    body: dict[str, object] = {
        "kk_number": DEWI_KK,
        "to": {"village_code": SIDODADI, "street": "JL. MERDEKA NO. 1", "rt": "001", "rw": "002"},
    }
    body.update({k: v for k, v in changes.items() if k != "to"})
    body["to"] = {**body["to"], **changes.get("to", {})}  # type: ignore[dict-item]
    response = post(api, "/api/v1/events/moves", body)
    assert response.status_code == 422 and response.json()["error"] == "invalid_event"
    assert problem in response.json()["errors"][field]
    assert api.get(f"/api/v1/families/{DEWI_KK}").json()["address"]["village_code"] == SEMPAJA_SELATAN


def test_a_deceased_member_cannot_move(api, registry):
    husband, wife = find_couple(registry)
    post(api, "/api/v1/events/deaths", {"nik": wife["nik"], "death_date": days_ago(5), "death_place": "RUMAH"})
    body = {
        "kk_number": husband["kk_number"],
        "niks": [wife["nik"]],
        "to": {"village_code": SIDODADI, "street": "X", "rt": "1", "rw": "1"},
    }
    response = post(api, "/api/v1/events/moves", body)
    assert response.status_code == 422 and "deceased" in response.json()["errors"]["niks"]


# --- marriages -----------------------------------------------------------------------


def test_a_marriage_makes_both_kawin_and_a_later_death_widows_the_survivor(api, registry):
    groom, bride = find_single(registry, "LAKI-LAKI"), find_single(registry, "PEREMPUAN")
    body = {"husband_nik": groom["nik"], "wife_nik": bride["nik"], "marriage_date": days_ago(30)}
    response = post(api, "/api/v1/events/marriages", body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert {k: answer[k] for k in ("husband_nik", "wife_nik", "marital_status")} == {
        "husband_nik": groom["nik"],
        "wife_nik": bride["nik"],
        "marital_status": "KAWIN",
    }
    assert api.get(f"/api/v1/persons/{groom['nik']}").json()["marital_status"] == "KAWIN"
    assert api.get(f"/api/v1/persons/{bride['nik']}").json()["marital_status"] == "KAWIN"

    other_bride = find_single(registry, "PEREMPUAN")
    again = post(api, "/api/v1/events/marriages", {**body, "wife_nik": other_bride["nik"]})
    assert again.status_code == 422 and again.json()["errors"] == {"husband_nik": "already KAWIN"}

    died = post(api, "/api/v1/events/deaths", {"nik": bride["nik"], "death_date": days_ago(1), "death_place": "X"})
    assert died.status_code == 200
    assert person(registry, groom["nik"])["marital_status"] == "CERAI MATI"


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"husband_nik": "6472030309879999"}, "husband_nik", "no person with this NIK"),
        ({"wife_nik": SITI}, "wife_nik", "already KAWIN"),
        ({"husband_nik": SITI}, "husband_nik", "registered as PEREMPUAN"),
        ({"wife_nik": "6472032107160001"}, "wife_nik", "registered as LAKI-LAKI"),
        ({"husband_nik": "6472032107160001"}, "husband_nik", "under 19"),
        ({"wife_nik": "3372011003040001", "husband_nik": "3372011003040001"}, "wife_nik", "the same person"),
        ({"marriage_date": "2999-12-31"}, "marriage_date", "in the future"),
        ({"witness": "x"}, "witness", "unknown field"),
    ],
)
def test_a_marriage_the_registry_cannot_accept_is_422_naming_the_field(api, registry, changes, field, problem):
    groom = find_single(registry, "LAKI-LAKI")
    response = post(
        api,
        "/api/v1/events/marriages",
        {"husband_nik": groom["nik"], "wife_nik": DEWI, "marriage_date": days_ago(1), **changes},
    )
    assert response.status_code == 422 and response.json()["error"] == "invalid_event"
    assert problem in response.json()["errors"][field]
    assert person(registry, DEWI)["marital_status"] == "BELUM KAWIN"


def test_a_deceased_person_cannot_marry(api, registry):
    groom, bride = find_single(registry, "LAKI-LAKI"), find_single(registry, "PEREMPUAN")
    post(api, "/api/v1/events/deaths", {"nik": bride["nik"], "death_date": days_ago(3), "death_place": "X"})
    response = post(
        api,
        "/api/v1/events/marriages",
        {"husband_nik": groom["nik"], "wife_nik": bride["nik"], "marriage_date": days_ago(1)},
    )
    assert response.status_code == 422 and "deceased" in response.json()["errors"]["wife_nik"]
