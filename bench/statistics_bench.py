"""The statistics scenarios: the ministry's and a region's dashboards, the public page, the refresh, the rebuilds.

Data comes from applications_seed.py (a million applications in the 21 pilot regions, their
events spread over 700 days), seeded by the applications family in a full run or here with
``--only statistics``. statistics_work.py then, in-process and before any server starts:
rebuilds every figure from scratch (timed, for the record; it also prepares the pages), rebuilds
the last 365 days (held to MAX_YEAR_REBUILD_S), writes REFRESH_EVENTS new events and times one
run of the worker's refresh (held to MAX_REFRESH_S, and checked against a rebuild of the days it
touched). Then a granian server with the benchmark's settings and the public response cache off
serves the three pages of STATISTICS_SCENARIOS over the last whole quarter, each checked with one
request of its own before wrk runs, at STATISTICS_CONNECTIONS connections, held to its p95.

A page computes the figures of its scope and period once and shares them through the cache for a
minute (``statistics.dashboards.CACHE_SECONDS``, until the next refresh changes them): wrk repeats one
page, so after the first request it measures reading the session, the cached figures and rendering.
What a first request costs (queries, SQL and wall time) is recorded beside it, from statistics_work.py.

``BENCH_STATISTICS_APPLICATIONS`` seeds fewer applications for ``--only statistics`` (a quick check
of a change; the published numbers use a million).
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import identity
import loadtest
import servers
from scenarios import (
    MAX_REFRESH_S,
    MAX_YEAR_REBUILD_S,
    REFRESH_EVENTS,
    STATISTICS_CONNECTIONS,
    STATISTICS_SCENARIOS,
    statistics_path,
)

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
APPLICATIONS = int(os.environ.get("BENCH_STATISTICS_APPLICATIONS", "1000000"))
#: What each page must show, so that a 200 with an empty shell fails its check.
EXPECTED = {
    "statistics_national_quarter": b"Dasbor kementerian",
    "statistics_region_dashboard": b"Median nasional antardaerah",
    "statistics_public_region": b"Permohonan diterima",
}


def say(message: str) -> None:
    print(message, flush=True)


def seed(env: dict, var_dir: Path) -> dict:
    """Applications for ``--only statistics``: applications_seed.py with APPLICATIONS of them."""
    citizens = max(APPLICATIONS // 5, 1_000)
    command = [sys.executable, str(BENCH_DIR / "applications_seed.py"), str(var_dir / "applications")]
    command += ["--applications", str(APPLICATIONS), "--citizens", str(citizens), "--submitters", "50"]
    say(f"==> statistics data: {APPLICATIONS:,} applications with their timeline")
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"applications_seed.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def work(env: dict, *args: str) -> dict:
    """statistics_work.py's JSON for one command."""
    say(f"==> statistics: {' '.join(args[:1])}")
    command = [sys.executable, str(BENCH_DIR / "statistics_work.py"), *args]
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"statistics_work.py {args[0]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    for line in result.stderr.strip().splitlines():
        say(line)
    return json.loads(result.stdout.strip().splitlines()[-1])


def timed_row(name: str, seconds: float, limit: float, note: str, problem: str | None = None) -> dict:
    return {
        "name": name,
        "seconds": seconds,
        "target": f"< {limit:g} s",
        "note": note,
        "failure": problem,
        "target_met": problem is None and seconds < limit,
    }


def _check(port: int, path: str, session: str, expected: bytes) -> str | None:
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    response = servers.request(port, "GET", path, headers=headers, timeout=30)
    if response.status != 200 or expected not in response.body:
        return f"GET {path} answered {response.status} without {expected.decode()!r}"
    return None


def pages(env: dict, var_dir: Path, wrk_path: str, seconds: int, prepared: dict) -> list[dict]:
    """The three pages on one granian server (public cache off), each checked, loaded and judged."""
    quarter = datetime.date.fromisoformat(prepared["quarter"][0])
    sessions = {name: Path(path).read_text().split()[0] for name, path in prepared["files"].items()}
    port = servers.free_port()
    say(f"==> granian (statistics, public cache off) on 127.0.0.1:{port}")
    server = servers.Server(
        "statistics",
        servers.granian_command(port),
        port=port,
        env={**env, "PUBLIC_CACHE_SECONDS": "0"},
        cwd=PROJECT_DIR,
        log_path=var_dir / "granian-statistics.log",
    )
    rows = []
    with server:
        # The ceiling: a trivial view on the same server, at the same connections, in the same run.
        say(f"==> statistics ceiling: GET /healthz, {seconds} s")
        ceiling = loadtest.run_scenario(
            wrk_path,
            f"http://127.0.0.1:{port}/healthz",
            seconds,
            server.worker_pids,
            loadtest.Load(connections=STATISTICS_CONNECTIONS),
        )
        rows.append(
            {
                "name": "statistics_ceiling",
                "server": server.name,
                "method": "GET",
                "path": "/healthz",
                "note": " (the ceiling)",
                "target": "—",
                "check_problem": None,
                **ceiling,
                "failure": None,
                "target_met": None,
                "share_of_ceiling": 1.0,
            }
        )
        for scenario in STATISTICS_SCENARIOS:
            path = statistics_path(scenario, quarter)
            problem = _check(port, path, sessions.get(scenario.user, ""), EXPECTED[scenario.name])
            if scenario.user:
                args = (prepared["files"][scenario.user], str(loadtest.THREADS))
                load = loadtest.Load(BENCH_DIR / "session.lua", args=args, connections=STATISTICS_CONNECTIONS)
            else:
                load = loadtest.Load(connections=STATISTICS_CONNECTIONS)
            say(f"==> statistics {scenario.name}: GET {path} (check: {problem or 'ok'}), {seconds} s")
            measured = loadtest.run_scenario(
                wrk_path, f"http://127.0.0.1:{port}{path}", seconds, server.worker_pids, load
            )
            row = {
                "name": scenario.name,
                "server": server.name,
                "method": "GET",
                "path": path,
                "note": f" as {scenario.user or 'an anonymous visitor'}",
                "target": f"p95 < {scenario.max_p95_ms:g} ms at {STATISTICS_CONNECTIONS} connections",
                "check_problem": problem,
                **measured,
            }
            failure = identity.failure(row)
            row |= {
                "failure": failure,
                "target_met": failure is None and row["p95_ms"] < scenario.max_p95_ms,
                "share_of_ceiling": row["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0,
            }
            say(f"    {row['rps']:,.1f} req/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms")
            rows.append(row)
    return rows


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int) -> dict:
    """The rebuilds and the refresh in-process, then the pages on granian."""
    prepared = work(env, "prepare", str(var_dir / "statistics"))
    year = work(env, "rebuild-year")
    refreshed = work(env, "refresh", str(REFRESH_EVENTS))
    timed = [
        timed_row(
            "statistics_year_rebuild",
            year["seconds"],
            MAX_YEAR_REBUILD_S,
            f"{year['applications']:,} applications, {year['first']} to {year['last']}",
        ),
        timed_row(
            "statistics_refresh",
            refreshed["seconds"],
            MAX_REFRESH_S,
            f"{refreshed['events_read']:,} events read ({refreshed['events_written']:,} new), "
            f"{refreshed['applications']:,} applications, {refreshed['changed']:,} changed",
            refreshed["check_problem"],
        ),
    ]
    scenarios = pages(env, var_dir, wrk_path, seconds, prepared)
    return {
        "scenarios": scenarios,
        "timed": timed,
        "rows": [*scenarios, *timed],
        "full_rebuild": prepared["full_rebuild"],
        "counts": prepared["counts"],
        "queries": prepared["queries"],
    }


def section(results: dict) -> list[str]:
    """The statistics section of a report (``--only statistics`` prints it)."""
    data = results["statistics"]
    lines = [
        "## Statistics (issue #13)",
        "",
        "The ministry's national dashboard (one quarter), a region's dashboard (its manager) and a region's public "
        f"statistics page, on their own granian server with the public response cache off, at "
        f"{STATISTICS_CONNECTIONS} connections, beside the ceiling (`/healthz`) measured on that server at the same "
        "connections in the same run. The figures come from the aggregate tables (`mpp.statistics`); pages keep "
        "their computed figures for 60 s in the cache, which a refresh that changes figures clears.",
        "",
    ]
    lines += [
        "| Scenario | req/s | % of ceiling | p50 ms | p95 ms | p99 ms | server CPU ms/req | Target | Met |",
        "|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for row in data["scenarios"]:
        cpu = row["cpu_cores"]["server"] * 1000 / row["rps"] if row["rps"] else None
        lines.append(
            f"| {row['name']} `{row['path']}` | {row['rps']:,.1f} | {row.get('share_of_ceiling', 0):.0%} | "
            f"{row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | {'' if cpu is None else f'{cpu:.1f}'} | "
            f"{row['target']} | {_met(row)} |"
        )
    lines += ["", "| Work | Seconds | Target | Met | Note |", "|---|---|---|---|---|"]
    for row in data["timed"]:
        lines.append(f"| {row['name']} | {row['seconds']} | {row['target']} | {_met(row)} | {row['note']} |")
    full = data["full_rebuild"]
    lines += ["", f"Full rebuild (every day): {full['applications']:,} applications in {full['seconds']} s.", ""]
    lines += [f"Rows: {json.dumps(data['counts'])}", f"Queries per page (first render): {json.dumps(data['queries'])}"]
    return lines


def _met(row: dict) -> str:
    if row["target_met"] is None:
        return "—"
    if row["target_met"]:
        return "yes"
    return f"**no** ({row['failure']})" if row["failure"] else "**no**"
