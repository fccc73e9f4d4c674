"""Fixed demo persons: present after every seed with the same NIKs, whatever the seed.

The platform's demo and tests rely on these numbers, so change them only together
with the platform. NIK = kecamatan (6) + DDMMYY birth date, day + 40 for women (6) +
serial (4); KK = kecamatan (6) + DDMMYY of issue (6) + serial (4). Text is upper case,
as the registry stores it. Generated persons never take these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoPerson:
    nik: str
    name: str
    sex: str
    birth_place: str
    birth_date: str
    religion: str
    marital_status: str
    occupation: str
    blood_type: str
    relationship: str
    father_name: str
    mother_name: str


@dataclass(frozen=True, slots=True)
class DemoFamily:
    kk_number: str
    village_code: str
    street: str
    rt: str
    rw: str
    issued_on: str
    members: tuple[DemoPerson, ...]


DEMO_FAMILIES = (
    # Siti Rahmawati and her family, Kelurahan Air Putih, Samarinda Ulu, Kota Samarinda.
    DemoFamily(
        kk_number="6472031803200001",
        village_code="64.72.03.1004",
        street="JL. JUANDA GG. 5 NO. 12",
        rt="014",
        rw="005",
        issued_on="2020-03-18",
        members=(
            DemoPerson(
                nik="6472030309870001",
                name="BUDI SANTOSO",
                sex="LAKI-LAKI",
                birth_place="BALIKPAPAN",
                birth_date="1987-09-03",
                religion="ISLAM",
                marital_status="KAWIN",
                occupation="WIRASWASTA",
                blood_type="O",
                relationship="KEPALA KELUARGA",
                father_name="SUPARMAN",
                mother_name="SRI SUMARNI",
            ),
            DemoPerson(
                nik="6472035204900001",
                name="SITI RAHMAWATI",
                sex="PEREMPUAN",
                birth_place="SAMARINDA",
                birth_date="1990-04-12",
                religion="ISLAM",
                marital_status="KAWIN",
                occupation="KARYAWAN SWASTA",
                blood_type="A",
                relationship="ISTRI",
                father_name="HASAN BASRI",
                mother_name="ROSNAWATI",
            ),
            DemoPerson(
                nik="6472032107160001",
                name="AHMAD FAUZI SANTOSO",
                sex="LAKI-LAKI",
                birth_place="SAMARINDA",
                birth_date="2016-07-21",
                religion="ISLAM",
                marital_status="BELUM KAWIN",
                occupation="PELAJAR/MAHASISWA",
                blood_type="O",
                relationship="ANAK",
                father_name="BUDI SANTOSO",
                mother_name="SITI RAHMAWATI",
            ),
            DemoPerson(
                nik="6472035402200001",
                name="NUR AISYAH SANTOSO",
                sex="PEREMPUAN",
                birth_place="SAMARINDA",
                birth_date="2020-02-14",
                religion="ISLAM",
                marital_status="BELUM KAWIN",
                occupation="BELUM/TIDAK BEKERJA",
                blood_type="A",
                relationship="ANAK",
                father_name="BUDI SANTOSO",
                mother_name="SITI RAHMAWATI",
            ),
        ),
    ),
    # Dewi Lestari, a nurse living alone (for the SIP demo), Sempaja Selatan, Samarinda Utara.
    DemoFamily(
        kk_number="6472050706210001",
        village_code="64.72.05.1002",
        street="JL. PM NOOR NO. 41",
        rt="021",
        rw="003",
        issued_on="2021-06-07",
        members=(
            DemoPerson(
                nik="6472054211950001",
                name="DEWI LESTARI",
                sex="PEREMPUAN",
                birth_place="SAMARINDA",
                birth_date="1995-11-02",
                religion="ISLAM",
                marital_status="BELUM KAWIN",
                occupation="PERAWAT",
                blood_type="B",
                relationship="KEPALA KELUARGA",
                father_name="SUGENG RIYADI",
                mother_name="WARTINI",
            ),
        ),
    ),
    # Joko Widodo Pratama and his family, Kelurahan Pajang, Laweyan, Kota Surakarta.
    DemoFamily(
        kk_number="3372011204050001",
        village_code="33.72.01.1001",
        street="JL. DR. RADJIMAN NO. 218",
        rt="003",
        rw="007",
        issued_on="2005-04-12",
        members=(
            DemoPerson(
                nik="3372013001790001",
                name="JOKO WIDODO PRATAMA",
                sex="LAKI-LAKI",
                birth_place="SURAKARTA",
                birth_date="1979-01-30",
                religion="ISLAM",
                marital_status="KAWIN",
                occupation="PEGAWAI NEGERI SIPIL",
                blood_type="AB",
                relationship="KEPALA KELUARGA",
                father_name="WIDODO",
                mother_name="SUKARTI",
            ),
            DemoPerson(
                nik="3372015506820001",
                name="SRI WAHYUNI",
                sex="PEREMPUAN",
                birth_place="KARANGANYAR",
                birth_date="1982-06-15",
                religion="ISLAM",
                marital_status="KAWIN",
                occupation="GURU",
                blood_type="O",
                relationship="ISTRI",
                father_name="MULYONO",
                mother_name="PAINEM",
            ),
            DemoPerson(
                nik="3372011003040001",
                name="BAGUS PRATAMA",
                sex="LAKI-LAKI",
                birth_place="SURAKARTA",
                birth_date="2004-03-10",
                religion="ISLAM",
                marital_status="BELUM KAWIN",
                occupation="PELAJAR/MAHASISWA",
                blood_type="AB",
                relationship="ANAK",
                father_name="JOKO WIDODO PRATAMA",
                mother_name="SRI WAHYUNI",
            ),
        ),
    ),
)


def demo_people() -> list[tuple[DemoFamily, DemoPerson]]:
    """Every demo person with their family, in KK order."""
    return [(family, person) for family in DEMO_FAMILIES for person in family.members]


def family_row(family: DemoFamily) -> tuple[str, str, str, str, str, str]:
    """The family in store.FAMILY_COLUMNS order."""
    return (family.kk_number, family.village_code, family.street, family.rt, family.rw, family.issued_on)


def person_rows(family: DemoFamily) -> list[tuple[object, ...]]:
    """The members in store.PERSON_COLUMNS order (all living, all WNI)."""
    return [
        (
            p.nik,
            family.kk_number,
            order,
            p.name,
            p.sex,
            p.birth_place,
            p.birth_date,
            p.religion,
            p.marital_status,
            p.occupation,
            p.blood_type,
            "WNI",
            p.relationship,
            p.father_name,
            p.mother_name,
            0,
            None,
        )
        for order, p in enumerate(family.members, start=1)
    ]
