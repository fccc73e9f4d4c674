"""Bench-only: the villages' pages to load (issue #19), their offices that differ, and their queries in-process.

Run by bench/villages_bench.py with the benchmark's environment and the public response cache off (its
PostgreSQL database, after load_regions and seed_catalog):

    python bench/villages_seed.py <out_dir> --villages 2000 --offices 10 --seed 42

Reads what load_regions and seed_catalog left (every village and kelurahan of the Kemendagri set; the pilot
regions that offer the national village letters through their ``pemdes`` agency), then:

- draws ``--villages`` villages at random (``--seed``) among the villages of every such region, Kota Samarinda's
  FEATURED village first, and writes two files for bench/paths.lua: each village's page ``/wilayah/<code>/`` and its
  SKTM page ``/wilayah/<code>/layanan/<id>/``, the id of its own region's ``sktm`` service;
- gives ``--offices`` of them (spread over the regions drawn) a ``VillageOffice`` that differs from its region
  (``villages.services.change_office``: the head's name, an address and phone, its own hours, a Perdes fee for
  the SKTM), so that the pages of villages with and without a row are loaded alike;
- renders both pages in-process (Django's test client, after one request that warms the process) for a handful
  of villages with and without an office, counting their queries (``CaptureQueriesContext``), and checks that an
  office's page shows what it changed.

Prints one JSON object on stdout: the files, the counts, the queries, how long each step took.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from seeding import Steps  # noqa: E402

from mpp.catalog.models import Agency, Mode, Service  # noqa: E402
from mpp.regions.models import Level, Region  # noqa: E402
from mpp.villages import services as village_services  # noqa: E402
from mpp.villages.models import VillageOffice  # noqa: E402

FEATURED = "64.72.03.1004"  # Kelurahan Air Putih, Kota Samarinda: the example
SERVICE = "sktm"
#: Villages of each kind rendered in-process for the query counts (besides the warm-up's).
QUERIED = 4
OFFICE_FEE = 10_000
OFFICE_HOURS = [
    {"days": [0, 1, 2, 3], "opens": "07:30", "closes": "15:30"},
    {"days": [4], "opens": "07:30", "closes": "11:00"},
]


def letter_regions() -> dict[str, str]:
    """Pilot regions whose ``pemdes`` agency offers the village letters: region code → its sktm service's id."""
    with_agency = Agency.objects.filter(kind__code="pemdes", village__isnull=True).values("region_id")
    services = Service.objects.filter(
        template__slug=SERVICE,
        region__is_pilot=True,
        region_id__in=with_agency,
        is_active=True,
        mode=Mode.APPLICATION,
    )
    return {region: str(pk) for region, pk in services.values_list("region_id", "pk")}


def draw_villages(regions: dict[str, str], count: int, seed: int) -> list[str]:
    """``count`` village codes of ``regions`` at random, FEATURED first, in a random order."""
    within = Q()
    for code in regions:
        within |= Q(code__startswith=f"{code}.")
    codes = sorted(Region.objects.filter(within, level=Level.VILLAGE).values_list("code", flat=True))
    if FEATURED not in codes:
        raise SystemExit(f"{FEATURED} is not a village of a region with the village letters: {sorted(regions)}")
    codes.remove(FEATURED)
    drawn = random.Random(seed).sample(codes, min(count - 1, len(codes)))
    return [FEATURED, *drawn]


def regency_of(code: str) -> str:
    return code[:5]


def give_offices(villages: list[str], count: int) -> list[str]:
    """``count`` of the drawn villages (not FEATURED), each of another region while there are, with an office
    that differs: made through the platform's own service, as a village's staff would."""
    chosen, seen = [], set()
    for pass_ in (0, 1):
        for code in villages[1:]:
            if len(chosen) == count:
                break
            if code in chosen or (pass_ == 0 and regency_of(code) in seen):
                continue
            chosen.append(code)
            seen.add(regency_of(code))
    for n, code in enumerate(chosen):
        village_services.change_office(
            village=Region.objects.get(code=code),
            by=None,
            head_name=f"Kepala Uji Beban {n + 1}",
            address=f"Jalan Uji Beban No. {n + 1}",
            phone=f"08123450{n:04d}",
            opening_hours=OFFICE_HOURS,
            fees={SERVICE: OFFICE_FEE},
        )
    return chosen


def page_paths(villages: list[str], regions: dict[str, str]) -> tuple[list[str], list[str]]:
    pages = [f"/wilayah/{code}/" for code in villages]
    services = [f"/wilayah/{code}/layanan/{regions[regency_of(code)]}/" for code in villages]
    return pages, services


def render(client: Client, path: str, expected: list[str]) -> dict:
    """One GET in-process: its status, queries, time, and which of ``expected`` the page lacks."""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    wall_ms = (time.perf_counter() - started) * 1000
    body = response.content.decode(errors="replace")
    return {
        "path": path,
        "status": response.status_code,
        "queries": len(queries),
        "wall_ms": round(wall_ms, 1),
        "sql_ms": round(sum(float(query["time"]) for query in queries.captured_queries) * 1000, 1),
        "missing": [text for text in expected if text not in body],
        "sql": [query["sql"] for query in queries.captured_queries],
    }


def count_queries(villages: list[str], offices: list[str], regions: dict[str, str]) -> dict:
    """Both pages of FEATURED, of QUERIED villages without an office and of QUERIED with one, in-process, each
    twice: the village page reads its region through the cache (``regions.selectors.region``), so a village's first
    visit in a process costs one query more than the next ones."""
    plain = [code for code in villages[1:-1] if code not in offices][:QUERIED]
    sample = [FEATURED, *plain, *offices[:QUERIED]]
    office_rows = {office.village_id: office for office in VillageOffice.objects.filter(village_id__in=sample)}
    client = Client(HTTP_HOST="127.0.0.1")
    # The process's first request loads what later ones find ready (templates, URLconf): a village of its own.
    warm_page, warm_service = page_paths(villages[-1:], regions)
    client.get(warm_page[0])
    client.get(warm_service[0])
    pages, services = page_paths(sample, regions)
    found: dict[str, list[dict]] = {"village_page": [], "village_service_page": []}
    for code, page, service in zip(sample, pages, services, strict=True):
        office = office_rows.get(code)
        expected = [code, office.head_name] if office is not None else [code]
        fee = [f"{OFFICE_FEE:,}".replace(",", ".")] if office is not None else []
        for name, path, texts in (("village_page", page, expected), ("village_service_page", service, fee)):
            first, then = render(client, path, texts), render(client, path, texts)
            found[name].append(first | {"office": office is not None, "queries_then": then["queries"]})
    return {name: _summary(rows) for name, rows in found.items()}


def _summary(rows: list[dict]) -> dict:
    first = sorted({row["queries"] for row in rows})
    then = sorted({row["queries_then"] for row in rows})
    return {
        "queries_first": first,
        "queries_then": then,
        "constant": len(first) == 1 and len(then) == 1,
        "statuses": sorted({row["status"] for row in rows}),
        "median_wall_ms": round(statistics.median(row["wall_ms"] for row in rows), 1),
        "median_sql_ms": round(statistics.median(row["sql_ms"] for row in rows), 1),
        "problems": [
            f"{row['path']} answered {row['status']} without {row['missing']}"
            for row in rows
            if row["status"] != 200 or row["missing"]
        ],
        "sql": rows[0]["sql"],
        "rows": [
            {key: row[key] for key in ("path", "status", "queries", "queries_then", "wall_ms", "office")}
            for row in rows
        ],
    }


def checks(villages: list[str], offices: list[str], regions: dict[str, str]) -> dict[str, list]:
    """What the bench checks before each scenario's load: [path, texts the page must show] of FEATURED's pages and
    of the first office's (its head, its Perdes fee)."""
    sample = [FEATURED, *offices[:1]]
    pages, services = page_paths(sample, regions)
    letter = Service.objects.select_related("template").get(pk=regions[regency_of(FEATURED)]).template.name
    found = {"village_page": [[pages[0], [FEATURED, letter]]], "village_service_page": [[services[0], [letter]]]}
    if offices:
        office = VillageOffice.objects.get(village_id=offices[0])
        found["village_page"].append([pages[1], [offices[0], office.head_name]])
        found["village_service_page"].append([services[1], [letter, f"{OFFICE_FEE:,}".replace(",", ".")]])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--villages", type=int, default=2_000)
    parser.add_argument("--offices", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    step = Steps()
    regions = step("regions", letter_regions)
    villages = step("draw", lambda: draw_villages(regions, args.villages, args.seed))
    offices = step("offices", lambda: give_offices(villages, args.offices))
    pages, services = page_paths(villages, regions)
    files = {"village_page": out / "village-pages.txt", "village_service_page": out / "village-services.txt"}
    for name, lines in (("village_page", pages), ("village_service_page", services)):
        files[name].write_text("".join(f"{line}\n" for line in lines), encoding="ascii")
    queries = step("queries", lambda: count_queries(villages, offices, regions))
    print(
        json.dumps(
            {
                "steps_s": step.seconds,
                "files": {name: str(path) for name, path in files.items()},
                "checks": checks(villages, offices, regions),
                "counts": {
                    "villages_loaded": Region.objects.filter(level=Level.VILLAGE).count(),
                    "regions": len(regions),
                    "regions_drawn": len({regency_of(code) for code in villages}),
                    "villages_in_regions": Region.objects.filter(
                        level=Level.VILLAGE, parent__parent_id__in=list(regions)
                    ).count(),
                    "villages_drawn": len(villages),
                    "offices": len(offices),
                    "office_rows": VillageOffice.objects.count(),
                },
                "offices": offices,
                "queries": queries,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
