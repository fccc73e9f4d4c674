"""Each profile's statuses reach the platform once each, in order; a form that lacks what the
profile requires is refused before anything is stored; visits are booked against the quota."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import yaml

from simulators.agency import profiles
from simulators.agency.store import WIB

from .conftest import application, forward_to, start_agency, tracking_number
from .platform_stub import wait_until

SURAT_PENGANTAR = {"source": "upload", "id": "0190f3c8-0000-7000-8000-000000000001", "name": "pengantar.pdf"}
KORLANTAS_FORM = {
    "golongan_sim": "C",
    "surat_keterangan_sehat": "SKS/0457/XI/2026",
    "surat_psikologi": "PSI-2026-11-0093",
}
SERVICES = {
    "imigrasi": {"code": "paspor-biasa", "name": "Penerbitan Paspor Biasa"},
    "korlantas": {"code": "perpanjangan-sim", "name": "Perpanjangan SIM"},
    "polri": {"code": "skck", "name": "Penerbitan SKCK"},
}

CASES = [
    pytest.param(
        "imigrasi",
        {"jenis_paspor": "elektronik", "kantor_imigrasi": "kanim-balikpapan"},
        ["DITERIMA", "JADWAL_WAWANCARA", "PASPOR_TERBIT"],
        id="imigrasi-approved",
    ),
    pytest.param(
        "imigrasi",
        {"jenis_paspor": "biasa", "simulate_reject": True},
        ["DITERIMA", "JADWAL_WAWANCARA", "DITOLAK"],
        id="imigrasi-rejected",
    ),
    pytest.param(
        "korlantas",
        {**KORLANTAS_FORM, "pengambilan": "antar", "alamat_pengiriman": "Jl. Juanda No. 7, Samarinda"},
        ["DITERIMA", "VERIFIKASI", "SIM_DICETAK", "SIM_DIKIRIM"],
        id="korlantas-delivered",
    ),
    pytest.param(
        "korlantas",
        {**KORLANTAS_FORM, "pengambilan": "ambil"},
        ["DITERIMA", "VERIFIKASI", "SIM_DICETAK", "SIAP_DIAMBIL"],
        id="korlantas-picked-up",
    ),
    pytest.param(
        "korlantas",
        {**KORLANTAS_FORM, "pengambilan": "ambil", "simulate_reject": True},
        ["DITERIMA", "VERIFIKASI", "DITOLAK"],
        id="korlantas-rejected",
    ),
    pytest.param(
        "polri",
        {"surat_pengantar": SURAT_PENGANTAR, "keperluan": "Melamar pekerjaan"},
        ["DITERIMA", "JADWAL_SIDIK_JARI", "SKCK_TERBIT"],
        id="polri-approved",
    ),
    pytest.param(
        "polri",
        {"surat_pengantar": SURAT_PENGANTAR, "simulate_reject": True},
        ["DITERIMA", "JADWAL_SIDIK_JARI", "DITOLAK"],
        id="polri-rejected",
    ),
]
REFERENCES = {
    "imigrasi": r"PASPOR/\d{6}/[IVX]+/\d{4}",
    "korlantas": r"6472-\d{4}-\d{6}",
    "polri": r"SKCK/YANMAS/\d{5}/[IVX]+/\d{4}/INTELKAM",
}


def first_working_day_after(day: date, weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)) -> date:
    day += timedelta(days=1)
    while day.isoweekday() not in weekdays:
        day += timedelta(days=1)
    return day


def sent_updates(agency, number: str) -> list[dict]:
    [case] = agency.cases(tracking_number=number)
    return case["status_updates"]


@pytest.mark.parametrize(("name", "form", "expected"), CASES)
def test_each_status_of_the_profile_reaches_the_platform_once_in_order(profile_agency, platform, name, form, expected):
    agency = profile_agency(name)
    profile = profiles.load(name)
    number = tracking_number()
    response = forward_to(agency.url, application(platform, number, service=SERVICES[name], form=form))
    assert response.status_code == 202, response.text
    case_id = response.json()["case_id"]
    assert re.fullmatch(rf"{profile.case_prefix}-\d{{4}}-\d{{6}}", case_id)

    wait_until(lambda: platform.applied(number) == expected, what=f"the statuses {expected}")
    wait_until(
        lambda: [u["state"] for u in sent_updates(agency, number)] == ["sent"] * len(expected),
        what="every update recorded as sent",
    )
    calls = platform.calls(number)
    assert [c.body["status"] for c in calls] == expected  # nothing sent twice, nothing out of order
    assert [c.idempotency_key for c in calls] == [f"{case_id}:{code}" for code in expected]
    assert all(c.answered == 200 for c in calls)
    # The admin view says the same: each status posted, acknowledged (sent, 200), once.
    updates = sent_updates(agency, number)
    assert [(u["status"], u["state"], u["attempts"], u["last_status_code"]) for u in updates] == [
        (code, "sent", 1, 200) for code in expected
    ]
    assert [u["outcome"] for u in updates] == [profile.status(code).outcome for code in expected]
    assert Counter(u["idempotency_key"] for u in updates) == Counter(c.idempotency_key for c in calls)

    [case] = agency.cases(tracking_number=number)
    final = calls[-1].body
    fee = profile.fee.for_form(form)
    assert case["fee"] == {"amount": fee, "legal_basis": profile.fee.legal_basis}
    assert profiles.rupiah(fee) in calls[0].body["note"]
    if profile.status(expected[-1]).outcome == "approved":
        assert case["decision"] == "approved"
        assert re.fullmatch(REFERENCES[name], final["external_reference"]), final
        assert final["external_reference"] in final["note"]
        assert case["external_reference"] == final["external_reference"]
    else:
        assert case["decision"] == "rejected" and case["external_reference"] is None
        assert set(final) == {"status", "note"}
    if profile.appointment:
        visit = case["appointment"]
        office = profile.appointment.office_for(form)
        assert (visit["office"], visit["office_name"]) == (office.code, office.name)
        day = date.fromisoformat(visit["date"])
        assert day > datetime.now(WIB).date() and day.isoweekday() <= 5
        booking = next(c.body for c in calls if c.body["status"] == profile.appointment.status)
        assert profiles.tanggal(day) in booking["note"] and office.name in booking["note"]


def test_the_delivered_sim_names_the_address(profile_agency, platform):
    agency = profile_agency("korlantas")
    number = tracking_number()
    form = {**KORLANTAS_FORM, "pengambilan": "antar", "alamat_pengiriman": "Jl. Pahlawan No. 12,\nSamarinda"}
    forward_to(agency.url, application(platform, number, service=SERVICES["korlantas"], form=form))
    wait_until(lambda: len(platform.applied(number)) == 4, what="the four statuses")
    assert platform.calls(number)[-1].body["note"].endswith("Jl. Pahlawan No. 12, Samarinda.")
    assert "Dikirim ke alamat" in platform.calls(number)[2].body["note"]


@pytest.mark.parametrize(
    ("name", "form", "missing"),
    [
        ("korlantas", {"golongan_sim": "A", "surat_keterangan_sehat": "SKS/1"}, ["surat_psikologi", "pengambilan"]),
        ("korlantas", {**KORLANTAS_FORM, "pengambilan": "antar"}, ["alamat_pengiriman"]),
        ("korlantas", {**KORLANTAS_FORM, "surat_psikologi": "  ", "pengambilan": "ambil"}, ["surat_psikologi"]),
        ("polri", {"keperluan": "Melamar pekerjaan"}, ["surat_pengantar"]),
        ("polri", {"surat_pengantar": None}, ["surat_pengantar"]),
        ("imigrasi", {"kantor_imigrasi": "kanim-samarinda"}, ["jenis_paspor"]),
    ],
)
def test_a_form_without_a_required_field_is_422_and_nothing_is_stored(profile_agency, platform, name, form, missing):
    agency = profile_agency(name)
    number = tracking_number()
    payload = application(platform, number, service=SERVICES[name], form=form)
    response = forward_to(agency.url, payload, webhook_id=f"msg_{number}")
    assert response.status_code == 422
    body = response.json()
    assert (body["error"], body["fields"]) == ("missing_fields", missing)
    assert all(field in body["message"] for field in missing)
    assert agency.cases(tracking_number=number) == []
    # The platform's retry of the same delivery is refused the same way: nothing was kept.
    assert forward_to(agency.url, payload, webhook_id=f"msg_{number}").status_code == 422
    assert agency.cases(tracking_number=number) == []


def test_a_form_without_the_field_key_at_all_is_422(profile_agency, platform):
    agency = profile_agency("polri")
    number = tracking_number()
    payload = application(platform, number, service=SERVICES["polri"])
    del payload["data"]["form"]
    response = forward_to(agency.url, payload)
    assert response.status_code == 422 and response.json()["fields"] == ["surat_pengantar"]


@pytest.mark.parametrize(
    ("name", "form", "message"),
    [
        ("polri", {"surat_pengantar": "ada, dibawa nanti"}, "form.surat_pengantar must reference a document"),
        ("polri", {"surat_pengantar": {"name": "pengantar.pdf"}}, "form.surat_pengantar must reference a document"),
        ("imigrasi", {"jenis_paspor": "diplomatik"}, "form.jenis_paspor must be one of biasa, elektronik"),
        ("imigrasi", {"jenis_paspor": "biasa", "kantor_imigrasi": "kanim-jakarta"}, "form.kantor_imigrasi must be"),
        ("korlantas", {**KORLANTAS_FORM, "pengambilan": "drone"}, "form.pengambilan must be one of ambil, antar"),
        ("korlantas", {**KORLANTAS_FORM, "pengambilan": "ambil", "surat_psikologi": "x" * 65}, "at most 64 characters"),
        ("korlantas", {**KORLANTAS_FORM, "pengambilan": "ambil", "surat_psikologi": 93}, "surat_psikologi must be"),
    ],
)
def test_a_value_the_profile_cannot_take_is_422_invalid_payload(profile_agency, platform, name, form, message):
    agency = profile_agency(name)
    number = tracking_number()
    response = forward_to(agency.url, application(platform, number, service=SERVICES[name], form=form))
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_payload" and message in response.json()["message"]
    assert agency.cases(tracking_number=number) == []


def test_a_certificate_may_come_as_the_uploaded_document_instead_of_its_number(profile_agency, platform):
    agency = profile_agency("korlantas")
    number = tracking_number()
    form = {**KORLANTAS_FORM, "surat_keterangan_sehat": {"source": "upload", "id": "sks-1"}, "pengambilan": "ambil"}
    assert forward_to(agency.url, application(platform, number, service=SERVICES["korlantas"], form=form)).is_success
    wait_until(lambda: len(platform.applied(number)) == 4, what="the four statuses")


def test_the_surat_pengantar_may_name_one_of_the_attachments(profile_agency, platform):
    agency = profile_agency("polri")
    number = tracking_number()
    payload = application(platform, number, service=SERVICES["polri"], form={"surat_pengantar": "att-77"})
    payload["data"]["attachments"] = [{"type": "surat_pengantar", "id": "att-77", "sha256": "0" * 64}]
    assert forward_to(agency.url, payload).status_code == 202
    wait_until(lambda: len(platform.applied(number)) == 3, what="the three statuses")


def test_the_quota_of_an_office_moves_the_next_case_to_the_next_day(tmp_path, platform):
    """An office with a quota of 2 a day: its third and fourth cases are booked the next working
    day; another office's quota is its own; a form naming no office goes to the first."""
    data = yaml.safe_load((profiles.PROFILES_DIR / "imigrasi.yaml").read_text(encoding="utf-8"))
    for office in data["appointment"]["offices"]:
        office["quota_per_day"] = 2
    small = tmp_path / "imigrasi-kuota-2.yaml"
    small.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    forms = [
        {"jenis_paspor": "biasa", "kantor_imigrasi": "kanim-samarinda"},
        {"jenis_paspor": "biasa", "kantor_imigrasi": "kanim-samarinda"},
        {"jenis_paspor": "elektronik", "kantor_imigrasi": "kanim-balikpapan"},
        {"jenis_paspor": "biasa", "kantor_imigrasi": "kanim-samarinda"},
        {"jenis_paspor": "biasa"},  # no office named: the first, Samarinda
    ]
    numbers = [tracking_number() for _ in forms]
    with start_agency(tmp_path, profile=str(small)) as agency:
        for number, form in zip(numbers, forms, strict=True):
            forward_to(agency.url, application(platform, number, service=SERVICES["imigrasi"], form=form))
            # One at a time, so that the order of the bookings is the order of the cases.
            wait_until(lambda n=number: len(platform.applied(n)) == 3, what="the case's statuses")
        visits = [agency.cases(tracking_number=number)[0]["appointment"] for number in numbers]

    first = first_working_day_after(datetime.now(WIB).date())
    second = first_working_day_after(first)
    assert [(v["office"], v["date"]) for v in visits] == [
        ("kanim-samarinda", first.isoformat()),
        ("kanim-samarinda", first.isoformat()),
        ("kanim-balikpapan", first.isoformat()),
        ("kanim-samarinda", second.isoformat()),
        ("kanim-samarinda", second.isoformat()),
    ]
    interview = platform.calls(numbers[3])[1].body
    assert interview["status"] == "JADWAL_WAWANCARA"
    assert f"pada {profiles.tanggal(second)} pukul 08.00–12.00 WITA di Kantor Imigrasi Samarinda" in interview["note"]
