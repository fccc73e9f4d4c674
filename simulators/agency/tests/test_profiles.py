"""Profiles: the shipped data files load, a malformed one fails start-up with a clear message,
and GET /profile shows what the platform's admin maps the statuses from."""

from __future__ import annotations

import copy
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from simulators.agency import profiles, store
from simulators.processes import REPO

from .conftest import CLIENT_ID, CLIENT_SECRET, SECRET, application, forward_to, start_agency, tracking_number
from .platform_stub import wait_until

SHIPPED = ["imigrasi", "korlantas", "polri", "siak"]
EXPECTED_STATUSES = {
    "siak": {"in_process": "in_process", "approved": "approved", "rejected": "rejected"},
    "imigrasi": {
        "DITERIMA": "in_process",
        "JADWAL_WAWANCARA": "in_process",
        "DITOLAK": "rejected",
        "PASPOR_TERBIT": "approved",
    },
    "korlantas": {
        "DITERIMA": "in_process",
        "VERIFIKASI": "in_process",
        "DITOLAK": "rejected",
        "SIM_DICETAK": "in_process",
        "SIM_DIKIRIM": "approved",
        "SIAP_DIAMBIL": "approved",
    },
    "polri": {
        "DITERIMA": "in_process",
        "JADWAL_SIDIK_JARI": "in_process",
        "DITOLAK": "rejected",
        "SKCK_TERBIT": "approved",
    },
}


def shipped(name: str) -> dict:
    return yaml.safe_load((profiles.PROFILES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def test_the_shipped_profiles_load():
    assert profiles.available() == SHIPPED
    for name in SHIPPED:
        profile = profiles.load(name)
        assert profile.code == name
        assert {s.code: s.outcome for s in profile.statuses} == EXPECTED_STATUSES[name]
    assert profiles.load("korlantas").portal is not None
    assert profiles.load("siak").fee.amount == 0
    assert profiles.load("polri").fee.amount == 30000
    assert profiles.load("imigrasi").fee.amounts == {"biasa": 350000, "elektronik": 650000}
    assert profiles.load("korlantas").fee.amounts == {"A": 80000, "C": 75000}


@pytest.mark.parametrize(
    ("profile", "form", "rejected", "path"),
    [
        ("siak", {}, False, ["in_process", "approved"]),
        ("siak", {}, True, ["in_process", "rejected"]),
        ("korlantas", {"pengambilan": "antar"}, False, ["DITERIMA", "VERIFIKASI", "SIM_DICETAK", "SIM_DIKIRIM"]),
        ("korlantas", {"pengambilan": "ambil"}, False, ["DITERIMA", "VERIFIKASI", "SIM_DICETAK", "SIAP_DIAMBIL"]),
        ("korlantas", {"pengambilan": "antar"}, True, ["DITERIMA", "VERIFIKASI", "DITOLAK"]),
        ("imigrasi", {}, True, ["DITERIMA", "JADWAL_WAWANCARA", "DITOLAK"]),
        ("polri", {}, False, ["DITERIMA", "JADWAL_SIDIK_JARI", "SKCK_TERBIT"]),
    ],
)
def test_a_case_path_follows_the_list_and_the_form(profile, form, rejected, path):
    assert [s.code for s in profiles.load(profile).path(form, rejected=rejected)] == path


def _broken(change) -> dict:
    data = copy.deepcopy(shipped("korlantas"))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("statuses"), "the profile: missing statuses"),
        (lambda d: d.update(colour="blue"), "unknown key(s) colour"),
        (lambda d: d["statuses"][1].update(outcome="done"), "statuses[1] (VERIFIKASI).outcome must be one of"),
        (lambda d: d["statuses"][1].update(code="DITERIMA"), "statuses: each code once"),
        (lambda d: d["statuses"][0].update(outcome="approved"), "the first (the case received) must be in_process"),
        (lambda d: d["statuses"].pop(2), "a rejected status without `when` is needed"),
        (lambda d: d["statuses"].pop(5), "must cover every choice of form field pengambilan"),
        (lambda d: d["statuses"][1].update(note="No. {registration_number}"), "unknown variable {registration_number}"),
        (lambda d: d["statuses"][1].update(note="Halo {nama"), "malformed template"),
        (lambda d: d["statuses"][1].update(note="{fee.__class__}"), "unknown variable {fee.__class__}"),
        (lambda d: d["statuses"][4].update(when={"pengambilan": "terbang"}), "must be a choice field and the values"),
        (lambda d: d["fee"].update(amount="delapan puluh ribu"), "fee.amount must be a whole number"),
        (lambda d: d["fee"]["amounts"].update(B=120000), "fee.amounts must name its choices"),
        (lambda d: d["registration_number"].update(format="{nomor}"), "unknown variable {nomor}"),
        (lambda d: d.update(required_fields="surat_psikologi"), "required_fields must be a list"),
        (lambda d: d["portal"].update(fields=["golongan_sim"]), "portal.fields must ask for every required field"),
        (lambda d: d["portal"]["fields"].append("warna"), "portal.fields names undeclared fields: warna"),
        (lambda d: d["fields"]["golongan_sim"].update(type="checkbox"), "fields.golongan_sim.type must be one of"),
        (lambda d: d.update(case_prefix="sim"), "case_prefix must match"),
    ],
)
def test_a_malformed_profile_is_refused_naming_what_is_wrong(change, message):
    with pytest.raises(ValueError, match="agency profile <test>: ") as caught:
        profiles.parse(_broken(change), source="<test>")
    assert message in str(caught.value)


def test_a_malformed_appointment_is_refused():
    data = copy.deepcopy(shipped("imigrasi"))
    data["appointment"]["offices"][0]["quota_per_day"] = 0
    with pytest.raises(ValueError, match=r"appointment.offices\[0\].quota_per_day must be a whole number"):
        profiles.parse(data)
    data = copy.deepcopy(shipped("imigrasi"))
    data["appointment"]["status"] = "PASPOR_TERBIT"
    with pytest.raises(ValueError, match=r"appointment\.status must name an in_process status"):
        profiles.parse(data)


def test_a_profile_file_that_is_not_yaml_or_not_there_is_refused(tmp_path):
    bad = tmp_path / "rusak.yaml"
    bad.write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"agency profile {bad}: cannot read it"):
        profiles.load(str(bad))
    with pytest.raises(ValueError, match="no agency profile 'dishub'; the profiles are imigrasi, korlantas"):
        profiles.load("dishub")
    with pytest.raises(ValueError, match="does not exist"):
        profiles.load(str(tmp_path / "absent.yaml"))


def _serve(tmp_path: Path, *arguments: str, db: str = "a.sqlite3") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENCY_")}
    env.update({"AGENCY_CLIENT_ID": CLIENT_ID, "AGENCY_CLIENT_SECRET": CLIENT_SECRET, "AGENCY_WEBHOOK_SECRET": SECRET})
    return subprocess.run(
        [sys.executable, "-m", "simulators.agency", "serve", "--db", str(tmp_path / db), *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_serve_refuses_a_malformed_profile_file(tmp_path):
    data = shipped("polri")
    data["statuses"][3]["outcome"] = "selesai"
    path = tmp_path / "polri-rusak.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = _serve(tmp_path, "--profile", str(path))
    assert result.returncode == 2
    assert f"serve: agency profile {path}: statuses[3] (SKCK_TERBIT).outcome must be one of" in result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--profile", "dishub"], "no agency profile 'dishub'"),
        (["--oidc-issuer", "http://127.0.0.1:8000"], "the siak profile has no portal: leave out --oidc-issuer"),
        (
            ["--profile", "korlantas", "--oidc-issuer", "http://127.0.0.1:8000"],
            "the portal needs --oidc-client-id, --oidc-client-secret, --public-url, --platform-url as well",
        ),
        (
            [
                "--profile",
                "korlantas",
                *["--oidc-issuer", "127.0.0.1:8000", "--oidc-client-id", "p", "--oidc-client-secret", "s"],
                *["--public-url", "http://127.0.0.1:8042", "--platform-url", "http://127.0.0.1:8000"],
            ],
            "--oidc-issuer must be an http(s) URL",
        ),
    ],
)
def test_serve_refuses_a_bad_profile_setting(tmp_path, arguments, message):
    result = _serve(tmp_path, *arguments)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_database_belongs_to_one_profile(tmp_path, platform):
    with start_agency(tmp_path, profile="polri") as agency:
        assert agency.profile()["code"] == "polri"
    result = _serve(tmp_path, "--profile", "imigrasi", db="agency.sqlite3")
    assert result.returncode == 2
    assert "this database holds the 'polri' profile's cases; give the 'imigrasi' profile its own --db" in result.stderr


@pytest.mark.parametrize("name", ["imigrasi", "korlantas", "polri"])
def test_get_profile_shows_the_statuses_with_their_outcome(profile_agency, name):
    response = httpx.get(f"{profile_agency(name).url}/profile")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["name"]) == (name, profiles.load(name).name)
    assert {s["code"]: s["outcome"] for s in body["statuses"]} == EXPECTED_STATUSES[name]
    assert all(s["label"] for s in body["statuses"])
    assert body["required_fields"] == list(profiles.load(name).required_fields)
    assert body["fee"]["currency"] == "IDR" and "PP " in body["fee"]["legal_basis"]


def test_siak_serves_its_profile_too(agency):
    body = httpx.get(f"{agency.url}/profile").json()
    assert body["code"] == "siak" and body["required_fields"] == [] and body["fee"]["amount"] == 0
    assert [s["code"] for s in body["statuses"]] == ["in_process", "approved", "rejected"]


def test_the_korlantas_profile_answers_forwarded_cases_without_a_portal(profile_agency, platform):
    """korlantas without the OIDC options: webhooks as ever, no portal pages."""
    agency = profile_agency("korlantas")
    assert httpx.get(f"{agency.url}/portal/").status_code == 404
    number = tracking_number()
    form = {"golongan_sim": "A", "surat_keterangan_sehat": "SKS/1", "surat_psikologi": "PSI/1", "pengambilan": "ambil"}
    assert forward_to(agency.url, application(platform, number, form=form)).status_code == 202
    wait_until(lambda: len(platform.applied(number)) == 4, what="the four statuses")


def test_a_database_from_before_profiles_gets_the_new_columns_and_is_siaks(tmp_path):
    """The first release's tables (no profile, no portal): opened now, they gain the new columns,
    and their cases are SIAK's."""
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE cases (id INTEGER PRIMARY KEY, case_id TEXT NOT NULL UNIQUE, webhook_id TEXT NOT NULL UNIQUE,
            tracking_number TEXT NOT NULL, application TEXT NOT NULL, status_url TEXT NOT NULL,
            token_url TEXT NOT NULL, state TEXT NOT NULL, decision TEXT, external_reference TEXT,
            received_at REAL NOT NULL, process_at REAL NOT NULL, decided_at REAL);
        CREATE TABLE status_updates (id INTEGER PRIMARY KEY, case_pk INTEGER NOT NULL REFERENCES cases (id),
            position INTEGER NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL, external_reference TEXT,
            idempotency_key TEXT NOT NULL UNIQUE, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL, claimed_until REAL, last_status_code INTEGER, last_error TEXT,
            finished_at REAL, UNIQUE (case_pk, position));
        INSERT INTO cases VALUES (1, 'SIAK-2026-000001', 'msg_1', 'MPP-1', '{}', 'http://s', 'http://t',
            'decided', 'approved', '470/00001/DISDUKCAPIL/2026', 0, 0, 0);
        INSERT INTO status_updates VALUES (1, 1, 1, 'in_process', 'n', NULL, 'SIAK-2026-000001:in_process', 'sent',
            1, 0, NULL, 200, NULL, 0);
        """
    )
    old.close()
    conn = store.connect(path)
    [case] = store.cases(conn)
    assert (case["handed_over"], case["subject"]) == (0, None)
    assert store.updates_of(conn, case["id"])[0]["kind"] == "status"
    with pytest.raises(ValueError, match="holds the 'siak' profile's cases"):
        store.bind_profile(conn, "korlantas")
    store.bind_profile(conn, "siak")
    store.connect(path).close()  # a second opening finds nothing to add
