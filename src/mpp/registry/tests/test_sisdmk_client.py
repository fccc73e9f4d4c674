"""The SISDMK client against the real simulator process: typed answers for the demo workers,
registering and ending practice places, refusals, and an unavailable registry."""

import sqlite3
from datetime import date

import pytest

from mpp.registry import sisdmk
from mpp.registry.sisdmk import Actor, SisdmkRefused, SisdmkUnavailable
from simulators.sisdmk.demo_workers import BUDI_SANTOSO, DEWI_LESTARI, JOKO_WIDODO_PRATAMA, SRI_WAHYUNI
from simulators.sisdmk.testing import running_sisdmk

ACTOR = Actor("Petugas Dinas Kesehatan · Kota Samarinda", "Permohonan SIP perawat")
HANG_SECONDS = 1.5


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    with running_sisdmk(tmp_path_factory.mktemp("sisdmk"), env={"SISDMK_HANG_SECONDS": str(HANG_SECONDS)}) as sim:
        yield sim


@pytest.fixture
def configured(simulator, settings):
    settings.SISDMK_URL = simulator.url
    settings.SISDMK_API_KEY = simulator.api_key
    settings.SISDMK_TIMEOUT_SECONDS = 0.5
    sisdmk.breaker.close()
    yield simulator
    simulator.clear_faults()
    sisdmk.breaker.close()


def fresh_workers(simulator, count):
    """Generated workers with a valid lifelong STR and no practice place: [(nik, str number)]."""
    conn = sqlite3.connect(f"{simulator.db.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT r.nik, r.number FROM registrations r WHERE r.state = 'aktif' AND r.expires_on IS NULL"
            " AND r.number NOT LIKE '________9%'"
            " AND NOT EXISTS (SELECT 1 FROM practice_places p WHERE p.nik = r.nik) ORDER BY r.nik DESC LIMIT ?",
            (count,),
        ).fetchall()
    finally:
        conn.close()


def test_the_nurse_of_the_demo_has_a_valid_lifelong_str_and_no_practice_place(configured):
    worker = sisdmk.health_worker(DEWI_LESTARI, actor=ACTOR)
    assert (worker.name, worker.profession.code, worker.profession.label) == ("DEWI LESTARI", "perawat", "Perawat")
    valid = worker.valid_registration()
    assert valid.number == "2164230990000001" and valid.is_lifelong and valid.issuer == "KTKI"
    assert valid.issued_on == date(2023, 9, 18)
    assert worker.valid_registration("0000000000000000") is None
    assert worker.practice_places == ()


def test_the_doctor_already_holds_three_places_and_a_fourth_is_refused(configured):
    worker = sisdmk.health_worker(JOKO_WIDODO_PRATAMA, actor=ACTOR)
    assert len(worker.practice_places) == 3
    assert worker.practice_places[0].region_name == "Kota Surakarta"
    assert [r.status_reason for r in worker.registrations] == [None, "diganti"]
    with pytest.raises(SisdmkRefused) as refused:
        sisdmk.register_practice_place(
            nik=JOKO_WIDODO_PRATAMA,
            str_number=worker.valid_registration().number,
            sip_number="503/CLIENT-1/SIPD/33.72/2026",
            facility="Klinik Pratama Keempat",
            region_code="33.72",
            valid_until=date(2031, 1, 1),
            actor=ACTOR,
        )
    assert (refused.value.status, refused.value.code) == (409, "practice_limit_reached")


def test_an_expired_and_a_revoked_str_are_not_valid(configured):
    expired = sisdmk.registration("2233180690000004", actor=ACTOR)
    assert (expired.nik, expired.expires_on, expired.is_valid) == (SRI_WAHYUNI, date(2023, 6, 14), False)
    assert expired.status == "tidak aktif" and expired.status_reason == "habis_masa_berlaku"
    revoked = sisdmk.health_worker(BUDI_SANTOSO, actor=ACTOR)
    assert revoked.valid_registration() is None and revoked.registrations[0].status == "dicabut"


def test_unknown_numbers_are_none(configured):
    assert sisdmk.health_worker("6472054211950999", actor=ACTOR) is None
    assert sisdmk.registration("0000000000000000", actor=ACTOR) is None
    assert sisdmk.practice_place("503/none", actor=ACTOR) is None
    assert sisdmk.end_practice_place("503/none", actor=ACTOR) is None


def test_registering_is_idempotent_and_ending_takes_the_place_off_the_count(configured):
    ((nik, str_number),) = fresh_workers(configured, 1)
    register = dict(
        nik=nik,
        str_number=str_number,
        sip_number="503/CLIENT-2/SIPP/64.72/2026",
        facility="RSUD Abdul Wahab Sjahranie",
        facility_type="rumah_sakit",
        region_code="64.72",
        since=date(2026, 1, 5),
        valid_until=date(2031, 1, 4),
        actor=ACTOR,
    )
    place = sisdmk.register_practice_place(**register)
    assert place.region_name == "Kota Samarinda" and place.ended_on is None and place.since == date(2026, 1, 5)
    assert sisdmk.register_practice_place(**register) == place  # a retry, say after a timeout
    assert sisdmk.health_worker(nik, actor=ACTOR).practice_places == (place,)

    ended = sisdmk.end_practice_place(place.sip_number, actor=ACTOR)
    assert ended.ended_on is not None
    assert sisdmk.practice_place(place.sip_number, actor=ACTOR) == ended
    assert sisdmk.health_worker(nik, actor=ACTOR).practice_places == ()


def test_a_bad_registration_names_the_fields(configured):
    with pytest.raises(SisdmkRefused) as refused:
        sisdmk.register_practice_place(
            nik=DEWI_LESTARI,
            str_number="2164-2309-9000-0001",
            sip_number="503/CLIENT-3/SIPP/64.72/2026",
            facility="RS",
            region_code="64.72",
            valid_until=date(2031, 1, 1),
            actor=ACTOR,
        )
    assert refused.value.status == 422 and set(refused.value.errors) == {"str_number", "facility"}


def test_a_failing_registry_is_retried_then_unavailable(configured):
    configured.set_faults(error_rate=1)
    with pytest.raises(SisdmkUnavailable):
        sisdmk.health_worker(DEWI_LESTARI, actor=ACTOR)


def test_a_hanging_registry_times_out_quickly(configured):
    configured.set_faults(timeout_rate=1)
    with pytest.raises(SisdmkUnavailable):
        sisdmk.registration("2164230990000001", actor=ACTOR)


def test_the_breaker_opens_after_repeated_failures(configured):
    configured.set_faults(error_rate=1)
    for _ in range(2):
        with pytest.raises(SisdmkUnavailable):
            sisdmk.health_worker(DEWI_LESTARI, actor=ACTOR)
    configured.clear_faults()
    with pytest.raises(SisdmkUnavailable, match="circuit open"):
        sisdmk.health_worker(DEWI_LESTARI, actor=ACTOR)


def test_a_wrong_key_is_a_refusal_not_an_outage(configured, settings):
    settings.SISDMK_API_KEY = "not-the-key-0123456789"
    for _ in range(6):
        with pytest.raises(SisdmkRefused) as refused:
            sisdmk.health_worker(DEWI_LESTARI, actor=ACTOR)
        assert refused.value.status == 401
    assert sisdmk.breaker.current_state == "closed"


def test_an_unconfigured_registry_is_unavailable_not_a_crash(settings):
    settings.SISDMK_API_KEY = ""
    with pytest.raises(SisdmkUnavailable, match="not configured"):
        sisdmk.health_worker(DEWI_LESTARI, actor=ACTOR)
