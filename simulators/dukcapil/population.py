"""A synthetic population for the pilot regions: families (KK) with their members.

Deterministic for a seed: one `random.Random(seed)` drives everything, villages come
in code order, and ages count back from a fixed REFERENCE_DATE rather than today.
Names are drawn from Faker's id_ID name lists (read once, not one Faker call per
person, which would be ~40 times slower at a million persons). Everything else is
here: household shapes, ages, occupations, NIK and KK numbers.

NIK  = kecamatan (6) + DDMMYY of birth, day + 40 for women (6) + serial (4), the serial
       unique per kecamatan, birth date and sex; a NIK is for life, so someone who
       married into or moved to a family keeps the kecamatan code of their first one.
KK   = kecamatan of the family (6) + DDMMYY of issue (6) + serial (4).

nik_prefix, kk_prefix and with_serial build both; the registry's births and moves
(civil_registration.py) number new persons and cards with them too.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from faker.providers.person.id_ID import Provider as IndonesianNames

from .demo_persons import DEMO_FAMILIES
from .regions import Village, city_name

# Bump when the generator changes what a seed produces, so `seed` reloads instead of no-op.
GENERATOR_VERSION = 1
REFERENCE_DATE = date(2026, 1, 1)
_REF = REFERENCE_DATE.toordinal()
_YEAR = 365.2425

MALE, FEMALE = "LAKI-LAKI", "PEREMPUAN"
HEAD, WIFE, HUSBAND, CHILD, PARENT, OTHER = (
    "KEPALA KELUARGA",
    "ISTRI",
    "SUAMI",
    "ANAK",
    "ORANG TUA",
    "FAMILI LAIN",
)
SINGLE, MARRIED, DIVORCED, WIDOWED = "BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"


class _Weighted:
    """Fast weighted choice: `pick(rng)` with cumulative weights computed once."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs: tuple[tuple[str, float], ...]) -> None:
        self.values = [value for value, _ in pairs]
        self.cum = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cum)[0]


# Roughly the national shares (BPS); the pilot regions are mostly Java and Muslim-majority.
RELIGIONS = _Weighted(
    (
        ("ISLAM", 86.9),
        ("KRISTEN", 7.4),
        ("KATOLIK", 3.1),
        ("HINDU", 1.7),
        ("BUDDHA", 0.7),
        ("KONGHUCU", 0.05),
        ("KEPERCAYAAN TERHADAP TUHAN YME", 0.05),
    )
)
# Many adults never had their blood type recorded.
BLOOD_TYPES = _Weighted((("O", 29), ("B", 21), ("A", 18), ("AB", 5), ("TIDAK TAHU", 27)))

_COMMON_WORK = (
    ("KARYAWAN SWASTA", 18),
    ("WIRASWASTA", 15),
    ("BURUH HARIAN LEPAS", 8),
    ("PEDAGANG", 7),
    ("PEGAWAI NEGERI SIPIL", 4),
    ("GURU", 3),
    ("PERAWAT", 1.5),
    ("DOKTER", 0.6),
    ("APOTEKER", 0.3),
    ("DOSEN", 0.4),
    ("BELUM/TIDAK BEKERJA", 4),
)
OCCUPATIONS = {
    # (sex, urban) -> working-age occupations
    (MALE, True): _Weighted(
        (
            *_COMMON_WORK,
            ("KARYAWAN SWASTA", 10),
            ("SOPIR", 4),
            ("TENTARA NASIONAL INDONESIA", 1),
            ("KEPOLISIAN RI", 1),
            ("PETANI/PEKEBUN", 2),
            ("NELAYAN/PERIKANAN", 0.5),
            ("KARYAWAN BUMN", 1.5),
        )
    ),
    (MALE, False): _Weighted(
        (
            *_COMMON_WORK,
            ("PETANI/PEKEBUN", 30),
            ("BURUH TANI/PERKEBUNAN", 10),
            ("SOPIR", 3),
            ("NELAYAN/PERIKANAN", 2),
            ("TENTARA NASIONAL INDONESIA", 0.5),
            ("KEPOLISIAN RI", 0.5),
        )
    ),
    (FEMALE, True): _Weighted(
        (
            *_COMMON_WORK,
            ("MENGURUS RUMAH TANGGA", 38),
            ("PERAWAT", 2.5),
            ("BIDAN", 1.5),
            ("GURU", 3),
            ("KARYAWAN BUMN", 1),
        )
    ),
    (FEMALE, False): _Weighted(
        (
            *_COMMON_WORK,
            ("MENGURUS RUMAH TANGGA", 40),
            ("PETANI/PEKEBUN", 15),
            ("BURUH TANI/PERKEBUNAN", 6),
            ("BIDAN", 1.5),
            ("PERAWAT", 1),
        )
    ),
}
HOUSEHOLD_KINDS = _Weighted(
    (
        ("couple_with_children", 60),
        ("couple", 10),
        ("single_parent", 9),
        ("single", 9),
        ("elderly_alone", 5),
        ("couple_with_children_and_parent", 7),
    )
)

_STREETS = (
    "AHMAD YANI",
    "SUDIRMAN",
    "DIPONEGORO",
    "GAJAH MADA",
    "HASANUDDIN",
    "PAHLAWAN",
    "MERDEKA",
    "PEMUDA",
    "KARTINI",
    "IMAM BONJOL",
    "CUT NYAK DIEN",
    "SISINGAMANGARAJA",
    "PANGERAN ANTASARI",
    "SULTAN AGUNG",
    "SLAMET RIYADI",
    "VETERAN",
    "KI HAJAR DEWANTARA",
    "DR. SUTOMO",
    "MT HARYONO",
    "SUPRAPTO",
    "MAWAR",
    "MELATI",
    "ANGGREK",
    "KENANGA",
    "FLAMBOYAN",
    "CEMPAKA",
    "BERINGIN",
    "NANGKA",
    "RAMBUTAN",
    "SEMANGKA",
    "PERINTIS KEMERDEKAAN",
    "PERJUANGAN",
    "RAYA",
    "PENDIDIKAN",
    "KESEHATAN",
    "KEBON JERUK",
    "BANGAU",
    "CENDRAWASIH",
    "MERPATI",
    "TELUK",
)
_HAMLETS = (
    "KRAJAN",
    "SUMBERSARI",
    "KARANGANYAR",
    "SIDOMULYO",
    "TEGALREJO",
    "NGASEM",
    "SUKAMAJU",
    "MEKARSARI",
    "TANJUNGSARI",
    "MULYOREJO",
    "PATOKAN",
    "KEDUNGREJO",
    "WONOREJO",
    "SUMBEREJO",
    "PANDANSARI",
)

_MALE_FIRST = tuple(n.upper() for n in IndonesianNames.first_names_male)
_FEMALE_FIRST = tuple(n.upper() for n in IndonesianNames.first_names_female)
_MALE_LAST = tuple(n.upper() for n in IndonesianNames.last_names_male)
_FEMALE_LAST = tuple(n.upper() for n in IndonesianNames.last_names_female)


def nik_prefix(kecamatan: str, born: date, sex: str) -> str:
    """The first 12 digits of a NIK: kecamatan (6 digits) + DDMMYY of birth, day + 40 for women."""
    day = born.day + (40 if sex == FEMALE else 0)
    return f"{kecamatan}{day:02d}{born.month:02d}{born.year % 100:02d}"


def kk_prefix(kecamatan: str, issued: date) -> str:
    """The first 12 digits of a KK number: kecamatan (6 digits) + DDMMYY of issue."""
    return f"{kecamatan}{issued:%d%m%y}"


def with_serial(prefix: str, serial: int) -> str:
    """The 16-digit number; OverflowError past serial 9999 (a number has four digits for it)."""
    if not 1 <= serial <= 9999:
        raise OverflowError(f"no serial left for {prefix}: 9,999 numbers are taken")
    return f"{prefix}{serial:04d}"


@dataclass(slots=True)
class _Member:
    sex: str
    birth: int  # proleptic ordinal
    relationship: str
    marital_status: str
    name: str = ""
    father_name: str = ""
    mother_name: str = ""
    district: Village | None = None  # where the NIK was issued; None = the family's kecamatan
    death: int | None = None


@dataclass(slots=True)
class Household:
    """One KK: the family row and its member rows, ready for the store."""

    family: tuple[object, ...]
    persons: list[tuple[object, ...]] = field(default_factory=list)


class PopulationGenerator:
    """Yields households until `persons` persons exist (the last household may be cut short)."""

    def __init__(self, *, seed: int, villages: tuple[Village, ...], reserved: bool = True) -> None:
        self.rng = random.Random(seed)
        self.villages = villages
        self.districts = tuple({v.district_code: v for v in villages}.values())
        self.cities = tuple(sorted({city_name(v.regency_name) for v in villages}))
        self._nik_serials: dict[str, int] = {}
        self._kk_serials: dict[str, int] = {}
        if reserved:
            # The demo persons keep their numbers on every seed: count them as taken.
            for family in DEMO_FAMILIES:
                self._take(self._kk_serials, family.kk_number)
                for person in family.members:
                    self._take(self._nik_serials, person.nik)

    @staticmethod
    def _take(serials: dict[str, int], number: str) -> None:
        prefix, serial = number[:12], int(number[12:])
        serials[prefix] = max(serials.get(prefix, 0), serial)

    # --- names ---------------------------------------------------------------------

    def _name(self, sex: str) -> str:
        rng = self.rng
        first, last = (_MALE_FIRST, _MALE_LAST) if sex == MALE else (_FEMALE_FIRST, _FEMALE_LAST)
        roll = rng.random()
        if roll < 0.15:
            return rng.choice(first)
        if roll < 0.75:
            return f"{rng.choice(first)} {rng.choice(last)}"
        if roll < 0.92:
            return f"{rng.choice(first)} {rng.choice(first)} {rng.choice(last)}"
        return f"{rng.choice(first)} {rng.choice(first)}"

    def _child_name(self, sex: str, father_name: str) -> str:
        name = self._name(sex)
        words = father_name.split()
        # Many urban families pass the father's last name on, as in "AHMAD FAUZI SANTOSO".
        if len(words) > 1 and self.rng.random() < 0.3:
            name = f"{name.rsplit(' ', 1)[0] if ' ' in name else name} {words[-1]}"
        return name

    # --- dates ---------------------------------------------------------------------

    def _born_aged(self, low: float, high: float) -> int:
        """A birth date (ordinal) for someone aged between low and high years on REFERENCE_DATE."""
        return _REF - int(self.rng.uniform(low, high) * _YEAR)

    @staticmethod
    def _age(birth: int) -> float:
        return (_REF - birth) / _YEAR

    # --- households ----------------------------------------------------------------

    def _couple(self, head_age: tuple[float, float]) -> list[_Member]:
        rng = self.rng
        husband = _Member(MALE, self._born_aged(*head_age), HEAD, MARRIED)
        wife_age = max(18.5, self._age(husband.birth) - rng.uniform(-2, 9))
        wife = _Member(FEMALE, self._born_aged(wife_age, wife_age + 0.99), WIFE, MARRIED)
        wife.district = rng.choice(self.districts) if rng.random() < 0.2 else None
        husband.district = rng.choice(self.districts) if rng.random() < 0.1 else None
        if rng.random() < 0.03:
            # Now and then the wife heads the KK.
            wife.relationship, husband.relationship = HEAD, HUSBAND
            return [wife, husband]
        return [husband, wife]

    def _children(self, mother_birth: int, count: int) -> list[_Member]:
        rng = self.rng
        children = []
        birth = mother_birth + int(rng.uniform(19, 30) * _YEAR)
        for _ in range(count):
            if birth > _REF:
                break
            age = self._age(birth)
            # Grown children usually have a KK of their own.
            if age < 24 or rng.random() < 0.3:
                children.append(_Member(rng.choice((MALE, FEMALE)), birth, CHILD, SINGLE))
            birth += int(rng.uniform(1.5, 6) * _YEAR)
        return children

    def _household_members(self) -> list[_Member]:
        rng = self.rng
        kind = HOUSEHOLD_KINDS.pick(rng)
        n_children = rng.choices((0, 1, 2, 3, 4, 5, 6), cum_weights=(3, 26, 60, 82, 92, 97, 100))[0]
        if kind in ("couple_with_children", "couple_with_children_and_parent"):
            members = self._couple((24, 66))
            mother = members[0] if members[0].sex == FEMALE else members[1]
            members += self._children(mother.birth, max(1, n_children))
            if kind == "couple_with_children_and_parent":
                members.append(self._parent_of(members[0] if rng.random() < 0.6 else members[1]))
            elif rng.random() < 0.05:
                members.append(
                    _Member(rng.choice((MALE, FEMALE)), self._born_aged(6, 30), OTHER, SINGLE, district=None)
                )
            return members
        if kind == "couple":
            young = rng.random() < 0.5
            return self._couple((21, 30) if young else (55, 80))
        if kind == "single_parent":
            sex = FEMALE if rng.random() < 0.8 else MALE
            head = _Member(sex, self._born_aged(28, 60), HEAD, rng.choice((DIVORCED, WIDOWED)))
            mother_birth = head.birth if sex == FEMALE else head.birth + int(rng.uniform(0, 6) * _YEAR)
            return [head, *self._children(mother_birth, max(1, n_children))]
        if kind == "single":
            head = _Member(rng.choice((MALE, FEMALE)), self._born_aged(19, 40), HEAD, SINGLE)
            if self._age(head.birth) > 30 and rng.random() < 0.3:
                head.marital_status = DIVORCED
            return [head]
        head = _Member(FEMALE if rng.random() < 0.75 else MALE, self._born_aged(62, 92), HEAD, WIDOWED)
        return [head]

    def _parent_of(self, child: _Member) -> _Member:
        rng = self.rng
        sex = FEMALE if rng.random() < 0.75 else MALE
        age = self._age(child.birth) + rng.uniform(19, 38)
        parent = _Member(sex, self._born_aged(age, age + 0.99), PARENT, WIDOWED)
        parent.district = rng.choice(self.districts) if rng.random() < 0.5 else None
        parent.name = self._name(sex)
        if sex == MALE:
            child.father_name = parent.name
        else:
            child.mother_name = parent.name
        return parent

    def _name_members(self, members: list[_Member]) -> None:
        """Names and parents' names, consistent within the family."""
        head = members[0]
        spouse = next((m for m in members[1:] if m.relationship in (WIFE, HUSBAND)), None)
        father = head if head.sex == MALE else spouse
        mother = head if head.sex == FEMALE else spouse
        for m in members:
            if not m.name and m.relationship != CHILD:
                m.name = self._name(m.sex)
        # Outside parents of a single parent's children (ex-spouse or late spouse).
        absent_father = self._name(MALE) if father is None else ""
        absent_mother = self._name(FEMALE) if mother is None else ""
        for m in members:
            if m.relationship == CHILD:
                m.father_name = father.name if father else absent_father
                m.mother_name = mother.name if mother else absent_mother
                m.name = self._child_name(m.sex, m.father_name)
            else:
                m.father_name = m.father_name or self._name(MALE)
                m.mother_name = m.mother_name or self._name(FEMALE)

    def _decease(self, members: list[_Member]) -> None:
        """A few percent have died, more among the old; a surviving spouse is CERAI MATI."""
        rng = self.rng
        for m in members:
            age = self._age(m.birth)
            risk = 0.002 if age < 40 else 0.015 if age < 60 else 0.07 if age < 75 else 0.2
            if rng.random() < risk:
                m.death = _REF - rng.randint(1, max(1, min(int(5 * _YEAR), _REF - m.birth - 1)))
        couple = [m for m in members if m.relationship in (HEAD, WIFE, HUSBAND) and m.marital_status == MARRIED]
        if len(couple) == 2:
            for a, b in ((couple[0], couple[1]), (couple[1], couple[0])):
                if a.death is not None and b.death is None:
                    b.marital_status = WIDOWED

    def _occupation(self, m: _Member, urban: bool) -> str:
        age = self._age(m.birth)
        rng = self.rng
        if age < 5:
            return "BELUM/TIDAK BEKERJA"
        if age < 18 or (age < 23 and rng.random() < 0.55):
            return "PELAJAR/MAHASISWA"
        if age >= 58:
            roll = rng.random()
            if roll < 0.2:
                return "PENSIUNAN"
            if roll < 0.5:
                return "MENGURUS RUMAH TANGGA" if m.sex == FEMALE else "BELUM/TIDAK BEKERJA"
        return OCCUPATIONS[(m.sex, urban)].pick(rng)

    def _nik(self, district: Village, m: _Member) -> str:
        prefix = nik_prefix(district.nik_prefix, date.fromordinal(m.birth), m.sex)
        serial = self._nik_serials.get(prefix, 0) + 1
        self._nik_serials[prefix] = serial
        return with_serial(prefix, serial)

    def _kk_number(self, village: Village, issued: date) -> str:
        prefix = kk_prefix(village.nik_prefix, issued)
        serial = self._kk_serials.get(prefix, 0) + 1
        self._kk_serials[prefix] = serial
        return with_serial(prefix, serial)

    def _address(self, village: Village) -> tuple[str, str, str]:
        rng = self.rng
        if village.type == "desa" and rng.random() < 0.6:
            street = f"DUSUN {rng.choice(_HAMLETS)}"
        else:
            street = f"JL. {rng.choice(_STREETS)}"
            if rng.random() < 0.35:
                street += f" GG. {rng.randint(1, 12)}"
            street += f" NO. {rng.randint(1, 250)}"
        return street, f"{rng.randint(1, 15):03d}", f"{rng.randint(1, 9):03d}"

    def households(self) -> Iterator[Household]:
        """An endless, deterministic stream of households."""
        rng = self.rng
        while True:
            village = rng.choice(self.villages)
            members = self._household_members()
            self._name_members(members)
            self._decease(members)
            youngest = max(m.birth for m in members)
            issued_from = max(youngest, date(2008, 1, 1).toordinal())
            issued = date.fromordinal(rng.randint(min(issued_from, _REF), _REF))
            kk_number = self._kk_number(village, issued)
            street, rt, rw = self._address(village)
            household = Household(family=(kk_number, village.code, street, rt, rw, issued.isoformat()))
            religion = RELIGIONS.pick(rng)
            for order, m in enumerate(members, start=1):
                district = m.district or village
                home_city = city_name(district.regency_name)
                birth_place = home_city if rng.random() < 0.9 else rng.choice(self.cities)
                household.persons.append(
                    (
                        self._nik(district, m),
                        kk_number,
                        order,
                        m.name,
                        m.sex,
                        birth_place,
                        date.fromordinal(m.birth).isoformat(),
                        religion if rng.random() < 0.98 else RELIGIONS.pick(rng),
                        m.marital_status,
                        self._occupation(m, village.is_urban),
                        BLOOD_TYPES.pick(rng),
                        "WNI",
                        m.relationship,
                        m.father_name,
                        m.mother_name,
                        1 if m.death is not None else 0,
                        date.fromordinal(m.death).isoformat() if m.death is not None else None,
                    )
                )
            yield household


def generate(*, persons: int, seed: int, villages: tuple[Village, ...]) -> Iterator[Household]:
    """Households holding exactly `persons` persons in all (the last one cut short if needed)."""
    remaining = persons
    if remaining <= 0:
        return
    for household in PopulationGenerator(seed=seed, villages=villages).households():
        if len(household.persons) > remaining:
            # The head comes first, so a cut household still has its head.
            household.persons = household.persons[:remaining]
        remaining -= len(household.persons)
        yield household
        if remaining == 0:
            return
