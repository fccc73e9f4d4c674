"""The synthetic population: NIK and KK structure, families, ages, addresses, demo persons."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from lokal import wilayah
from lokal.nik import parse_nik

from simulators.dukcapil import population, store
from simulators.dukcapil.demo_persons import DEMO_FAMILIES, demo_people
from simulators.dukcapil.regions import PILOT_REGENCY_CODES, pilot_villages

from .conftest import PERSONS, REPO, SEED, cli

REFERENCE = population.REFERENCE_DATE


@pytest.fixture(scope="module")
def rows(seeded_db: Path) -> list[dict[str, object]]:
    conn = store.connect(seeded_db)
    try:
        return [
            dict(r)
            for r in conn.execute(
                "SELECT p.*, f.village_code, f.rt, f.rw, f.street, f.issued_on FROM persons p"
                " JOIN families f USING (kk_number) ORDER BY p.kk_number, p.family_order"
            )
        ]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def families(rows: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        grouped[str(row["kk_number"])].append(row)
    return grouped


def _age(row: dict[str, object]) -> float:
    return (REFERENCE - date.fromisoformat(str(row["birth_date"]))).days / 365.2425


def test_seed_loads_exactly_the_requested_number_of_persons(rows):
    assert len(rows) == PERSONS


def test_every_nik_encodes_a_pilot_kecamatan_the_birth_date_and_sex(rows):
    kecamatan = {v.nik_prefix for v in pilot_villages()}
    for row in rows:
        nik, born = str(row["nik"]), date.fromisoformat(str(row["birth_date"]))
        assert len(nik) == 16 and nik.isdigit()
        assert nik[:6] in kecamatan
        day = born.day + (40 if row["sex"] == "PEREMPUAN" else 0)
        assert nik[6:12] == f"{day:02d}{born.month:02d}{born.year % 100:02d}", row
        assert nik[12:] != "0000"
        assert born <= REFERENCE
        # An independent reading of the structure (lokal-id's NIK parser).
        parsed = parse_nik(nik, reference_date=REFERENCE)
        assert parsed.valid, (nik, parsed.errors)
        assert parsed.gender == ("P" if row["sex"] == "PEREMPUAN" else "L")
        assert parsed.birth_date == born.isoformat()


def test_niks_and_kk_numbers_are_unique(rows, families):
    assert len({r["nik"] for r in rows}) == len(rows)
    kk_numbers = list(families)
    assert len(set(kk_numbers)) == len(kk_numbers)


def test_kk_number_starts_with_the_family_kecamatan_and_issue_date(families):
    for kk_number, members in families.items():
        head = members[0]
        issued = date.fromisoformat(str(head["issued_on"]))
        assert kk_number[:6] == str(head["village_code"])[:8].replace(".", "")
        assert kk_number[6:12] == issued.strftime("%d%m%y")
        # A KK is reissued when a child is born, so it is never older than its youngest member.
        assert issued >= max(date.fromisoformat(str(m["birth_date"])) for m in members)


def test_every_family_has_one_head_first_and_at_most_one_spouse(families):
    for members in families.values():
        relationships = [m["relationship"] for m in members]
        assert relationships[0] == "KEPALA KELUARGA"
        assert relationships.count("KEPALA KELUARGA") == 1
        assert relationships.count("ISTRI") + relationships.count("SUAMI") <= 1
        assert [m["family_order"] for m in members] == list(range(1, len(members) + 1))
        assert set(relationships) <= {"KEPALA KELUARGA", "ISTRI", "SUAMI", "ANAK", "ORANG TUA", "FAMILI LAIN"}


def test_parents_names_are_consistent_within_the_family(families):
    checked = 0
    for members in families.values():
        head = members[0]
        spouse = next((m for m in members if m["relationship"] in ("ISTRI", "SUAMI")), None)
        if spouse is None:
            continue
        father, mother = (head, spouse) if head["sex"] == "LAKI-LAKI" else (spouse, head)
        for child in (m for m in members if m["relationship"] == "ANAK"):
            assert child["father_name"] == father["name"]
            assert child["mother_name"] == mother["name"]
            assert _age(mother) - _age(child) >= 15
            checked += 1
        for parent in (m for m in members if m["relationship"] == "ORANG TUA"):
            assert parent["name"] in (
                head["father_name"],
                head["mother_name"],
                spouse["father_name"],
                spouse["mother_name"],
            )
            assert _age(parent) > _age(head) - 12  # a parent of the head or of the spouse
    assert checked > 100


def test_couples_are_married_and_a_widowed_survivor_is_cerai_mati(families):
    for members in families.values():
        couple = [m for m in members if m["relationship"] in ("KEPALA KELUARGA", "ISTRI", "SUAMI")]
        if len(couple) != 2:
            continue
        for person, partner in ((couple[0], couple[1]), (couple[1], couple[0])):
            if person["is_deceased"]:
                continue
            expected = "CERAI MATI" if partner["is_deceased"] else "KAWIN"
            assert person["marital_status"] == expected
            assert person["sex"] != partner["sex"]


def test_the_age_structure_has_minors_adults_and_elderly(rows):
    ages = [_age(r) for r in rows]
    minors = sum(a < 17 for a in ages) / len(ages)
    elderly = sum(a >= 60 for a in ages) / len(ages)
    assert 0.2 < minors < 0.45
    assert 0.04 < elderly < 0.25
    assert all(0 <= a < 110 for a in ages)
    children = [r for r in rows if r["relationship"] == "ANAK"]
    assert any(_age(c) >= 17 for c in children) and any(_age(c) < 17 for c in children)


def test_a_few_percent_are_deceased_with_a_death_date_after_birth(rows):
    deceased = [r for r in rows if r["is_deceased"]]
    assert 0.005 < len(deceased) / len(rows) < 0.06
    for r in deceased:
        assert str(r["birth_date"]) < str(r["death_date"]) <= REFERENCE.isoformat()
    assert all(r["death_date"] is None for r in rows if not r["is_deceased"])


def test_values_use_the_registry_labels(rows):
    assert {r["sex"] for r in rows} == {"LAKI-LAKI", "PEREMPUAN"}
    assert {r["nationality"] for r in rows} == {"WNI"}
    assert {r["marital_status"] for r in rows} <= {"BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"}
    assert {r["blood_type"] for r in rows} <= {"A", "B", "AB", "O", "TIDAK TAHU"}
    assert "ISLAM" in {r["religion"] for r in rows}
    minors = [r for r in rows if _age(r) < 5]
    assert {r["occupation"] for r in minors} == {"BELUM/TIDAK BEKERJA"}
    assert all(r["marital_status"] == "BELUM KAWIN" for r in rows if _age(r) < 17)


def test_a_larger_population_has_every_common_occupation():
    occupations = Counter(
        person[9]
        for household in population.generate(persons=20_000, seed=3, villages=pilot_villages())
        for person in household.persons
    )
    for label in (
        "PELAJAR/MAHASISWA",
        "KARYAWAN SWASTA",
        "WIRASWASTA",
        "PERAWAT",
        "BIDAN",
        "DOKTER",
        "MENGURUS RUMAH TANGGA",
        "PETANI/PEKEBUN",
        "PENSIUNAN",
    ):
        assert occupations[label] > 0, label


def test_addresses_are_real_villages_of_pilot_regions_with_their_postal_code(families):
    for members in families.values():
        head = members[0]
        code = str(head["village_code"])
        assert code[:5] in PILOT_REGENCY_CODES
        village = wilayah.get_wilayah(code)
        assert village is not None and village.level == 4
        assert village.code.startswith(wilayah.get_wilayah(code[:8]).code)
        assert len(str(head["rt"])) == 3 and len(str(head["rw"])) == 3
        assert str(head["street"]).startswith(("JL. ", "DUSUN "))


def test_the_api_address_chain_matches_lokal_id(seeded_db):
    conn = store.connect(seeded_db)
    try:
        row = store.get_person(conn, "6472035204900001")
        sample = conn.execute("SELECT nik FROM persons ORDER BY nik LIMIT 50").fetchall()
        rows = [store.get_person(conn, r["nik"]) for r in sample] + [row]
    finally:
        conn.close()
    for r in rows:
        village = wilayah.get_wilayah(r["village_code"])
        assert village.name == r["village_name"] and village.postal_code == r["postal_code"]
        assert wilayah.get_wilayah(r["district_code"]).name == r["district_name"]
        assert wilayah.get_wilayah(r["regency_code"]).name == r["regency_name"]
        assert wilayah.get_wilayah(r["province_code"]).name == r["province_name"]
        assert r["village_code"].startswith(r["district_code"] + ".")
        assert r["district_code"].startswith(r["regency_code"] + ".")
        assert r["regency_code"].startswith(r["province_code"] + ".")


def test_demo_persons_are_present_with_their_fixed_numbers(rows, families):
    by_nik = {r["nik"]: r for r in rows}
    for family, person in demo_people():
        row = by_nik[person.nik]
        assert row["kk_number"] == family.kk_number
        assert row["name"] == person.name and row["birth_date"] == person.birth_date
        parsed = parse_nik(person.nik, reference_date=REFERENCE)
        assert parsed.valid and parsed.birth_date == person.birth_date
        assert parsed.gender == ("P" if person.sex == "PEREMPUAN" else "L")
        assert person.nik[:6] == family.village_code[:8].replace(".", "")
        assert family.kk_number[:6] == person.nik[:6]
        assert wilayah.get_wilayah(family.village_code) is not None

    siti = by_nik["6472035204900001"]
    assert (siti["name"], siti["sex"], siti["birth_place"], siti["marital_status"]) == (
        "SITI RAHMAWATI",
        "PEREMPUAN",
        "SAMARINDA",
        "KAWIN",
    )
    assert str(siti["village_code"]).startswith("64.72.")
    siti_family = families[str(siti["kk_number"])]
    assert [(m["name"], m["relationship"]) for m in siti_family] == [
        ("BUDI SANTOSO", "KEPALA KELUARGA"),
        ("SITI RAHMAWATI", "ISTRI"),
        ("AHMAD FAUZI SANTOSO", "ANAK"),
        ("NUR AISYAH SANTOSO", "ANAK"),
    ]
    assert all(_age(m) < 17 for m in siti_family[2:])

    dewi = by_nik["6472054211950001"]
    assert (dewi["occupation"], dewi["marital_status"], dewi["relationship"]) == (
        "PERAWAT",
        "BELUM KAWIN",
        "KEPALA KELUARGA",
    )
    assert len(families[str(dewi["kk_number"])]) == 1

    joko = by_nik["3372013001790001"]
    joko_family = families[str(joko["kk_number"])]
    assert str(joko["village_code"]).startswith("33.72.")
    assert [m["relationship"] for m in joko_family] == ["KEPALA KELUARGA", "ISTRI", "ANAK"]
    assert str(joko_family[2]["birth_date"]).startswith("2004-") and _age(joko_family[2]) >= 18


def test_demo_persons_command_prints_nik_kk_name_and_birth_date():
    out = subprocess.run(
        [sys.executable, "-m", "simulators.dukcapil", "demo-persons"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for family in DEMO_FAMILIES:
        for person in family.members:
            line = next(line for line in out.splitlines() if line.startswith(person.nik))
            assert family.kk_number in line and person.name in line and person.birth_date in line


def test_the_same_seed_gives_the_same_population_and_another_seed_another():
    def sample(seed: int) -> list[tuple[object, ...]]:
        return [p for h in population.generate(persons=3_000, seed=seed, villages=pilot_villages()) for p in h.persons]

    first = sample(11)
    assert first == sample(11)
    assert first != sample(12)
    demo_niks = {p.nik for _, p in demo_people()}
    assert not demo_niks & {p[0] for p in first}


def test_seeding_again_with_the_same_parameters_is_a_fast_no_op(seeded_db):
    started = time.perf_counter()
    out = cli("seed", "--persons", str(PERSONS), "--seed", str(SEED), db=seeded_db).stdout
    assert "already loaded" in out
    assert time.perf_counter() - started < 10  # mostly interpreter start-up


def test_seeding_other_parameters_over_a_population_needs_replace(tmp_path):
    db = tmp_path / "r.sqlite3"
    cli("seed", "--persons", "100", "--seed", "1", db=db)
    with pytest.raises(subprocess.CalledProcessError) as refused:
        cli("seed", "--persons", "200", "--seed", "1", db=db)
    assert refused.value.returncode == 2 and "--replace" in refused.value.stderr
    cli("seed", "--persons", "200", "--seed", "1", "--replace", db=db)
    conn = store.connect(db)
    assert store.count_persons(conn) == 200
    conn.close()


def test_seeding_100k_persons_is_measured(tmp_path):
    started = time.perf_counter()
    out = cli("seed", "--persons", "100000", "--seed", "42", db=tmp_path / "100k.sqlite3").stdout
    elapsed = time.perf_counter() - started
    # A measurement, not an assertion: the target is under 60 s on 2 cores.
    print(f"\nseed --persons 100000: {elapsed:.1f} s wall (command included); {out.strip()}")
