"""Fixed demo workers: present after every seed with the same STR and SIP numbers.

They are demo persons of the Dukcapil simulator (simulators/dukcapil/demo_persons.py), so
they exist in every population whatever its size or seed; their names come from there. The
platform's demo and tests rely on these numbers: change them only together with it. Each
shows one case of the SIP service:

- DEWI LESTARI, perawat: a valid lifelong STR and no practice place (the end-to-end nurse);
- JOKO WIDODO PRATAMA, dokter (a civil servant): a valid STR and already three practice
  places, the most a doctor may hold; his older, dated STR was replaced by the lifelong one;
- SRI WAHYUNI, bidan (now a teacher): her only STR expired on 2023-06-14, before STRs
  became lifelong, so it is not valid;
- BUDI SANTOSO, apoteker (runs his own pharmacy): his STR was revoked (dicabut) on
  2025-08-20, and the practice place of his pharmacy ended with it.

STR numbers of demo workers have serials from 90000001, which generated ones never reach.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoStr:
    number: str
    issued_on: str
    expires_on: str | None  # None: berlaku seumur hidup
    state: str = "aktif"
    state_since: str | None = None


@dataclass(frozen=True, slots=True)
class DemoPlace:
    sip_number: str
    str_number: str
    facility: str
    facility_type: str
    region_code: str
    since: str
    valid_until: str
    ended_on: str | None = None


@dataclass(frozen=True, slots=True)
class DemoWorker:
    nik: str
    profession: str
    what: str  # what it demonstrates, for `demo-workers` and the README
    registrations: tuple[DemoStr, ...]
    places: tuple[DemoPlace, ...] = ()


DEWI_LESTARI = "6472054211950001"
JOKO_WIDODO_PRATAMA = "3372013001790001"
SRI_WAHYUNI = "3372015506820001"
BUDI_SANTOSO = "6472030309870001"

DEMO_WORKERS = (
    DemoWorker(
        nik=DEWI_LESTARI,
        profession="perawat",
        what="valid lifelong STR, no practice place",
        registrations=(DemoStr("2164230990000001", issued_on="2023-09-18", expires_on=None),),
    ),
    DemoWorker(
        nik=JOKO_WIDODO_PRATAMA,
        profession="dokter",
        what="valid STR, already 3 practice places (a doctor's maximum)",
        registrations=(
            DemoStr("1133240290000002", issued_on="2024-02-12", expires_on=None),
            DemoStr(
                "1133190390000003",
                issued_on="2019-03-04",
                expires_on="2024-03-03",
                state="diganti",
                state_since="2024-02-12",
            ),
        ),
        places=(
            DemoPlace(
                "503/90001/SIPD/33.72/2024",
                "1133240290000002",
                "RSUD Kota Surakarta",
                "rumah_sakit",
                "33.72",
                since="2024-03-01",
                valid_until="2029-02-28",
            ),
            DemoPlace(
                "503/90002/SIPD/33.72/2024",
                "1133240290000002",
                "Klinik Pratama Sehat Sentosa",
                "klinik",
                "33.72",
                since="2024-05-02",
                valid_until="2029-05-01",
            ),
            DemoPlace(
                "503/90003/SIPD/33.72/2024",
                "1133240290000002",
                "Praktik Mandiri dr. Joko Widodo Pratama",
                "praktik_mandiri",
                "33.72",
                since="2024-07-15",
                valid_until="2029-07-14",
            ),
        ),
    ),
    DemoWorker(
        nik=SRI_WAHYUNI,
        profession="bidan",
        what="expired STR (2023-06-14), no valid one",
        registrations=(DemoStr("2233180690000004", issued_on="2018-06-15", expires_on="2023-06-14"),),
    ),
    DemoWorker(
        nik=BUDI_SANTOSO,
        profession="apoteker",
        what="revoked STR (dicabut 2025-08-20); his pharmacy's SIP ended with it",
        registrations=(
            DemoStr(
                "3164231090000005",
                issued_on="2023-10-02",
                expires_on=None,
                state="dicabut",
                state_since="2025-08-20",
            ),
        ),
        places=(
            DemoPlace(
                "503/90004/SIPA/64.72/2023",
                "3164231090000005",
                "Apotek Santoso Farma",
                "apotek",
                "64.72",
                since="2023-11-01",
                valid_until="2028-10-31",
                ended_on="2025-08-20",
            ),
        ),
    ),
)
