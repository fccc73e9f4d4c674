"""The villages' scenarios (issue #19): a village's page and one of its letters' pages, for anonymous visitors, with
the public response cache off (what a cache miss costs, as the catalog's uncached pages are measured), over many
villages of many regions, each beside the ceiling (``GET /healthz``) measured on the same granian server at the
same connections in the same run.

Data comes from villages_seed.py: BENCH_VILLAGES villages (2,000 by default) drawn at random among the villages of
the pilot regions that offer the national village letters (every village of the Kemendagri set is loaded by
load_regions: the count is checked), Kota Samarinda's Kelurahan Air Putih (64.72.03.1004) first, and OFFICES of
them given a ``VillageOffice`` that differs from its region; the queries of both pages counted in-process. Then one
granian server with the benchmark's settings and SERVER_ENV serves:

- ``village_page``: ``GET /wilayah/<village>/``, another village per request (bench/paths.lua);
- ``village_service_page``: ``GET /wilayah/<village>/layanan/<id>/``, the SKTM of another village per request, the
  id of its own region's ``sktm`` service;

at as many connections as the server has threads (a latency target: a request waits for its own work, not in a
queue of 32), each held to MAX_PAGE_P95_MS with constant queries, every answer a 200 (counted by status).
"""

import functools
import os
from pathlib import Path

import applications
import loadtest
import servers
from complaints_bench import _statement, cpu_ms, table_rows
from payments_bench import _run
from queue_bench import _with_share, measure

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent

# Targets of the issue.
MAX_PAGE_P95_MS = 50.0
EXPECTED_VILLAGES = 83_762  # the Kemendagri set load_regions loads

VILLAGES = int(os.environ.get("BENCH_VILLAGES", "2000"))
OFFICES = 10
#: The public response cache off: every request renders its page (the catalog's uncached pages are measured so).
SERVER_ENV = {"PUBLIC_CACHE_SECONDS": "0"}
CONNECTIONS = applications.PAGE_CONNECTIONS

Scenario = applications.Scenario
PAGE = Scenario(
    "village_page",
    "GET",
    "/wilayah/<village>/",
    f"p95 < {MAX_PAGE_P95_MS:.0f} ms at {CONNECTIONS} connections, constant queries",
    note=" another village per request, response cache off",
    connections=CONNECTIONS,
)
SERVICE_PAGE = Scenario(
    "village_service_page",
    "GET",
    "/wilayah/<village>/layanan/<sktm>/",
    f"p95 < {MAX_PAGE_P95_MS:.0f} ms at {CONNECTIONS} connections, constant queries",
    note=" the SKTM of another village per request, response cache off",
    connections=CONNECTIONS,
)
CEILING = Scenario("villages_ceiling", "GET", "/healthz", "—", note=" on this server", connections=CONNECTIONS)


def say(message: str) -> None:
    print(message, flush=True)


def seed(env: dict, var_dir: Path) -> dict:
    """villages_seed.py's JSON (run with the server's settings: its in-process queries are the pages' own)."""
    say(f"==> villages data: {VILLAGES:,} villages of the pilot regions, {OFFICES} with an office of their own")
    args = [str(var_dir / "villages"), "--villages", str(VILLAGES), "--offices", str(OFFICES)]
    data = _run("villages_seed.py", args, {**env, **SERVER_ENV})
    counts = data["counts"]
    say(
        f"    {counts['villages_loaded']:,} villages loaded; {counts['villages_drawn']:,} drawn of "
        f"{counts['villages_in_regions']:,} in {counts['regions']} regions"
    )
    for name, found in data["queries"].items():
        say(f"    {name}: {found['queries_first']} queries on a first visit, then {found['queries_then']}")
    return data


def _check(port: int, pages: list[list]) -> str | None:
    """Each page answers 200 with what it must show."""
    for path, expected in pages:
        response = servers.request(port, "GET", path, timeout=30)
        body = response.body.decode(errors="replace")
        missing = [text for text in expected if text not in body]
        if response.status != 200 or missing:
            return f"GET {path} answered {response.status} without {missing}"
    return None


def _problems(row: dict, queries: dict, counts: dict) -> list[str]:
    """Answers other than 200 (a redirect passes wrk), queries that vary, villages missing, pages that lacked
    what they must show in-process."""
    statuses = {**row["warm_up_statuses"]}
    for status, n in row["statuses"].items():
        statuses[status] = statuses.get(status, 0) + n
    problems = [f"{n:,} answers {status}" for status, n in sorted(statuses.items()) if status != "200"]
    if not queries["constant"]:
        problems.append(f"queries vary: {queries['queries_first']} on a first visit, then {queries['queries_then']}")
    if counts["villages_loaded"] != EXPECTED_VILLAGES:
        problems.append(f"{counts['villages_loaded']:,} villages loaded, not {EXPECTED_VILLAGES:,}")
    return problems + queries["problems"]


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> dict:
    """The ceiling and the two pages on one granian server (SERVER_ENV); ``data`` is villages_seed.py's JSON."""
    threads = str(loadtest.THREADS)
    server = servers.granian_server("villages", {**env, **SERVER_ENV}, cwd=PROJECT_DIR, log_dir=var_dir)
    say(f"==> granian (villages, public cache off) on 127.0.0.1:{server.port}")
    rows = []
    with server:
        measured = functools.partial(measure, server, wrk_path, seconds)
        ceiling = applications.judge(measured(CEILING, "/healthz", lambda: None, loadtest.PLAIN_GET), None)
        rows.append(ceiling)
        for scenario in (PAGE, SERVICE_PAGE):
            pages = data["checks"][scenario.name]
            check = functools.partial(_check, server.port, pages)
            load = loadtest.Load(BENCH_DIR / "paths.lua", args=(data["files"][scenario.name], threads))
            row = measured(scenario, pages[0][0], check, load)
            queries = data["queries"][scenario.name]
            problems = _problems(row, queries, data["counts"])
            row = applications.judge(
                _with_share(row, ceiling)
                | {"queries": queries["queries_first"], "queries_then": queries["queries_then"]},
                row["p95_ms"] < MAX_PAGE_P95_MS,
                ", ".join(problems) or None,
            )
            say(f"    {'; '.join(problems) or 'every answer a 200, queries constant'}")
            rows.append(row)
        if any(row["failure"] for row in rows):  # the server's log says why
            say(server.log_path.read_text(errors="replace")[-3000:])
    return {
        "scenarios": rows,
        "rows": rows,
        "server_env": SERVER_ENV,
        "seed": {key: data[key] for key in ("steps_s", "counts", "offices", "checks")},
        "queries": {
            name: {key: value for key, value in found.items() if key != "rows"}
            for name, found in data["queries"].items()
        },
    }


# --- the report ------------------------------------------------------------------------------------------------------


def _queries(name: str, found: dict) -> str:
    statements = ", ".join(f"`{_statement(sql)}`" for sql in found["sql"])
    first, then = found["queries_first"], found["queries_then"]
    counts = (
        f"{first[0]} queries" if first == then else f"{first[0]} queries on a village's first visit, {then[0]} after"
    )
    if not found["constant"]:
        counts = f"**not constant**: {first} on a first visit, {then} after"
    return (
        f"{name}: {counts} (the first visit's: {statements}); {found['median_wall_ms']:.1f} ms a page in-process, "
        f"{found['median_sql_ms']:.1f} ms of it in SQL (medians)."
    )


def cpu_bound(row: dict, cores: int, target_ms: float) -> str:
    """What the CPU a request cost allows on these cores: with ``connections`` requests in flight and the cores
    busy, a request takes about connections × (server + PostgreSQL CPU) / cores."""
    spent = cpu_ms(row, "server") + cpu_ms(row, "postgres")
    floor = row["connections"] * spent / cores
    verdict = "within" if floor < target_ms else "beyond"
    return (
        f"**{row['name']}**: {cpu_ms(row, 'server'):.1f} ms of server CPU and {cpu_ms(row, 'postgres'):.1f} ms of "
        f"PostgreSQL CPU a request, so {row['connections']} in flight on {cores} cores take about {floor:.0f} ms each "
        f"on average when the cores do nothing else ({verdict} the {target_ms:.0f} ms target); other work used "
        f"{row['cpu_cores']['other']:.2f} cores during the run."
    )


def section(results: dict) -> list[str]:
    """The villages section of a report (``run.py --only villages`` prints it alone)."""
    data = results["villages"]
    ceiling, page, service = data["scenarios"]
    counts, queries = data["seed"]["counts"], data["queries"]
    cores = results["machine"]["nproc"]
    server_env = ", ".join(f"`{name}={value}`" for name, value in data["server_env"].items())
    return [
        "## Villages: a village's page and its letters (issue #19)",
        "",
        f"Targets of the issue, with all {EXPECTED_VILLAGES:,} villages and kelurahan loaded "
        f"({counts['villages_loaded']:,} here): a village's page and a village letter's page with p95 < "
        f"{MAX_PAGE_P95_MS:.0f} ms and a constant number of queries, not from the public response cache. On a granian "
        f"server of its own with the settings above and {server_env} (every request renders its page, as the "
        f"catalog's uncached pages above), at {CONNECTIONS} connections (as many as the server has threads: a "
        "latency target), beside the ceiling (`GET /healthz`) measured on that server at the same connections in the "
        "same run. *Server CPU ms/req* and *PostgreSQL CPU ms/req* are the CPU the granian workers and the PostgreSQL "
        "processes used per answered request.",
        "",
        *table_rows(data["scenarios"]),
        "",
        f"- Each request asks for another village: {counts['villages_drawn']:,} drawn at random among the "
        f"{counts['villages_in_regions']:,} villages of the {counts['regions']} pilot regions that offer the national "
        f"village letters through their `pemdes` agency (all {counts['regions_drawn']} regions drawn), Kota "
        "Samarinda's Kelurahan Air Putih (`64.72.03.1004`) among them, each thread of wrk going round its share "
        "(`bench/paths.lua`). The letter's page is each village's SKTM, under the id of its own region's `sktm` "
        f"service. {counts['offices']} of the villages have a `VillageOffice` that differs from their region (head, "
        "address, phone, hours and a Perdes fee for the SKTM, through `villages.services.change_office`). Before "
        "the load Air Putih's pages and an office's must answer 200 with what they show (the office's head, its "
        "fee); during it every answer must be a 200 (counted by status: a redirect or a 404 fails the row).",
        f"- {_queries('Village page', queries['village_page'])} Both pages read the village with its district and "
        "regency in one query (their codes are the village's prefixes) and its region's letters as plain rows, no "
        "cache in between: every request costs what a first visit does.",
        f"- {_queries('Village letter page', queries['village_service_page'])}",
        "- Counted in-process before the load (`bench/villages_seed.py`, Django's test client, the response cache "
        "off), for Air Putih and villages with and without an office, each page twice.",
        "- Profiled with py-spy on a granian worker under this load (`BENCH_FLAMEGRAPHS`), before and after the "
        "pages' reads were cut to one query for the village and its parents and plain rows for the letters "
        "(commit 8e6d7c4): [village page before](profiles/village-page-before.svg), "
        "[after](profiles/village-page-after.svg); [letter page before](profiles/village-letter-page-before.svg), "
        "[after](profiles/village-letter-page-after.svg). They sample wall time, waiting on PostgreSQL included.",
        f"- {cpu_bound(page, cores, MAX_PAGE_P95_MS)} {cpu_bound(service, cores, MAX_PAGE_P95_MS)} Ceiling on this "
        f"server: {ceiling['rps']:,.0f} req/s at {ceiling['connections']} connections (p95 "
        f"{ceiling['p95_ms']:.1f} ms).",
        "",
    ]
