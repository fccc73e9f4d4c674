"""A synthetic health workforce drawn from the Dukcapil simulator's population.

Deterministic for a seed and a population: persons come in NIK order, one
`random.Random(seed)` drives every choice, and dates count from the population's fixed
REFERENCE_DATE rather than today (whether an STR is still valid is decided when it is read).

Who: every living adult whose occupation is a health profession (PERAWAT, BIDAN, DOKTER,
APOTEKER), then, if that is not enough, working-age employees and civil servants (many health
workers' KTP says KARYAWAN SWASTA or PEGAWAI NEGERI SIPIL) given a profession by its share.

STR number (16 digits): profession (2) + province of the worker (2) + YYMM of issue (4) +
serial (8). SIP number: 503/<serial>/<permit>/<kab/kota code>/<year>. Both are this
simulator's format, not the Ministry's.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..dukcapil.population import REFERENCE_DATE
from .demo_workers import DEMO_WORKERS
from .professions import PROFESSIONS

# STRs became lifelong when UU 17/2023 took effect; older ones ran five years.
LIFELONG_FROM = date(2023, 8, 8)
STR_YEARS = SIP_YEARS = 5
MIN_AGE, MAX_AGE, MAX_EMPLOYEE_AGE = 23, 70, 58

HEALTH_OCCUPATIONS = {"PERAWAT": "perawat", "BIDAN": "bidan", "DOKTER": "dokter", "APOTEKER": "apoteker"}
EMPLOYEE_OCCUPATIONS = ("KARYAWAN SWASTA", "PEGAWAI NEGERI SIPIL", "KARYAWAN BUMN", "WIRASWASTA")
# Professions of workers whose KTP names no health occupation (bidan: women only).
_EMPLOYEE_PROFESSIONS = (("perawat", 50), ("bidan", 20), ("dokter", 15), ("apoteker", 10), ("dokter_gigi", 5))
_DENTIST_SHARE = 0.2  # of the persons whose KTP says DOKTER
# (what happened to the worker's registration, weight); see _registrations.
_STORIES = (("lifelong", 50), ("renewed", 12), ("dated", 23), ("expired", 10), ("suspended", 3), ("revoked", 2))
_PLACE_COUNTS = {"dokter": (15, 40, 30, 15), "dokter_gigi": (20, 45, 25, 10)}
_OTHER_PLACE_COUNTS = (30, 55, 15)
_FACILITY_TYPES = {
    "dokter": (("rumah_sakit", 35), ("puskesmas", 20), ("klinik", 30), ("praktik_mandiri", 15)),
    "dokter_gigi": (("puskesmas", 30), ("klinik", 35), ("rumah_sakit", 15), ("praktik_mandiri", 20)),
    "perawat": (("rumah_sakit", 45), ("puskesmas", 35), ("klinik", 15), ("praktik_mandiri", 5)),
    "bidan": (("puskesmas", 45), ("rumah_sakit", 20), ("klinik", 10), ("praktik_mandiri", 25)),
    "apoteker": (("apotek", 65), ("rumah_sakit", 20), ("puskesmas", 10), ("klinik", 5)),
}
_MANDIRI_TITLE = {"dokter": "dr.", "dokter_gigi": "drg.", "perawat": "Perawat", "bidan": "Bidan"}
_NAMES = (
    "Harapan Bunda",
    "Bakti Husada",
    "Citra Medika",
    "Kasih Ibu",
    "Mutiara Bunda",
    "Sehat Sentosa",
    "Permata Hati",
    "Husada Utama",
    "Sentosa Farma",
    "Amanah",
    "Al-Ikhlas",
    "Medika Utama",
    "Budi Mulia",
    "Sumber Waras",
    "Cahaya Sehat",
)
_HOSPITALS = ("RSUD {regency}", "RS Islam {city}", "RS Bhayangkara {city}", "RS Umum {name}", "RS Ibu dan Anak {name}")


@dataclass(frozen=True, slots=True)
class Person:
    """A living adult of the Dukcapil simulator, as seeding reads them."""

    nik: str
    name: str
    sex: str
    birth_date: str
    occupation: str
    village_code: str

    @property
    def regency_code(self) -> str:
        return self.village_code[:5]

    @property
    def district_code(self) -> str:
        return self.village_code[:8]


@dataclass(slots=True)
class Workforce:
    """Rows for the store, in store.WORKER_COLUMNS / STR_COLUMNS / PLACE_COLUMNS order."""

    workers: list[tuple[object, ...]] = field(default_factory=list)
    registrations: list[tuple[object, ...]] = field(default_factory=list)
    places: list[tuple[object, ...]] = field(default_factory=list)


def _pick(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def _years_after(day: date, years: int) -> date:
    """The last day of a validity of `years` years starting on `day`."""
    try:
        return day.replace(year=day.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _between(rng: random.Random, low: date, high: date) -> date:
    return date.fromordinal(rng.randint(low.toordinal(), max(low, high).toordinal()))


def _title(text: str) -> str:
    return " ".join(word.capitalize() for word in text.split())


def _age(person: Person) -> float:
    return (REFERENCE_DATE - date.fromisoformat(person.birth_date)).days / 365.2425


class WorkforceGenerator:
    """Turns chosen persons into workers with STRs and practice places."""

    def __init__(self, *, seed: int, regions: dict[str, str]) -> None:
        self.rng = random.Random(seed)
        self.regions = regions  # code -> name, kabupaten/kota and kecamatan
        self.regencies = sorted(code for code in regions if len(code) == 5)
        self._str_serials = itertools.count(1)
        self._sip_serials = itertools.count(1)

    def choose(self, persons: list[Person], count: int) -> list[tuple[Person, str]]:
        """`count` (person, profession) pairs, health occupations first, in NIK order."""
        rng = self.rng
        demo = {w.nik for w in DEMO_WORKERS}
        health = [p for p in persons if p.occupation in HEALTH_OCCUPATIONS and p.nik not in demo]
        if len(health) >= count:
            chosen = sorted(rng.sample(health, count), key=lambda p: p.nik)
            return [(p, self._profession_of(p)) for p in chosen]
        employees = [
            p
            for p in persons
            if p.occupation in EMPLOYEE_OCCUPATIONS and p.nik not in demo and _age(p) <= MAX_EMPLOYEE_AGE
        ]
        extra = rng.sample(employees, min(count - len(health), len(employees)))
        pairs = [(p, self._profession_of(p)) for p in health] + [(p, self._employee_profession(p)) for p in extra]
        return sorted(pairs, key=lambda pair: pair[0].nik)

    def _profession_of(self, person: Person) -> str:
        profession = HEALTH_OCCUPATIONS[person.occupation]
        if profession == "dokter" and self.rng.random() < _DENTIST_SHARE:
            return "dokter_gigi"
        return profession

    def _employee_profession(self, person: Person) -> str:
        profession = _pick(self.rng, _EMPLOYEE_PROFESSIONS)
        return "perawat" if profession == "bidan" and person.sex != "PEREMPUAN" else profession

    def add(self, workforce: Workforce, person: Person, profession: str) -> None:
        workforce.workers.append(
            (person.nik, person.name, person.sex, person.birth_date, profession, person.regency_code)
        )
        registrations = self._registrations(person, profession)
        workforce.registrations.extend(registrations)
        current = registrations[0]
        number, issued, expires, state = current[0], date.fromisoformat(current[3]), current[4], current[5]
        if state == "aktif" and (expires is None or date.fromisoformat(expires) > REFERENCE_DATE):
            workforce.places.extend(self._places(person, profession, number, issued, expires))

    def _str_number(self, person: Person, profession: str, issued: date) -> str:
        digits = PROFESSIONS[profession].digits
        return f"{digits}{person.nik[:2]}{issued:%y%m}{next(self._str_serials):08d}"

    def _registrations(self, person: Person, profession: str) -> list[tuple[object, ...]]:
        """The worker's STRs, the one in use first."""
        rng = self.rng
        qualified = date.fromisoformat(person.birth_date) + timedelta(days=int(MIN_AGE * 365.2425))
        story = _pick(rng, _STORIES)
        last_day = REFERENCE_DATE - timedelta(days=30)
        if (story == "dated" and qualified >= LIFELONG_FROM) or (story == "expired" and qualified.year > 2020):
            story = "lifelong"  # qualified too late for an STR of the old kind

        def row(issued: date, expires: date | None, state: str = "aktif", since: date | None = None) -> tuple:
            number = self._str_number(person, profession, issued)
            iso = expires.isoformat() if expires else None
            return (number, person.nik, profession, issued.isoformat(), iso, state, since and since.isoformat())

        if story in ("lifelong", "suspended", "revoked", "renewed"):
            issued = _between(rng, max(LIFELONG_FROM, qualified), last_day)
            if story == "suspended":
                return [row(issued, None, "ditangguhkan", _between(rng, issued, last_day))]
            if story == "revoked":
                return [row(issued, None, "dicabut", _between(rng, issued, last_day))]
            current = row(issued, None)
            old_issued = issued - timedelta(days=rng.randint(5 * 365, 10 * 365))
            if story == "renewed" and old_issued >= qualified:
                # An old five-year STR, replaced by the lifelong one.
                return [current, row(old_issued, _years_after(old_issued, STR_YEARS), "diganti", issued)]
            return [current]
        if story == "dated":  # issued before UU 17/2023 and still running
            issued = _between(rng, max(date(2021, 7, 1), qualified), LIFELONG_FROM - timedelta(days=1))
        else:  # expired: its five years ran out before the reference date
            issued = _between(rng, max(date(2016, 1, 1), qualified), date(2020, 12, 31))
        return [row(issued, _years_after(issued, STR_YEARS))]

    def _places(
        self, person: Person, profession: str, str_number: str, issued: date, expires: str | None
    ) -> list[tuple[object, ...]]:
        rng = self.rng
        weights = _PLACE_COUNTS.get(profession, _OTHER_PLACE_COUNTS)
        count = rng.choices(range(len(weights)), weights=weights)[0]
        places, facilities = [], set()
        for _ in range(count):
            regency = person.regency_code if rng.random() < 0.85 else rng.choice(self.regencies)
            facility_type = _pick(rng, _FACILITY_TYPES[profession])
            facility = self._facility(person, profession, facility_type, regency)
            if facility in facilities:
                continue
            facilities.add(facility)
            since = _between(rng, max(issued, REFERENCE_DATE - timedelta(days=4 * 365)), REFERENCE_DATE)
            valid_until = _years_after(since, SIP_YEARS)
            if expires is not None:  # a SIP runs no longer than a dated STR
                valid_until = min(valid_until, date.fromisoformat(expires))
            permit = PROFESSIONS[profession].permit
            sip_number = f"503/{next(self._sip_serials):05d}/{permit}/{regency}/{since.year}"
            places.append(
                (
                    sip_number,
                    person.nik,
                    str_number,
                    facility,
                    facility_type,
                    regency,
                    self.regions.get(regency, regency),
                    since.isoformat(),
                    valid_until.isoformat(),
                    None,
                    None,
                    None,
                    REFERENCE_DATE.isoformat(),
                )
            )
        return places

    def _facility(self, person: Person, profession: str, facility_type: str, regency: str) -> str:
        rng = self.rng
        regency_name = self.regions.get(regency, regency)
        city = regency_name.removeprefix("Kota ").removeprefix("Kabupaten ")
        if facility_type == "rumah_sakit":
            return rng.choice(_HOSPITALS).format(regency=regency_name, city=city, name=rng.choice(_NAMES))
        if facility_type == "puskesmas":
            districts = [code for code in self.regions if code.startswith(f"{regency}.")]
            home = person.district_code if person.district_code in self.regions else None
            district = home if home and regency == person.regency_code else rng.choice(districts or [regency])
            return f"Puskesmas {self.regions.get(district, city)}"
        if facility_type == "klinik":
            return f"Klinik Pratama {rng.choice(_NAMES)}"
        if facility_type == "apotek":
            return f"Apotek {rng.choice(_NAMES)}"
        return f"Praktik Mandiri {_MANDIRI_TITLE[profession]} {_title(person.name)}"
