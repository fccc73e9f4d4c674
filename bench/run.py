"""`make bench`: load a production-like server with wrk and write docs/BENCHMARKS.md.

Recreates a PostgreSQL database, migrates and seeds it (catalog, then the identity
scenarios' accounts, client, tokens and codes, then a million applications with their
citizens and officers, then issued documents), serves the app with granian (and gunicorn,
for the ceiling only), runs each scenario (catalog pages and API, single sign-on and login,
submitting an application against a write ceiling on the same server, the worklist and the dashboard, the
statistics dashboards, refresh and rebuild, filing a complaint, answering the satisfaction
survey and the index pages over a million answers, the MPP's queue (kiosk, counters, display
board, bookings), payments (the network's notifications, raising a bill, a day's reconciliation),
the villages' pages and their letters over 2,000 villages, the connector health page and one notifier forwarding
to the agency simulator, the registry simulator, signing and verifying documents), times the region
load on SQLite, then a mixed scenario through `make cluster`'s load balancer with one app node and with two
(started for it when down, and stopped again; skipped without haproxy), writes the report and the raw JSON,
and stops everything it started, also on Ctrl-C or an error.
Environment: BENCH_DATABASE_URL, BENCH_DURATION (seconds measured per scenario, default
15), BENCH_KEEP_DB=true to keep the database, BENCH_REDIS_URL (the queue's server's cache, a
Redis database of the bench's own: it is emptied).

`bench/run.py --only documents` (or `applications`, `cluster`, `complaints`, `connectors`, `payments`, `queue`,
`statistics`, `surveys`, `villages`) runs
one family of scenarios alone, on a database seeded for it only (`cluster`: on the cluster's own databases), prints
its section of the report and writes bench/results/<family>.json, leaving docs/BENCHMARKS.md alone (a quick check of
a change, not a result to publish).
"""

import argparse
import contextlib
import datetime
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import applications
import cluster_bench
import complaints_bench
import connectors_bench
import database
import document
import documents
import identity
import loadtest
import payments_bench
import prerequisites
import queue_bench
import registry
import servers
import sqlite_timing
import statistics_bench
import surveys_bench
import villages_bench
from scenarios import CEILING, CPU_BUDGETS_MS, MAX_WORKER_RSS_MB, PILOT_REGION, SCENARIOS, UNCACHED, Scenario, judge

from mpp.sso.keys import development_signing_key

PROJECT_DIR = Path(__file__).resolve().parent.parent
DOC_PATH = PROJECT_DIR / "docs" / "BENCHMARKS.md"
JSON_PATH = PROJECT_DIR / "bench" / "results" / "latest.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mpp_bench"
SETUP_COMMANDS = [
    ["migrate", "--noinput"],
    ["load_regions"],
    ["seed_catalog"],
    ["collectstatic", "--noinput"],
]


class StepFailed(RuntimeError):
    """A step of the run failed in a way its message explains."""


def say(message: str) -> None:
    print(message, flush=True)


def django_env(database_url: str, var_dir: Path) -> dict:
    """The production-like environment of every Django command and server of the run."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",  # plain HTTP on loopback: the load clients must get their session back
        "MPP_VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(var_dir / "static"),
        "LOG_LEVEL": "WARNING",  # the INFO request log would cost a JSON line per request
        "DATABASE_CONN_MAX_AGE": "600",
        # Production refuses to start without a signing key; a fresh one per run, as an operator would supply.
        "OIDC_RSA_PRIVATE_KEY": development_signing_key(var_dir / "oidc-rsa.pem"),
    }


def manage(args: list[str], env: dict) -> None:
    say(f"==> manage.py {' '.join(args)}")
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise StepFailed(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    last = result.stdout.strip().splitlines()[-1:] or [""]
    say(f"    {last[0]}")


def discover_service_id(port: int) -> str:
    path = f"/api/v1/regions/{PILOT_REGION}/services"
    status, body = servers.get(port, path)
    items = json.loads(body).get("items", []) if status == 200 else []
    if not items:
        raise StepFailed(f"GET {path} returned {status} with no services: did seed_catalog seed {PILOT_REGION}?")
    return items[0]["id"]


def measure(
    server: servers.Server, wrk_path: str, scenarios: list[Scenario], seconds: int, service_id: str = ""
) -> list[dict]:
    rows = []
    for scenario in scenarios:
        path = scenario.path.format(service_id=service_id)
        status, _body = servers.get(server.port, path)
        say(f"==> {server.name} {scenario.name}: GET {path} ({status}), {seconds} s")
        url = f"http://127.0.0.1:{server.port}{path}"
        profile = scenario.name in CPU_BUDGETS_MS
        row = loadtest.run_scenario(wrk_path, url, seconds, server.worker_pids, name=scenario.name, profile=profile)
        row = {
            "name": scenario.name,
            "url_pattern": scenario.path.replace("{service_id}", "<id>"),
            "path": path,
            "targeted": scenario.targeted,
            "check_status": status,
            **row,
        }
        say(f"    {row['rps']:,.0f} req/s, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, {row['non_2xx']} non-2xx")
        rows.append(row)
    return rows


def machine(database_url: str, load_average: float, postgres: str | None = None) -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": models[0] if models else "unknown CPU",
        "postgres": postgres or database.server_version(database_url),
        "load_average_at_start": load_average,
    }


def git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else "uncommitted"


def gunicorn_ceiling(env: dict, var_dir: Path, wrk_path: str, seconds: int) -> dict:
    """The ceiling scenario on gunicorn, to justify serving with granian; an error is recorded, not raised."""
    try:
        prerequisites.ensure_gunicorn()
    except subprocess.CalledProcessError as exc:
        return {"error": f"could not install gunicorn ({exc})"}
    port = servers.free_port()
    command = servers.gunicorn_command(port)
    log_path = var_dir / "gunicorn.log"
    with servers.Server("gunicorn", command, port=port, env=env, cwd=PROJECT_DIR, log_path=log_path) as gunicorn:
        return measure(gunicorn, wrk_path, [CEILING], seconds)[0]


def granian_scenarios(
    env: dict, var_dir: Path, wrk_path: str, seconds: int, scenarios: list[Scenario], ceiling_rps: float = 0.0
) -> list[dict]:
    """The scenarios on granian, judged against the ceiling (the first scenario's, unless given)."""
    port = servers.free_port()
    command = servers.granian_command(port)
    say(f"==> granian on 127.0.0.1:{port}")
    log_path = var_dir / "granian.log"
    with servers.Server("granian", command, port=port, env=env, cwd=PROJECT_DIR, log_path=log_path) as granian:
        say(f"    workers: {granian.worker_pids()}")
        rows = measure(granian, wrk_path, scenarios, seconds, service_id=discover_service_id(port))
    ceiling_rps = ceiling_rps or rows[0]["rps"]
    return [judge(scenario, row, ceiling_rps) for scenario, row in zip(scenarios, rows, strict=True)]


def max_rss_per_worker(rows: list[dict]) -> list[float]:
    """Each worker's largest RSS over all scenarios, in pid order."""
    worker_max: dict[int, float] = {}
    for row in rows:
        for pid, mb in row["worker_max_rss_mb"].items():
            worker_max[pid] = max(mb, worker_max.get(pid, 0.0))
    return [worker_max[pid] for pid in sorted(worker_max)]


def memory(servers_rows: dict[str, list[dict]]) -> dict:
    """Each app worker's largest RSS, per server (name: the rows measured on it)."""
    workers = [
        {"server": name, "worker": index, "max_rss_mb": mb}
        for name, rows in servers_rows.items()
        for index, mb in enumerate(max_rss_per_worker(rows), start=1)
    ]
    largest = [worker["max_rss_mb"] for worker in workers]
    return {
        "workers": workers,
        "target_mb": MAX_WORKER_RSS_MB,
        "met": bool(largest) and max(largest) < MAX_WORKER_RSS_MB,
    }


def benchmark(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack: contextlib.ExitStack) -> dict:
    # Taken before we add load: other work on the machine skews every number.
    load_average = round(os.getloadavg()[0], 2)
    env = _fresh_database(database_url, var_dir, stack)
    identity_data = identity.seed(env, var_dir, seconds)
    applications_data = applications.seed(env, var_dir)
    documents_data = documents.seed(env, var_dir)
    say("==> VACUUM ANALYZE")
    database.analyze(database_url)

    scenarios = granian_scenarios(env, var_dir, wrk_path, seconds, SCENARIOS)
    say("==> the same pages with the public response cache off")
    uncached = granian_scenarios(
        {**env, "PUBLIC_CACHE_SECONDS": "0"}, var_dir, wrk_path, seconds, UNCACHED, scenarios[0]["rps"]
    )
    sso = identity.run(env, var_dir, wrk_path, seconds, identity_data)
    applications_results = applications.run(env, var_dir, wrk_path, seconds, applications_data)
    # The applications' citizens, signed in, file complaints too.
    complaints_results = complaints_bench.run(env, var_dir, wrk_path, seconds, applications_data)
    statistics_results = statistics_bench.run(env, var_dir, wrk_path, seconds)
    surveys_results = surveys_bench.run(env, var_dir, wrk_path, seconds, surveys_bench.seed(env, var_dir))
    queue_results = queue_bench.run(env, var_dir, wrk_path, seconds, queue_bench.seed(env, var_dir, seconds))
    payments_data = payments_bench.seed(env, var_dir, seconds)
    payments_results = payments_bench.run(env, var_dir, wrk_path, seconds, payments_data)
    villages_results = villages_bench.run(env, var_dir, wrk_path, seconds, villages_bench.seed(env, var_dir))
    connectors_results = connectors_bench.run(env, var_dir, wrk_path, seconds, connectors_bench.seed(env, var_dir))
    gunicorn = gunicorn_ceiling(env, var_dir, wrk_path, seconds)
    simulator = registry.run(var_dir, wrk_path, seconds)
    documents_results = documents.run(env, var_dir, wrk_path, seconds, documents_data)
    say("==> SQLite: migrate and load_regions on a fresh database")
    sqlite = sqlite_timing.time_region_load(PROJECT_DIR)
    say(f"    migrate {sqlite['migrate_s']} s, load_regions {sqlite['load_regions_s']} s")
    cluster_results = cluster_bench.run(wrk_path, seconds, var_dir)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "machine": machine(database_url, load_average),
        "settings": settings_of_run(seconds),
        "gunicorn_args": servers.GUNICORN_ARGS,
        "scenarios": scenarios,
        "uncached": uncached,
        "identity": sso,
        "applications": applications_results,
        "complaints": complaints_results,
        "statistics": statistics_results,
        "surveys": surveys_results,
        "queue": queue_results,
        "payments": payments_results,
        "villages": villages_results,
        "connectors": connectors_results,
        "registry": simulator,
        "documents": documents_results,
        "memory": memory(
            {
                "catalog": scenarios,
                "catalog, cache off": uncached,
                **{name: [row for row in sso["scenarios"] if row["server"] == name] for name in ("sso", "login")},
                "applications": applications_results["scenarios"],
                "complaints": complaints_results["scenarios"],
                "statistics": statistics_results["scenarios"],
                "surveys": surveys_results["scenarios"],
                "queue": queue_results["scenarios"],
                "payments": payments_results["scenarios"],
                "villages": villages_results["scenarios"],
                "connectors": connectors_results["scenarios"],
                "documents": documents_results["scenarios"],
            }
        ),
        "gunicorn_ceiling": gunicorn,
        "sqlite": sqlite,
        "cluster": cluster_results,
    }


def settings_of_run(seconds: int) -> dict:
    return {
        "threads": loadtest.THREADS,
        "connections": loadtest.CONNECTIONS,
        "warm_up_s": loadtest.WARM_UP_S,
        "duration_s": seconds,
        "granian_args": servers.GRANIAN_ARGS,
    }


def _fresh_database(database_url: str, var_dir: Path, stack) -> dict:
    """A new benchmark database, migrated and loaded (dropped at the end unless BENCH_KEEP_DB=true); its env."""
    database.recreate(database_url)
    if os.environ.get("BENCH_KEEP_DB") != "true":
        stack.callback(database.drop, database_url)
    env = django_env(database_url, var_dir)
    for args in SETUP_COMMANDS:
        manage(args, env)
    return env


def _alone(family: str, database_url: str, seconds: int, load_average: float, results: dict) -> dict:
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "machine": machine(database_url, load_average),
        "settings": settings_of_run(seconds),
        family: results,
    }


def benchmark_documents(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack) -> dict:
    """The documents scenarios alone, on a database with a small applications seed to issue documents for."""
    load_average = round(os.getloadavg()[0], 2)
    env = _fresh_database(database_url, var_dir, stack)
    documents.seed_applications(env, var_dir)
    documents_data = documents.seed(env, var_dir)
    say("==> VACUUM ANALYZE")
    database.analyze(database_url)
    results = documents.run(env, var_dir, wrk_path, seconds, documents_data)
    return _alone("documents", database_url, seconds, load_average, results)


def benchmark_applications(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack) -> dict:
    """The applications scenarios alone: 1,000,000 applications seeded, pgbench's and the write ceiling beside them."""
    load_average = round(os.getloadavg()[0], 2)
    env = _fresh_database(database_url, var_dir, stack)
    applications_data = applications.seed(env, var_dir)
    say("==> VACUUM ANALYZE")
    database.analyze(database_url)
    results = applications.run(env, var_dir, wrk_path, seconds, applications_data)
    return _alone("applications", database_url, seconds, load_average, results)


def benchmark_statistics(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack) -> dict:
    """The statistics scenarios alone, on applications_seed.py's data (BENCH_STATISTICS_APPLICATIONS of them)."""
    load_average = round(os.getloadavg()[0], 2)
    env = _fresh_database(database_url, var_dir, stack)
    statistics_bench.seed(env, var_dir)
    say("==> VACUUM ANALYZE")
    database.analyze(database_url)
    results = statistics_bench.run(env, var_dir, wrk_path, seconds)
    return _alone("statistics", database_url, seconds, load_average, results)


def benchmark_complaints(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack) -> dict:
    """Filing a complaint alone, by the signed-in citizens of a small applications seed."""
    load_average = round(os.getloadavg()[0], 2)
    env = _fresh_database(database_url, var_dir, stack)
    data = complaints_bench.seed(env, var_dir)
    say("==> VACUUM ANALYZE")
    database.analyze(database_url)
    results = complaints_bench.run(env, var_dir, wrk_path, seconds, data)
    return _alone("complaints", database_url, seconds, load_average, results)


def benchmark_surveys(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack) -> dict:
    """The survey scenarios alone: BENCH_SURVEY_ANSWERS answers seeded (a million by default), no applications."""
    load_average = round(os.getloadavg()[0], 2)
    env = _fresh_database(database_url, var_dir, stack)
    data = surveys_bench.seed(env, var_dir)
    say("==> VACUUM ANALYZE")
    database.analyze(database_url)
    results = surveys_bench.run(env, var_dir, wrk_path, seconds, data)
    return _alone("surveys", database_url, seconds, load_average, results)


def benchmark_payments(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack) -> dict:
    """The payment scenarios alone: open bills for the notifications, citizens and a billers simulator to raise bills,
    and a day of 100,000 payments to reconcile."""
    load_average = round(os.getloadavg()[0], 2)
    env = _fresh_database(database_url, var_dir, stack)
    data = payments_bench.seed(env, var_dir, seconds)
    say("==> VACUUM ANALYZE")
    database.analyze(database_url)
    results = payments_bench.run(env, var_dir, wrk_path, seconds, data)
    return _alone("payments", database_url, seconds, load_average, results)


def _family_alone(family: str, module):
    """``--only <family>`` of a family whose module has ``seed(env, var_dir)`` and ``run(env, var_dir, wrk_path,
    seconds, data)``: a fresh database, the family's seed, VACUUM ANALYZE, its scenarios."""

    def benchmark(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack) -> dict:
        load_average = round(os.getloadavg()[0], 2)
        env = _fresh_database(database_url, var_dir, stack)
        data = module.seed(env, var_dir)
        say("==> VACUUM ANALYZE")
        database.analyze(database_url)
        results = module.run(env, var_dir, wrk_path, seconds, data)
        return _alone(family, database_url, seconds, load_average, results)

    return benchmark


def benchmark_queue(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack) -> dict:
    """The queue scenarios alone: Samarinda's MPP with 200,000 tickets waiting and 10,000 bookings held."""
    load_average = round(os.getloadavg()[0], 2)
    env = _fresh_database(database_url, var_dir, stack)
    data = queue_bench.seed(env, var_dir, seconds)
    say("==> VACUUM ANALYZE")
    database.analyze(database_url)
    results = queue_bench.run(env, var_dir, wrk_path, seconds, data)
    return _alone("queue", database_url, seconds, load_average, results)


def benchmark_cluster(wrk_path: str, database_url: str, seconds: int, var_dir: Path, stack) -> dict:
    """The cluster family alone: on `make cluster`'s own databases (none of the benchmark's), started and stopped
    again when it was not up."""
    load_average = round(os.getloadavg()[0], 2)
    results = cluster_bench.run(wrk_path, seconds, var_dir)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "machine": machine(database_url, load_average, results.get("postgres") or "not measured"),
        "settings": settings_of_run(seconds),
        "cluster": results,
    }


# --only: a family's benchmark, its section of the report, its rows that can fail.
ONLY = {
    "applications": (
        benchmark_applications,
        document.applications_section,
        lambda results: results["applications"]["scenarios"],
    ),
    "documents": (
        benchmark_documents,
        document.documents_section,
        lambda results: [*results["documents"]["scenarios"], results["documents"]["signing"]],
    ),
    "statistics": (benchmark_statistics, statistics_bench.section, lambda results: results["statistics"]["rows"]),
    "surveys": (benchmark_surveys, surveys_bench.section, lambda results: results["surveys"]["rows"]),
    "complaints": (
        benchmark_complaints,
        complaints_bench.section,
        lambda results: results["complaints"]["scenarios"],
    ),
    "queue": (benchmark_queue, queue_bench.section, lambda results: results["queue"]["scenarios"]),
    "payments": (benchmark_payments, payments_bench.section, lambda results: results["payments"]["rows"]),
    "connectors": (
        _family_alone("connectors", connectors_bench),
        connectors_bench.section,
        lambda results: results["connectors"]["rows"],
    ),
    "villages": (
        _family_alone("villages", villages_bench),
        villages_bench.section,
        lambda results: results["villages"]["rows"],
    ),
    "cluster": (benchmark_cluster, cluster_bench.section, lambda results: results["cluster"]["rows"]),
}


def failed_rows(results: dict) -> list[dict]:
    rows = results["scenarios"] + results["uncached"] + results["identity"]["scenarios"]
    rows += results["applications"]["scenarios"] + results["documents"]["scenarios"] + results["statistics"]["rows"]
    rows += results["complaints"]["scenarios"] + results["surveys"]["rows"] + results["queue"]["scenarios"]
    rows += results["payments"]["rows"] + results["villages"]["rows"] + results["connectors"]["rows"]
    rows += results["cluster"]["rows"]
    return [*rows, results["registry"]["verify"], results["documents"]["signing"]]


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # unwinds the ExitStack: servers stop, the database is dropped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(ONLY), help="one family alone (no BENCHMARKS.md)")
    only = parser.parse_args().only
    # Ctrl-C, kill and a closed terminal all stop what we started; SIGINT too when a
    # non-interactive shell started us in the background with SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    seconds = int(os.environ.get("BENCH_DURATION", "15"))
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    try:
        wrk_path = prerequisites.ensure_wrk()
        if not only:
            prerequisites.ensure_pgbench()  # before minutes of seeding, not after
        if only in (None, "queue"):
            prerequisites.ensure_redis(queue_bench.REDIS_URL)
        run = ONLY[only][0] if only else benchmark
        with contextlib.ExitStack() as stack:
            var_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mpp-bench-")))
            results = run(wrk_path, database_url, seconds, var_dir, stack)
    except prerequisites.MissingTool as exc:
        say(f"bench: {exc}")
        return 2
    except servers.ServerDidNotStart as exc:
        say(f"bench: the server could not start: {exc}")
        return 1
    except StepFailed as exc:
        say(f"bench: failed: {exc}")
        return 1
    except KeyboardInterrupt:
        say("bench: interrupted; stopped everything it had started")
        return 130
    except Exception as exc:  # a bug or an unexpected failure: the traceback says where
        traceback.print_exc()
        say(f"bench: failed: {exc}")
        return 1

    if only:
        _, section, rows_of = ONLY[only]
        json_path = JSON_PATH.with_name(f"{only}.json")
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        say("\n".join(section(results)))
        say(f"==> wrote {json_path.relative_to(PROJECT_DIR)} (docs/BENCHMARKS.md left as it was)")
        rows = rows_of(results)
    else:
        document.write(results, doc_path=DOC_PATH, json_path=JSON_PATH)
        say(f"==> wrote {DOC_PATH.relative_to(PROJECT_DIR)} and {JSON_PATH.relative_to(PROJECT_DIR)}")
        rows = failed_rows(results)
    failed = [row["name"] for row in rows if row["failure"]]
    if failed:
        say(f"bench: FAILED scenarios (error responses, see the report): {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
