"""The connectors' scenarios (issue #19): the region's connector health page under load, and how fast one notifier
forwards applications to an agency's system, each beside a ceiling measured in the same run.

Data comes from connectors_seed.py. Then:

- ``connector_health``: ``GET /pengelola/sistem-instansi/`` as Kota Samarinda's MPP manager (bench/session.lua),
  with SYSTEMS forwarded systems and APPLICATIONS applications forwarded to them over 30 days (their webhooks
  sent, PENDING waiting, FAILED given up; the hourly figures recounted by ``webhooks.rebuild_health``), at as many
  connections as the server has threads (a latency target), held to MAX_PAGE_P95_MS, beside the ceiling
  (``GET /healthz``) on the same granian server at the same connections;
- ``forwarding``: FORWARDED applications of Polres Samarinda's SKCK, their webhooks pending in the outbox, sent by
  ONE notifier (``manage.py deliver_notifications --batch 100 --threads 8``, the benchmark's production-like
  settings) to the agency simulator (``python -m simulators.agency serve --profile polri``, its own process and
  SQLite file, ``--processing-delay 3600`` so that it only receives), the connector's address and secret in the
  notifier's environment by the contract's credentials' name; timed from the notifier's start until no webhook of
  the system waits, held to MIN_FORWARDED_PER_S, with the notifier's CPU seconds. Afterwards the simulator's own
  records must hold exactly one case per application, each tracking number once, under the outbox message's id as
  webhook-id. Its ceiling: the same simulator (another process, another SQLite file) taking the same webhooks
  signed and sent by NOTIFIER_THREADS threads of the bench itself, with no platform in between.

Other families' pending messages (and the health page's) are held back for the notifier's run, so that it sends
only the system's, and released afterwards. BENCH_CONNECTOR_APPLICATIONS and BENCH_FORWARDED seed fewer (or more).
"""

import base64
import concurrent.futures
import functools
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import applications
import httpx
import loadtest
import psycopg
import servers
from complaints_bench import _statement, table_rows
from payments_bench import _cpu_of, _run
from queue_bench import _with_share, measure
from villages_bench import cpu_bound

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))  # the simulators package lives beside src/, not in it

from simulators.agency.testing import signed_webhook  # noqa: E402

# Targets of the issue.
MAX_PAGE_P95_MS = 100.0
MIN_FORWARDED_PER_S = 200.0

SYSTEMS = 24
APPLICATIONS = int(os.environ.get("BENCH_CONNECTOR_APPLICATIONS", "100000"))
PENDING = 300
FAILED = 20
FORWARDED = int(os.environ.get("BENCH_FORWARDED", "20000"))
NOTIFIER_BATCH = 100
NOTIFIER_THREADS = 8
CREDENTIALS = "BENCH_POLRI"
PROFILE = "polri"
CONNECTIONS = applications.PAGE_CONNECTIONS
POLL_S = 0.2
#: The notifier's run fails when webhooks still wait after this long (20 a second at least).
GIVE_UP_S = max(600.0, FORWARDED / 20)
#: Held-back messages wait this much longer than they would, until the notifier's run ends.
HELD_BACK = "interval '100 years'"

Scenario = applications.Scenario
PAGE = Scenario(
    "connector_health",
    "GET",
    "/pengelola/sistem-instansi/",
    f"p95 < {MAX_PAGE_P95_MS:.0f} ms at {CONNECTIONS} connections",
    note=f" the region's MPP manager; {SYSTEMS} systems, {APPLICATIONS:,} applications forwarded",
    connections=CONNECTIONS,
)
CEILING = Scenario("connectors_ceiling", "GET", "/healthz", "—", note=" on this server", connections=CONNECTIONS)


def say(message: str) -> None:
    print(message, flush=True)


def seed(env: dict, var_dir: Path) -> dict:
    """connectors_seed.py's JSON for the health page."""
    say(
        f"==> connectors data: {SYSTEMS} systems of 64.72, {APPLICATIONS:,} applications forwarded to them "
        f"({PENDING} waiting, {FAILED} failed)"
    )
    args = ["health", str(var_dir / "connectors"), "--systems", str(SYSTEMS), "--applications", str(APPLICATIONS)]
    data = _run("connectors_seed.py", [*args, "--pending", str(PENDING), "--failed", str(FAILED)], env)
    queries = data["queries"]
    say(f"    seeded in {data['seed_s']} s; the page in-process: {queries.get('error') or _queries_line(queries)}")
    return data


def _queries_line(queries: dict) -> str:
    return f"{queries['queries']} queries, {queries['wall_ms']} ms ({queries['sql_ms']} ms in SQL)"


# --- the health page ---------------------------------------------------------------------------------------------


def _check_page(port: int, session: str, names: list[str]) -> str | None:
    response = servers.request(port, "GET", PAGE.path, headers={"Cookie": f"sessionid={session}"}, timeout=30)
    body = response.body.decode(errors="replace")
    missing = [name for name in names if name not in body]
    if response.status != 200 or missing:
        return f"GET {PAGE.path} answered {response.status} without {len(missing)} of the {len(names)} systems"
    return None


def health_page(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> list[dict]:
    """The ceiling and the health page on one granian server with the benchmark's settings."""
    server = servers.granian_server("connectors", env, cwd=PROJECT_DIR, log_dir=var_dir)
    say(f"==> granian (connectors) on 127.0.0.1:{server.port}")
    sessions = data["files"]["sessions"]
    with server:
        measured = functools.partial(measure, server, wrk_path, seconds)
        ceiling = applications.judge(measured(CEILING, "/healthz", lambda: None, loadtest.PLAIN_GET), None)
        check = functools.partial(_check_page, server.port, Path(sessions).read_text().split()[0], data["systems"])
        load = loadtest.Load(BENCH_DIR / "session.lua", args=(sessions, str(loadtest.THREADS)))
        page = measured(PAGE, PAGE.path, check, load)
        page = applications.judge(_with_share(page, ceiling), page["p95_ms"] < MAX_PAGE_P95_MS)
        if page["failure"]:
            say(server.log_path.read_text(errors="replace")[-3000:])
    return [ceiling, page]


# --- forwarding: the agency simulator, the notifier --------------------------------------------------------------


def agency_simulator(out: Path, name: str, access: dict) -> tuple[servers.Server, Path]:
    """The agency simulator with the polri profile on a free port, receiving only; and its own SQLite file."""
    port = servers.free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("AGENCY_")}
    env |= {"AGENCY_ADMIN_TOKEN": access["admin_token"], "AGENCY_WEBHOOK_SECRET": access["secret"]}
    env |= {"AGENCY_CLIENT_SECRET": access["client_secret"]}
    command = [sys.executable, "-m", "simulators.agency", "serve", "--profile", PROFILE, "--port", str(port)]
    command += ["--db", str(out / f"{name}.sqlite3"), "--client-id", "skck-polresta-samarinda-bench"]
    command += ["--processing-delay", "3600"]
    server = servers.Server(name, command, port=port, env=env, cwd=PROJECT_DIR, log_path=out / f"{name}.log")
    return server, out / f"{name}.sqlite3"


def _simulator_pids(simulator: servers.Server) -> list[int]:
    return [simulator.process.pid, *simulator.worker_pids()]


def receiver_ceiling(out: Path, access: dict, example: dict, seconds: int) -> dict:
    """The simulator alone: NOTIFIER_THREADS threads of this process sign and send the seeded webhooks' bodies (each
    under its own tracking number and webhook-id) for ``seconds``; webhooks/s taken, and the simulator's CPU."""
    simulator, _db = agency_simulator(out, "agency-ceiling", access)
    url = f"http://127.0.0.1:{simulator.port}/webhooks/mpp"
    deadline, lock, taken, refused = 0.0, threading.Lock(), [0], []
    sent = iter(range(10**9))

    def sender() -> None:
        with httpx.Client(timeout=10) as client:
            while time.monotonic() < deadline:
                with lock:
                    n = next(sent)
                data = example | {"tracking_number": f"6472-0000-C{n:07d}"}
                body, headers = signed_webhook(access["secret"], {"type": "application.forwarded", "data": data})
                response = client.post(url, content=body, headers=headers | {"Content-Type": "application/json"})
                with lock:
                    if response.status_code == 202:
                        taken[0] += 1
                    else:
                        refused.append(f"{response.status_code} {response.text[:200]}")

    say(f"==> the agency simulator alone ({PROFILE}): {NOTIFIER_THREADS} senders in this process, {seconds} s")
    with simulator:
        cpu = _cpu_of(_simulator_pids(simulator))
        started = time.monotonic()
        deadline = started + seconds
        with concurrent.futures.ThreadPoolExecutor(NOTIFIER_THREADS) as pool:
            for future in [pool.submit(sender) for _ in range(NOTIFIER_THREADS)]:
                future.result()
        elapsed = time.monotonic() - started
        cpu = _cpu_of(_simulator_pids(simulator)) - cpu
    row = {
        "webhooks": taken[0],
        "per_s": round(taken[0] / elapsed, 1),
        "simulator_cpu_ms": round(cpu * 1000 / taken[0], 2) if taken[0] else 0.0,
        "refused": len(refused),
        "refusals": refused[:3],
    }
    say(f"    {row['per_s']:,.1f} webhooks/s taken, {row['simulator_cpu_ms']} ms of simulator CPU each")
    return row


def notifier_command() -> tuple[list[str], bool]:
    """``deliver_notifications --batch 100 --threads 8``, without ``--threads`` when the command has none yet."""
    help_text = subprocess.run(
        [sys.executable, "manage.py", "deliver_notifications", "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "true"},
    ).stdout
    threads = "--threads" in help_text
    command = [sys.executable, "manage.py", "deliver_notifications", "--batch", str(NOTIFIER_BATCH)]
    return command + (["--threads", str(NOTIFIER_THREADS)] if threads else []), threads


def _hold_back(database_url: str, endpoint: str) -> int:
    """Every pending message but the system's waits HELD_BACK longer: the notifier sends only the system's."""
    with psycopg.connect(database_url, connect_timeout=5, autocommit=True) as connection:
        return connection.execute(
            f"UPDATE notifications_outboxmessage SET next_attempt_at = next_attempt_at + {HELD_BACK} "
            "WHERE status = 'pending' AND endpoint_id IS DISTINCT FROM %s",
            [endpoint],
        ).rowcount


def _release(database_url: str) -> int:
    with psycopg.connect(database_url, connect_timeout=5, autocommit=True) as connection:
        return connection.execute(
            f"UPDATE notifications_outboxmessage SET next_attempt_at = next_attempt_at - {HELD_BACK} "
            f"WHERE next_attempt_at > now() + {HELD_BACK} / 2"
        ).rowcount


def _outbox(connection, endpoint: str) -> dict[str, int]:
    rows = connection.execute(
        "SELECT status, count(*) FROM notifications_outboxmessage WHERE endpoint_id = %s GROUP BY status", [endpoint]
    ).fetchall()
    return {"pending": 0, "sent": 0, "failed": 0} | dict(rows)


def deliver(env: dict, out: Path, data: dict, notifier_env: dict) -> dict:
    """Run one notifier until no webhook of the system waits (or GIVE_UP_S): the times, the CPU, the outbox."""
    command, threads = notifier_command()
    endpoint, log_path = data["endpoint"], out / "notifier.log"
    say(f"==> notifier: {' '.join(command[1:])}, {data['counts']['pending']:,} webhooks pending")
    held_back = _hold_back(env["DATABASE_URL"], endpoint)
    first = None
    with psycopg.connect(env["DATABASE_URL"], connect_timeout=5, autocommit=True) as connection:
        started = time.monotonic()
        with open(log_path, "wb") as log:
            notifier = subprocess.Popen(
                command, cwd=PROJECT_DIR, env=notifier_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            with loadtest.CpuUse(lambda: [notifier.pid]) as cores:
                while True:
                    counts = _outbox(connection, endpoint)
                    now = time.monotonic()
                    if first is None and counts["sent"] + counts["failed"]:
                        first = (now, loadtest._cpu_seconds(notifier.pid))
                    if not counts["pending"] or notifier.poll() is not None or now - started > GIVE_UP_S:
                        break
                    time.sleep(POLL_S)
            finished = time.monotonic()
            cpu_s = loadtest._cpu_seconds(notifier.pid)
        finally:
            _stop(notifier)
            released = _release(env["DATABASE_URL"])
    elapsed = finished - started
    delivering = finished - first[0] if first else 0.0
    sent = counts["sent"]
    return {
        "command": " ".join(["manage.py", *command[2:]]),
        "threads_option": threads,
        "elapsed_s": round(elapsed, 2),
        "delivering_s": round(delivering, 2),
        "per_s": round(sent / elapsed, 1) if elapsed else 0.0,
        "per_s_delivering": round(sent / delivering, 1) if delivering else 0.0,
        "notifier_cpu_s": round(cpu_s, 2),
        "notifier_startup_cpu_s": round(first[1], 2) if first else None,
        "notifier_cpu_ms": round(cpu_s * 1000 / sent, 2) if sent else 0.0,
        "cpu_cores": cores.cores,
        "outbox": counts,
        "timed_out": bool(counts["pending"]) and elapsed > GIVE_UP_S,
        "notifier_exit": notifier.returncode,
        "held_back": held_back,
        "released": released,
        "log_tail": log_path.read_text(errors="replace")[-1500:],
    }


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (the notifier ends its round and exits), SIGKILL to its group after 30 s."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def received(simulator: servers.Server, db: Path, access: dict, data: dict, database_url: str) -> dict:
    """The simulator's records against what was forwarded: its SQLite file, and GET /cases for a few numbers."""
    numbers = Path(data["files"]["numbers"]).read_text().split()
    store = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cases = store.execute("SELECT tracking_number, webhook_id FROM cases").fetchall()
    finally:
        store.close()
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        messages = connection.execute(
            "SELECT id::text, attempts FROM notifications_outboxmessage WHERE endpoint_id = %s", [data["endpoint"]]
        ).fetchall()
        hours = connection.execute(
            "SELECT coalesce(sum(attempts), 0), coalesce(sum(delivered), 0), coalesce(sum(failures), 0) "
            "FROM notifications_endpointhour WHERE endpoint_id = %s",
            [data["endpoint"]],
        ).fetchone()
    tracked = [number for number, _webhook in cases]
    webhook_ids = {webhook for _number, webhook in cases}
    api = {}
    for number in (numbers[0], numbers[len(numbers) // 2], numbers[-1]):
        response = httpx.get(
            f"http://127.0.0.1:{simulator.port}/cases",
            params={"tracking_number": number},
            headers={"X-Admin-Token": access["admin_token"]},
            timeout=10,
        )
        api[number] = len(response.json().get("cases", [])) if response.status_code == 200 else response.status_code
    return {
        "forwarded": len(numbers),
        "cases": len(cases),
        "tracking_numbers": len(set(tracked)),
        "duplicated": len(tracked) - len(set(tracked)),
        "missing": len(set(numbers) - set(tracked)),
        "unexpected": len(set(tracked) - set(numbers)),
        "webhook_ids_not_outbox": len(webhook_ids - {message for message, _attempts in messages}),
        "retried": sum(1 for _message, attempts in messages if attempts > 1),
        "attempts": sum(attempts for _message, attempts in messages),
        "endpoint_hours": dict(zip(("attempts", "delivered", "failures"), hours, strict=True)),
        "api_cases_per_number": api,
    }


def forwarding_problems(delivered: dict, found: dict) -> list[str]:
    problems = []
    if delivered["timed_out"] or delivered["outbox"]["pending"]:
        problems.append(f"{delivered['outbox']['pending']:,} webhooks still pending after {delivered['elapsed_s']} s")
    if delivered["outbox"]["failed"]:
        problems.append(f"{delivered['outbox']['failed']:,} webhooks failed")
    if found["cases"] != found["forwarded"] or found["missing"] or found["duplicated"] or found["unexpected"]:
        problems.append(
            f"the agency holds {found['cases']:,} cases for {found['forwarded']:,} applications ({found['missing']} "
            f"lost, {found['duplicated']} duplicated, {found['unexpected']} unexpected)"
        )
    if found["webhook_ids_not_outbox"]:
        problems.append(f"{found['webhook_ids_not_outbox']} cases under a webhook-id that is no outbox message's")
    if any(count != 1 for count in found["api_cases_per_number"].values()):
        problems.append(f"GET /cases?tracking_number=… answered {found['api_cases_per_number']}")
    if not delivered["threads_option"]:
        problems.append("deliver_notifications has no --threads option: ran with one thread")
    return problems


def forward(env: dict, var_dir: Path, seconds: int) -> dict:
    """Seed the system and its pending webhooks, measure the receiver's ceiling, then one notifier's run."""
    out = var_dir / "forwarding"
    say(f"==> forwarding data: {FORWARDED:,} SKCK applications of Polres Samarinda, their webhooks pending")
    data = _run("connectors_seed.py", ["forwarding", str(out), "--applications", str(FORWARDED)], env)
    if data["payload_problems"]:
        say(f"    the seeded bodies differ from the platform's: {data['payload_problems'][:1]}")
    access = {
        "secret": f"whsec_{base64.b64encode(secrets.token_bytes(32)).decode()}",
        "admin_token": secrets.token_urlsafe(24),
        "client_secret": secrets.token_urlsafe(24),
    }
    ceiling = receiver_ceiling(out, access, data["example"], seconds)
    simulator, db = agency_simulator(out, "agency-polri", access)
    say(f"==> agency simulator ({PROFILE}) on 127.0.0.1:{simulator.port}")
    with simulator:
        url_name, secret_name = (f"MPP_CONNECTOR_{CREDENTIALS}_URL", f"MPP_CONNECTOR_{CREDENTIALS}_SECRET")
        notifier_env = env | {
            url_name: f"http://127.0.0.1:{simulator.port}/webhooks/mpp",
            secret_name: access["secret"],
        }
        simulator_cpu = _cpu_of(_simulator_pids(simulator))
        delivered = deliver(env, out, data, notifier_env)
        simulator_cpu = _cpu_of(_simulator_pids(simulator)) - simulator_cpu
        found = received(simulator, db, access, data, env["DATABASE_URL"])
    sent = delivered["outbox"]["sent"]
    delivered["simulator_cpu_ms"] = round(simulator_cpu * 1000 / sent, 2) if sent else 0.0
    problems = forwarding_problems(delivered, found) + data["payload_problems"][:1]
    failure = ", ".join(problems) or None
    say(
        f"    {sent:,} sent in {delivered['elapsed_s']} s: {delivered['per_s']:,.1f} applications/s "
        f"({delivered['per_s_delivering']:,.1f}/s from the first delivery); "
        f"notifier CPU {delivered['notifier_cpu_s']} s"
    )
    say(
        f"    the agency holds {found['cases']:,} cases, {found['tracking_numbers']:,} tracking numbers: "
        f"{found['missing']} lost, {found['duplicated']} duplicated; {'; '.join(problems) or 'all checks passed'}"
    )
    if failure:
        say(delivered["log_tail"])
    return {
        "name": "forwarding",
        "target": f"≥ {MIN_FORWARDED_PER_S:.0f} applications/s, each once at the agency",
        "applications": FORWARDED,
        "system": {key: data[key] for key in ("system_name", "service", "contract")},
        "seed_s": data["seed_s"],
        **delivered,
        "received": found,
        "ceiling": ceiling,
        "share_of_ceiling": round(delivered["per_s"] / ceiling["per_s"], 3) if ceiling["per_s"] else 0.0,
        "failure": failure,
        "target_met": failure is None and delivered["per_s"] >= MIN_FORWARDED_PER_S,
    }


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> dict:
    """The health page on granian, then the notifier's run against the agency simulator."""
    scenarios = health_page(env, var_dir, wrk_path, seconds, data)
    forwarding = forward(env, var_dir, seconds)
    return {
        "scenarios": scenarios,
        "forwarding": forwarding,
        "rows": [*scenarios, forwarding],
        "seed": {key: data[key] for key in ("seed_s", "steps_s", "counts", "agencies", "foreign_key_checks_skipped")},
        "queries": {key: value for key, value in data["queries"].items() if key != "body"},
    }


# --- the report ------------------------------------------------------------------------------------------------------


def _met(row: dict) -> str:
    if row["failure"]:
        return f"**FAILED: {row['failure']}**"
    return "yes" if row["target_met"] else "**no**"


def _forwarding_lines(row: dict) -> list[str]:
    ceiling, cores = row["ceiling"], row["cpu_cores"]
    return [
        "| forwarding | applications | seconds | applications/s | from the first delivery | % of ceiling "
        "| notifier CPU s | notifier CPU ms/app | simulator CPU ms/app | cores: notifier / PostgreSQL / other "
        "| target | met? |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|",
        f"| `{row['command']}` | {row['outbox']['sent']:,} | {row['elapsed_s']:.1f} | {row['per_s']:,.1f} "
        f"| {row['per_s_delivering']:,.1f}/s | {row['share_of_ceiling']:.0%} | {row['notifier_cpu_s']:.1f} "
        f"| {row['notifier_cpu_ms']:.2f} | {row['simulator_cpu_ms']:.2f} "
        f"| {cores['server']:.2f} / {cores['postgres']:.2f} / {cores['other']:.2f} | {row['target']} | {_met(row)} |",
        f"| ceiling: the simulator alone, {NOTIFIER_THREADS} senders in the bench | {ceiling['webhooks']:,} | — "
        f"| {ceiling['per_s']:,.1f} | — | 100% | — | — | {ceiling['simulator_cpu_ms']:.2f} | — | — | — |",
    ]


def section(results: dict) -> list[str]:
    """The connectors section of a report (``run.py --only connectors`` prints it alone)."""
    data = results["connectors"]
    ceiling, page = data["scenarios"]
    forwarding, counts, queries = data["forwarding"], data["seed"]["counts"], data["queries"]
    found = forwarding["received"]
    outbox = counts["outbox"]
    statements = ", ".join(f"`{_statement(sql)}`" for sql in queries.get("sql", []))
    page_queries = (
        f"In-process as the manager (`bench/connectors_seed.py`, Django's test client, after a first request): "
        f"{queries['queries']} queries, {queries['wall_ms']:.1f} ms a page, {queries['sql_ms']:.1f} ms of it in "
        f"SQL: {statements}."
        if "error" not in queries
        else f"Not counted in-process: {queries['error']}."
    )
    return [
        "## Connectors: the health page and forwarding to an agency's system (issue #19)",
        "",
        f"Targets of the issue, in Kota Samarinda: the connector health page with p95 < {MAX_PAGE_P95_MS:.0f} ms "
        f"with {SYSTEMS} systems and {counts['applications']:,} applications forwarded, and one notifier forwarding "
        f"at least {MIN_FORWARDED_PER_S:.0f} applications a second to an agency's system, none lost nor duplicated. "
        f"The page on a granian server of its own with the settings above, at {CONNECTIONS} connections (as many as "
        "the server has threads: a latency target), beside the ceiling (`GET /healthz`) measured on that server at "
        "the same connections in the same run. *Server CPU ms/req* and *PostgreSQL CPU ms/req* are the CPU the "
        "granian workers and the PostgreSQL processes used per answered request.",
        "",
        *table_rows(data["scenarios"]),
        "",
        f"- **connector_health**: `GET {PAGE.path}` as the region's MPP manager (a session made through Django's "
        f"session engine; `bench/session.lua`), listing its {counts['systems_listed']} systems (connected with "
        f"`connectors.connect`, contract credentials `BENCH_<n>`, over {data['seed']['agencies']} agencies of 64.72 "
        f"that offer a service). Seeded with bulk_create in {data['seed']['seed_s']} s: "
        f"{counts['applications']:,} applications forwarded over the last 30 days (status forwarded, each with its "
        f"`ExternalCase`), unevenly over the systems, with their webhooks in the outbox ({outbox.get('sent', 0):,} "
        f"sent after 1–3 attempts, {outbox.get('pending', 0):,} waiting, {outbox.get('failed', 0):,} failed; two "
        "systems stopped answering, holding most of the waiting and all the failed), and "
        f"{counts['endpoint_hours']:,} hourly figures recounted by `webhooks.rebuild_health`. The page shows "
        f"{counts['waiting']:,} waiting, {counts['failed']:,} failed, {counts['attempts_24h']:,} attempts in the "
        f"last 24 hours ({counts['failures_24h']:,} failed), {counts['unhealthy']} systems needing attention. Before "
        "the load one GET must answer 200 listing every system. " + page_queries,
        f"- **forwarding**: {forwarding['applications']:,} SKCK applications of Polres Samarinda, forwarded to "
        f"*{forwarding['system']['system_name']}* "
        f"(contract credentials `{CREDENTIALS}`, fields "
        f"{', '.join(f'`{key}` ← `{value}`' for key, value in forwarding['system']['contract']['fields'].items())}), "
        "their webhooks pending in the outbox with the body `forward_if_configured` queues (checked against "
        "`forwarding.payload` and the contract's mapping for a few of them). One notifier, "
        f"`{forwarding['command']}`, with the benchmark's settings and `MPP_CONNECTOR_{CREDENTIALS}_URL` / `_SECRET` "
        f"naming the agency simulator (`python -m simulators.agency serve --profile {PROFILE} --processing-delay "
        "3600`: one granian worker with 4 threads, its own SQLite file, receiving only), timed from its start until "
        f"no webhook of the system waits: **{forwarding['per_s']:,.1f} applications/s** over "
        f"{forwarding['elapsed_s']:.1f} s ({forwarding['per_s_delivering']:,.1f}/s from the first delivery seen; "
        f"{forwarding['notifier_startup_cpu_s'] or 0:.1f} CPU s before it, Django's start-up mostly), "
        f"{forwarding['notifier_cpu_s']:.1f} CPU seconds of the notifier ({forwarding['notifier_cpu_ms']:.2f} ms an "
        f"application: one process runs its Python on one core at most, the GIL shared by its threads, so about "
        f"{1000 / forwarding['notifier_cpu_ms'] if forwarding['notifier_cpu_ms'] else 0:,.0f} applications/s at "
        f"best; it used {forwarding['cpu_cores']['server']:.2f} cores, PostgreSQL "
        f"{forwarding['cpu_cores']['postgres']:.2f}, other processes {forwarding['cpu_cores']['other']:.2f}, the "
        f"simulator's {forwarding['simulator_cpu_ms'] * forwarding['per_s'] / 1000:.2f} among them). Other pending "
        f"messages "
        f"({forwarding['held_back']:,}) were held back for the run and released after it.",
        f"- The agency's own records (its SQLite file; `GET /cases?tracking_number=…` with its admin token for three "
        f"of them: {', '.join(str(n) for n in found['api_cases_per_number'].values())} case each): "
        f"**{found['cases']:,} cases for {found['forwarded']:,} applications, {found['tracking_numbers']:,} tracking "
        f"numbers, {found['missing']} lost, {found['duplicated']} duplicated**, {found['unexpected']} unexpected; "
        f"every case under its outbox message's id as webhook-id ({found['webhook_ids_not_outbox']} not). "
        f"{found['retried']} webhooks needed more than one attempt ({found['attempts']:,} attempts in all; the "
        f"receiver's hourly figures: {found['endpoint_hours']['attempts']:,} attempts, "
        f"{found['endpoint_hours']['delivered']:,} delivered, {found['endpoint_hours']['failures']} failures).",
        "",
        *_forwarding_lines(forwarding),
        "",
        f"The forwarding's ceiling is the agency simulator alone: a second process on its own SQLite file taking the "
        f"same webhooks for {results['settings']['duration_s']} s, signed and sent by {NOTIFIER_THREADS} threads of "
        f"the bench with no platform in between ({forwarding['ceiling']['refused']} refused). Page ceiling on this "
        f"server: {ceiling['rps']:,.0f} req/s at {ceiling['connections']} connections (p95 {ceiling['p95_ms']:.1f} "
        f"ms). {cpu_bound(page, results['machine']['nproc'], MAX_PAGE_P95_MS)}",
        "",
    ]
