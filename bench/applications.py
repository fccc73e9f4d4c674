"""The applications scenarios: submitting an application, an officer's worklist, a citizen's dashboard.

Data comes from applications_seed.py (a million applications in the 21 pilot regions), run
with the benchmark's environment before VACUUM ANALYZE. The run first counts and explains
the pages' queries in-process (applications_queries.py), then measures PostgreSQL's own
ceiling on this machine with pgbench (TPC-B-like, in a database of its own), then loads a
granian server with the benchmark's settings. Each scenario is checked with one request of
its own before wrk runs (the receipt's redirect and the rows behind it, the worklist's total,
the dashboard's 50 rows), and the submissions are counted in the database afterwards: a
request that did not create an application fails the scenario.

Right after submit, on the same server at the same connections and duration, the write ceiling:
``POST /bench/ceiling/write`` (bench/ceiling_urls.py, a bench-only URLconf the server loads
through ``ROOT_URLCONF``) inserts the four rows a submission inserts (application, event,
notification, outbox message) in one transaction and nothing else. Submit is judged as a share
of it. Its rows are counted (each application with its three others, written by one
transaction), then deleted, so that the later scenarios (and families) see the seed and
submit's rows only.
"""

import dataclasses
import functools
import json
import os
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import database
import identity
import loadtest
import prerequisites
import psycopg
import servers
from scenarios import CPU_BUDGETS_MS

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent

# Targets of the issue: submit against the write ceiling measured in the same run (same server, connections, duration).
MIN_SHARE_OF_WRITE_CEILING = 0.50
MAX_SUBMIT_P99_MS = 200.0
MAX_PAGE_P95_MS = 50.0

APPLICATIONS = 1_000_000
CITIZENS = 200_000
SUBMITTERS = 2_000
# pgbench as the issue sets it: scale 10 (1,000,000 accounts), 32 clients on 2 threads.
PGBENCH_SCALE = 10
PGBENCH_CLIENTS = 32
PGBENCH_THREADS = 2
# A page target is a latency target: the pages are loaded with as many connections as the server
# has threads (workers × blocking threads), so a request waits for its own work and not in a
# queue of 32 (latency ≈ connections / rate). The same pages at 32 connections are recorded too.
PAGE_CONNECTIONS = int(servers.GRANIAN_ARGS[servers.GRANIAN_ARGS.index("--workers") + 1]) * int(
    servers.GRANIAN_ARGS[servers.GRANIAN_ARGS.index("--blocking-threads") + 1]
)
RECEIPT = re.compile(r"^/permohonan/([0-9A-Z-]+)/$")
WORKLIST_TOTAL = re.compile(r"(\d+) permohonan menunggu tindakan")
DASHBOARD_ROW = re.compile(rb'<td><a href="/permohonan/[^"/]+/">')


def say(message: str) -> None:
    print(message, flush=True)


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    target: str
    note: str = ""  # what the request carries, for the report
    unit: str = "req/s"
    connections: int = loadtest.CONNECTIONS


SUBMIT = Scenario(
    "submit_application",
    "POST",
    "/layanan/<id>/ajukan/",
    f"≥ {MIN_SHARE_OF_WRITE_CEILING:.0%} of write_ceiling, p99 < {MAX_SUBMIT_P99_MS:.0f} ms",
    note=" birth certificate, another citizen and submit_key per request",
    unit="submits/s",
)
WRITE_CEILING = Scenario(
    "write_ceiling",
    "POST",
    "/bench/ceiling/write",
    "—",
    note=" bench-only view: the four rows submit writes, one transaction, nothing else",
    unit="writes/s",
)
# Its requests' submit_keys start with ceiling-<run id>- (the view adds a random suffix).
WRITE_CEILING_KEY = "ceiling"
WORKLIST = Scenario(
    "officer_worklist",
    "GET",
    "/petugas/",
    f"p95 < {MAX_PAGE_P95_MS:.0f} ms, constant queries",
    note=" the 21 Disdukcapil verifiers",
    connections=PAGE_CONNECTIONS,
)
DASHBOARD = Scenario(
    "citizen_dashboard",
    "GET",
    "/permohonan/",
    f"p95 < {MAX_PAGE_P95_MS:.0f} ms",
    note=" a citizen with 50 applications",
    connections=PAGE_CONNECTIONS,
)
WORKLIST_BUSY = Scenario("officer_worklist_32", "GET", "/petugas/", "—", note=" as officer_worklist, 32 connections")
DASHBOARD_BUSY = Scenario(
    "citizen_dashboard_32", "GET", "/permohonan/", "—", note=" as citizen_dashboard, 32 connections"
)


SEED_FIELDS_REPORTED = (
    "seed_s",
    "steps_s",
    "sessions_s",
    "counts",
    "weights",
    "worklist_sizes",
    "submitters",
    "dashboard_applications",
    "foreign_key_checks_skipped",
)


def seed(env: dict, var_dir: Path) -> dict:
    """Create the scenarios' data in the benchmark's database; returns applications_seed.py's JSON."""
    command = [sys.executable, str(BENCH_DIR / "applications_seed.py"), str(var_dir / "applications")]
    command += ["--applications", str(APPLICATIONS), "--citizens", str(CITIZENS), "--submitters", str(SUBMITTERS)]
    say(f"==> applications data: {CITIZENS:,} citizens, officers, {APPLICATIONS:,} applications with their timeline")
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"applications_seed.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    counts = data["counts"]
    say(f"    {counts['applications']:,} applications, {counts['events']:,} events in {data['seed_s']} s")
    return data


# --- the pages' queries, in-process --------------------------------------------------------------


def count_queries(env: dict, data: dict) -> dict:
    """applications_queries.py's JSON: queries per page at several sizes, page and SQL time, EXPLAIN."""
    command = [sys.executable, str(BENCH_DIR / "applications_queries.py"), json.dumps(data["queries"])]
    say("==> applications: queries per page (worklist at 10, 25 and 100 rows; dashboard; one submit)")
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"applications_queries.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    queries = json.loads(result.stdout.strip().splitlines()[-1])
    worklist, dashboard = queries["worklist"], queries["dashboard"]
    counts = {size: row["queries"] for size, row in worklist["by_page_size"].items()}
    say(
        f"    worklist {counts} queries by page size, {worklist['short_worklist']['queries']} for a short one; "
        f"dashboard {dashboard['page']['queries']} ({dashboard['other']['queries']} for a citizen with "
        f"{dashboard['other_applications']}); submit {queries['submit']['queries']}"
    )
    return queries


def worklist_queries_constant(queries: dict) -> bool:
    worklist = queries["worklist"]
    counts = {row["queries"] for row in worklist["by_page_size"].values()} | {worklist["short_worklist"]["queries"]}
    statuses = {row["status"] for row in worklist["by_page_size"].values()} | {worklist["short_worklist"]["status"]}
    return len(counts) == 1 and statuses == {200}


# --- pgbench: PostgreSQL's ceiling on this machine ---------------------------------------------


def _pgbench_connection(url: str) -> tuple[list[str], dict]:
    parts = urlsplit(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    args += ["-U", parts.username or "postgres", parts.path.lstrip("/")]
    return args, ({"PGPASSWORD": parts.password} if parts.password else {})


def _pgbench(pgbench_path: str, args: list[str], env: dict) -> str:
    result = subprocess.run([pgbench_path, *args], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"pgbench {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout + result.stderr


def _number(pattern: str, output: str) -> float:
    found = re.search(pattern, output)
    if not found:
        raise RuntimeError(f"pgbench printed no {pattern!r}:\n{output[-2000:]}")
    return float(found.group(1))


def pgbench(database_url: str, seconds: int) -> dict:
    """TPC-B-like TPS of this PostgreSQL, in a database of its own next to the benchmark's (dropped after)."""
    pgbench_path = prerequisites.ensure_pgbench()
    parts = urlsplit(database_url)
    url = urlunsplit(parts._replace(path=f"{parts.path}_pgbench"))
    args, password = _pgbench_connection(url)
    env = {**os.environ, **password}
    database.recreate(url)
    try:
        say(f"==> pgbench -i -s {PGBENCH_SCALE} ({PGBENCH_SCALE * 100_000:,} accounts)")
        started = time.perf_counter()
        _pgbench(pgbench_path, ["-i", "-s", str(PGBENCH_SCALE), "-q", *args], env)
        init_s = time.perf_counter() - started
        load = ["-c", str(PGBENCH_CLIENTS), "-j", str(PGBENCH_THREADS)]
        say(f"==> pgbench {' '.join(load)} -T {seconds} (TPC-B-like), after {loadtest.WARM_UP_S} s of warm-up")
        _pgbench(pgbench_path, [*load, "-T", str(loadtest.WARM_UP_S), *args], env)
        with loadtest.CpuUse(lambda: []) as cpu:  # pgbench is a child of ours: its CPU shows as the client's
            output = _pgbench(pgbench_path, [*load, "-T", str(seconds), *args], env)
    finally:
        database.drop(url)
    row = {
        "scale": PGBENCH_SCALE,
        "clients": PGBENCH_CLIENTS,
        "threads": PGBENCH_THREADS,
        "duration_s": seconds,
        "init_s": round(init_s, 1),
        "tps": round(_number(r"tps = ([\d.]+) \(without initial connection time\)", output), 1),
        "latency_ms": round(_number(r"latency average = ([\d.]+) ms", output), 2),
        "transactions": int(_number(r"number of transactions actually processed: (\d+)", output)),
        "cpu_cores": cpu.cores,
    }
    say(f"    {row['tps']:,.0f} TPS, latency average {row['latency_ms']} ms")
    return row


# --- checks: one request before the load, answering what a browser expects -------------------


def _session_headers(session: str, csrf: tuple[str, str] | None = None) -> dict:
    cookie = f"sessionid={session}" + (f"; csrftoken={csrf[0]}" if csrf else "")
    return {"Cookie": cookie}


def _check_submit(port: int, database_url: str, data: dict, csrf: tuple[str, str]) -> str | None:
    check = data["check"]
    headers = _session_headers(check["submit_session"], csrf) | {"Content-Type": "application/x-www-form-urlencoded"}
    body = f"csrfmiddlewaretoken={csrf[1]}&{data['form']}&submit_key=check-{secrets.token_hex(8)}"
    path = f"/layanan/{check['submit_service']}/ajukan/"
    response = servers.request(port, "POST", path, headers=headers, body=body)
    location = response.headers.get("Location", "")
    receipt = RECEIPT.match(location)
    if response.status != 302 or not receipt:
        return f"submit answered {response.status} (Location {location!r}), not 302 to the receipt"
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        found = connection.execute(
            """
            SELECT a.applicant_id, a.status, a.step,
                   (SELECT count(*) FROM applications_event e WHERE e.application_id = a.id),
                   (SELECT count(*) FROM notifications_notification n WHERE n.application_id = a.id),
                   (SELECT count(*) FROM notifications_outboxmessage o WHERE o.dedup_key LIKE 'application-event:'
                       || (SELECT min(e.id) FROM applications_event e WHERE e.application_id = a.id) || ':%%')
            FROM applications_application a WHERE a.tracking_number = %s
            """,
            [receipt.group(1)],
        ).fetchone()
    expected = (check["submit_user_id"], "in_progress", "verification", 1, 1)
    if found is None or found[:5] != expected or found[5] < 1:
        return f"application {receipt.group(1)}: (applicant, status, step, events, notifications, outbox) {found}"
    return None


def _check_worklist(port: int, database_url: str, data: dict) -> str | None:
    check = data["check"]
    response = servers.request(port, "GET", WORKLIST.path, headers=_session_headers(check["worklist_session"]))
    total = WORKLIST_TOTAL.search(response.body.decode(errors="replace"))
    if response.status != 200 or not total:
        return f"worklist answered {response.status} without its total"
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        (expected,) = connection.execute(
            "SELECT count(*) FROM applications_application WHERE agency_id = %s AND status = 'in_progress' "
            "AND step_role = 'verifier'",
            [check["worklist_agency"]],
        ).fetchone()
    cards = response.body.count(b'<li class="card')
    if int(total.group(1)) != expected or not cards:
        return f"worklist shows {total.group(1)} waiting ({cards} on the page), the database {expected}"
    return None


def _check_dashboard(port: int, data: dict) -> str | None:
    response = servers.request(
        port, "GET", DASHBOARD.path, headers=_session_headers(data["check"]["dashboard_session"])
    )
    rows = len(DASHBOARD_ROW.findall(response.body))
    if response.status != 200 or rows != data["dashboard_applications"]:
        return f"dashboard answered {response.status} with {rows} applications, not {data['dashboard_applications']}"
    return None


def _created(database_url: str, key_prefix: str) -> int:
    """Applications whose submit_key starts with ``key_prefix``, once the count stops moving.

    Requests still in flight when wrk stops are finished by the server a moment later: the
    count (and the next scenario's check) waits for them.
    """
    last = -1
    with psycopg.connect(database_url, connect_timeout=5, autocommit=True) as connection:
        while True:
            (created,) = connection.execute(
                "SELECT count(*) FROM applications_application WHERE submit_key LIKE %s", [f"{key_prefix}-%"]
            ).fetchone()
            if created == last:
                return created
            last = created
            time.sleep(1.0)


# --- the write ceiling: bench/ceiling_urls.py on the same server -------------------------------


def ceiling_env(env: dict) -> dict:
    """``env`` with the bench-only URLconf (bench/ceiling_urls.py: the write ceiling, then the product's URLs)."""
    python_path = os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH", "")]))
    return {**env, "ROOT_URLCONF": "ceiling_urls", "PYTHONPATH": python_path}


# The write ceiling's applications whose submit_key starts with a prefix, with their events, notifications and outbox
# messages, and how many of them were written by one transaction (the four rows' xmin is the same).
_CEILING_ROWS = """
    SELECT count(DISTINCT a.id), count(DISTINCT e.id), count(DISTINCT n.id), count(DISTINCT o.id),
           count(DISTINCT a.id) FILTER (WHERE e.xmin = a.xmin AND n.xmin = a.xmin AND o.xmin = a.xmin)
    FROM applications_application a
    LEFT JOIN applications_event e ON e.application_id = a.id
    LEFT JOIN notifications_notification n ON n.application_id = a.id
    LEFT JOIN notifications_outboxmessage o ON o.dedup_key = 'application-event:' || e.id || ':email'
    WHERE a.submit_key LIKE %s
"""
_DELETE_CEILING_ROWS = (
    "DELETE FROM notifications_outboxmessage o USING applications_event e, applications_application a "
    "WHERE o.dedup_key = 'application-event:' || e.id || ':email' AND e.application_id = a.id "
    "AND a.submit_key LIKE %s",
    "DELETE FROM notifications_notification n USING applications_application a "
    "WHERE n.application_id = a.id AND a.submit_key LIKE %s",
    "DELETE FROM applications_event e USING applications_application a "
    "WHERE e.application_id = a.id AND a.submit_key LIKE %s",
    "DELETE FROM applications_application WHERE submit_key LIKE %s",
)


def _ceiling_rows(database_url: str, key_prefix: str) -> dict:
    with psycopg.connect(database_url, connect_timeout=5, autocommit=True) as connection:
        found = connection.execute(_CEILING_ROWS, [f"{key_prefix}-%"]).fetchone()
    return dict(zip(("applications", "events", "notifications", "outbox", "one_transaction"), found, strict=True))


def _ceiling_problem(rows: dict, answered: int | None = None, in_flight: int = 0) -> str | None:
    """What is wrong with the write ceiling's rows: each application needs its event, notification and outbox
    message, written by its transaction; with ``answered``, one application per 201 (and at most ``in_flight``
    more: requests wrk stopped waiting for that the server still finished)."""
    counts = ", ".join(f"{count:,} {name}" for name, count in rows.items() if name != "one_transaction")
    applications = rows["applications"]
    if any(rows[name] != applications for name in ("events", "notifications", "outbox")):
        return f"the write ceiling left {counts}"
    if rows["one_transaction"] != applications:
        apart = applications - rows["one_transaction"]
        return f"{apart:,} of {applications:,} write ceiling applications not in one transaction with their rows"
    if answered is not None and not answered <= applications <= answered + in_flight:
        return f"{answered:,} answers of 201 from the write ceiling, {applications:,} applications"
    return None


def _check_write_ceiling(port: int, database_url: str, data: dict, key_prefix: str) -> str | None:
    check = data["check"]
    query = f"applicant={check['submit_user_id']}&service={check['submit_service']}&key={key_prefix}"
    response = servers.request(port, "POST", f"{WRITE_CEILING.path}?{query}")
    if response.status != 201 or not json.loads(response.body or b"{}").get("id"):
        return f"write ceiling answered {response.status}, not 201 with the application's id"
    rows = _ceiling_rows(database_url, key_prefix)
    if rows["applications"] != 1:
        return f"the write ceiling's check left {rows['applications']} applications, not 1"
    return _ceiling_problem(rows)


def _delete_ceiling_rows(database_url: str, key_prefix: str) -> int:
    """Delete the write ceiling's rows (check, warm-up, run): the later scenarios see the seed and submit's only."""
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        deleted = [connection.execute(sql, [f"{key_prefix}-%"]).rowcount for sql in _DELETE_CEILING_ROWS]
    return deleted[-1]


# --- running ---------------------------------------------------------------------------------


def measure(server, wrk_path: str, seconds: int, scenario: Scenario, check, load: loadtest.Load) -> dict:
    load = dataclasses.replace(load, connections=scenario.connections)
    problem = check()
    say(f"==> {server.name} {scenario.name}: {scenario.method} {scenario.path} (check: {problem or 'ok'}), {seconds} s")
    # submit.lua sets each request's path (the citizen's own region's service): wrk needs only the server.
    url = f"http://127.0.0.1:{server.port}{'/' if '<' in scenario.path else scenario.path}"
    profile = scenario.name in CPU_BUDGETS_MS
    row = loadtest.run_scenario(wrk_path, url, seconds, server.worker_pids, load, name=scenario.name, profile=profile)
    row = {
        "name": scenario.name,
        "server": server.name,
        "method": scenario.method,
        "path": scenario.path,
        "unit": scenario.unit,
        "note": scenario.note,
        "target": scenario.target,
        "check_problem": problem,
        **row,
    }
    say(
        f"    {row['rps']:,.1f} {scenario.unit}, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
        f"p99 {row['p99_ms']} ms, {row['non_2xx']} responses ≥ 400"
    )
    return row


def judge(row: dict, met: bool | None, extra_problem: str | None = None) -> dict:
    """The row with why it failed (check, errors, ``extra_problem``) and whether it met its target (None: has none)."""
    failure = identity.failure(row)
    if extra_problem:
        failure = f"{failure}, {extra_problem}" if failure else extra_problem
    return {**row, "failure": failure, "target_met": None if met is None else failure is None and met}


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> dict:
    """pgbench, then the scenarios on one granian server with the benchmark's settings (and the bench-only URLconf
    of the write ceiling)."""
    database_url = env["DATABASE_URL"]
    queries = count_queries(env, data)
    ceiling = pgbench(database_url, seconds)
    files, threads = data["files"], str(loadtest.THREADS)
    run_id = secrets.token_hex(3)
    port = servers.free_port()
    say(f"==> granian (applications) on 127.0.0.1:{port}")
    server = servers.Server(
        "applications",
        servers.granian_command(port),
        port=port,
        env=ceiling_env(env),
        cwd=PROJECT_DIR,
        log_path=var_dir / "granian-applications.log",
    )
    with server:
        csrf = identity.csrf_pair(port)
        key_prefix = f"bench-{run_id}"
        submit_args = (files["submit"], threads, *csrf, data["form"])
        submit_load = loadtest.Load(
            BENCH_DIR / "submit.lua",
            args=(*submit_args, f"{key_prefix}-m"),
            warm_up_args=(*submit_args, f"{key_prefix}-w"),
            profile_args=(*submit_args, f"{key_prefix}-p"),  # new keys: a key used before answers its application
        )
        check_submit = functools.partial(_check_submit, port, database_url, data, csrf)
        submit = measure(server, wrk_path, seconds, SUBMIT, check_submit, submit_load)
        created = _created(database_url, f"{key_prefix}-m")
        short = None if created >= submit["requests"] else f"{created} of {submit['requests']} POSTs created one"
        submit["created"] = created
        submit["share_of_pgbench"] = round(submit["rps"] / ceiling["tps"], 3) if ceiling["tps"] else 0.0

        # Right after submit, on the same server: the same rows with none of the work around them.
        ceiling_key = f"{WRITE_CEILING_KEY}-{run_id}"
        ceiling_args = (files["write_ceiling"], threads)
        ceiling_load = loadtest.Load(
            BENCH_DIR / "write_ceiling.lua",
            args=(*ceiling_args, f"{ceiling_key}-m"),
            warm_up_args=(*ceiling_args, f"{ceiling_key}-w"),
        )
        check_ceiling = functools.partial(_check_write_ceiling, port, database_url, data, f"{ceiling_key}-check")
        write_ceiling = measure(server, wrk_path, seconds, WRITE_CEILING, check_ceiling, ceiling_load)
        _created(database_url, f"{ceiling_key}-m")  # once the requests wrk left in flight are written
        rows = _ceiling_rows(database_url, f"{ceiling_key}-m")
        answered = write_ceiling["requests"] - write_ceiling["non_2xx"]
        write_ceiling["rows"] = rows
        write_ceiling = judge(write_ceiling, None, _ceiling_problem(rows, answered, write_ceiling["connections"]))
        write_ceiling["deleted"] = _delete_ceiling_rows(database_url, ceiling_key)
        say(
            f"    {rows['applications']:,} applications with their events, notifications and outbox messages for "
            f"{answered:,} answers of 201 ({write_ceiling['failure'] or 'ok'}); "
            f"{write_ceiling['deleted']:,} deleted with their rows"
        )
        share = submit["rps"] / write_ceiling["rps"] if write_ceiling["rps"] else 0.0
        submit["share_of_write_ceiling"] = round(share, 3)
        fast = share >= MIN_SHARE_OF_WRITE_CEILING and submit["p99_ms"] < MAX_SUBMIT_P99_MS
        submit = judge(submit, fast, short)
        say(f"    submit: {share:.1%} of the write ceiling (target ≥ {MIN_SHARE_OF_WRITE_CEILING:.0%})")

        officers = loadtest.Load(BENCH_DIR / "session.lua", args=(files["worklist"], threads))
        check_worklist = functools.partial(_check_worklist, port, database_url, data)
        worklist = measure(server, wrk_path, seconds, WORKLIST, check_worklist, officers)
        constant = worklist_queries_constant(queries)
        worklist = judge(worklist, constant and worklist["p95_ms"] < MAX_PAGE_P95_MS)
        worklist["queries_constant"] = constant
        worklist_busy = judge(measure(server, wrk_path, seconds, WORKLIST_BUSY, check_worklist, officers), None)

        citizen = loadtest.Load(BENCH_DIR / "session.lua", args=(files["dashboard"], threads))
        check_dashboard = functools.partial(_check_dashboard, port, data)
        dashboard = measure(server, wrk_path, seconds, DASHBOARD, check_dashboard, citizen)
        dashboard = judge(dashboard, dashboard["p95_ms"] < MAX_PAGE_P95_MS)
        dashboard_busy = judge(measure(server, wrk_path, seconds, DASHBOARD_BUSY, check_dashboard, citizen), None)

    return {
        "scenarios": [submit, write_ceiling, worklist, dashboard, worklist_busy, dashboard_busy],
        "pgbench": ceiling,
        "queries": queries,
        "seed": {key: data[key] for key in SEED_FIELDS_REPORTED},
    }
