"""The complaints scenario: a signed-in citizen files a complaint (``POST /pengaduan/baru/<region code>/``).

Target of the issue: p99 < MAX_FILE_P99_MS at 32 connections, reported beside the ceiling (``GET /healthz``)
measured on the same granian server, at the same connections, just before.

The citizens and their sessions come from applications_seed.py: in a full run the applications family's own
(the citizens who submit there, signed in through Django's session engine), with ``run.py --only complaints``
a small run of the same script (ONLY_* below) in a database of its own. Each citizen complains about their
own region's birth-certificate service (the service of their line in the seed's submit file): the form as a
browser sends it (multipart, no file chosen; the applications scenario uploads none either), with a new
``submit_key`` on every request (bench/complaint.lua), so each one files a complaint.

Before the server starts, complaints_queries.py files one complaint in-process and lists its queries (for the
report). One POST of its own is checked before the load: 302 to the receipt, and the complaint with its filing step,
the reporter's notification and its outbox message. After the load the database must hold a complaint for
every answered POST.

The per-IP limit of filing (20 an hour, django-ratelimit in the cache) stays on, as in production: this
scenario's server counts it on X-Forwarded-For (django-ratelimit's RATELIMIT_IP_META_KEY, as behind the load
balancer, like the login and documents servers) and wrk sends each request from another address, so the
limit costs its cache lookups and refuses nothing (a refusal is a 429, which fails the scenario). The
per-contact limit (5 an hour) counts only filings without an account.
"""

import datetime
import functools
import json
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import applications
import identity
import loadtest
import psycopg
import servers
from scenarios import CEILING

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent

# Target of the issue.
MAX_FILE_P99_MS = 200.0

# Without the rest of the run (`run.py --only complaints`): as many citizens filing as submit applications.
ONLY_APPLICATIONS = 20_000
ONLY_CITIZENS = 5_000
ONLY_SUBMITTERS = 2_000

# The per-IP limit counts the address from X-Forwarded-For, where wrk puts another one on each request:
# <block>.<x>.<y>, one block for the warm-up, one for the measured run, one for the check.
SERVER_ENV = {"RATELIMIT_IP_META_KEY": "HTTP_X_FORWARDED_FOR"}
WARM_UP_BLOCK, MEASURED_BLOCK, CHECK_ADDRESS = "10.20", "10.21", "10.22.0.1"
BOUNDARY = "----mpp-bench-complaint-5e1b"
RECEIPT = re.compile(r"^/pengaduan/(ADU-[0-9A-Z-]+)/terkirim/$")
TITLE = "Akta kelahiran anak belum terbit"
DESCRIPTION = (
    "Permohonan akta kelahiran anak kami sudah melewati batas waktu layanan, tetapi statusnya masih menunggu "
    "verifikasi. Petugas di loket MPP hanya meminta kami menunggu tanpa kepastian. Mohon kejelasan kapan akta "
    "dapat diterbitkan dan diambil."
)

FILE = applications.Scenario(
    "file_complaint",
    "POST",
    "/pengaduan/baru/<region>/",
    f"p99 < {MAX_FILE_P99_MS:.0f} ms at {loadtest.CONNECTIONS} connections",
    note=" multipart, no file; another citizen, client address and submit_key per request",
    unit="complaints/s",
)
CEILING_HERE = applications.Scenario(CEILING.name, "GET", CEILING.path, "—", note=" on this server")


def say(message: str) -> None:
    print(message, flush=True)


def seed(env: dict, var_dir: Path) -> dict:
    """Citizens and their sessions for ``--only complaints``: applications_seed.py, small; returns its JSON."""
    command = [sys.executable, str(BENCH_DIR / "applications_seed.py"), str(var_dir / "applications")]
    command += ["--applications", str(ONLY_APPLICATIONS), "--citizens", str(ONLY_CITIZENS)]
    command += ["--submitters", str(ONLY_SUBMITTERS)]
    say(
        f"==> complaints data: {ONLY_CITIZENS:,} citizens ({ONLY_SUBMITTERS:,} signed in), "
        f"{ONLY_APPLICATIONS:,} applications"
    )
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"applications_seed.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the form, as a browser sends it -----------------------------------------------------------


def _part(name: str, value: str) -> str:
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'


def form_fields(today: datetime.date) -> list[tuple[str, str]]:
    """The fields every filing sends alike (the service and the submit_key differ), as a browser sends them."""
    return [
        ("category", "service_delay"),
        ("agency", ""),  # derived from the service
        ("mpp", ""),
        ("title", TITLE),
        ("description", DESCRIPTION),
        ("occurred_on", (today - datetime.timedelta(days=3)).isoformat()),
        ("place", ""),
        ("publish_consent", "on"),
    ]


def fixed_parts(csrf_token: str, today: datetime.date) -> str:
    """The parts every request sends alike: the CSRF token, the fields, the file input left empty."""
    fields = [("csrfmiddlewaretoken", csrf_token), *form_fields(today)]
    empty_file = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    return "".join(_part(name, value) for name, value in fields) + empty_file


def _body(fixed: str, service: str, key: str) -> str:
    """complaint.lua's body, for the check."""
    return fixed + _part("service", service) + _part("submit_key", key) + f"--{BOUNDARY}--\r\n"


def sessions_file(database_url: str, data: dict, path: Path) -> tuple[str, dict]:
    """complaint.lua's lines, ``<sessionid>\\t<region code>\\t<service id>``, from the seed's submit file; the
    file's path and each service's region."""
    lines = [line.split("\t") for line in Path(data["files"]["submit"]).read_text().split("\n") if line]
    services = {service for _session, service in lines}
    services |= {data["check"]["submit_service"], data["queries"]["citizen_service"]}
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        found = connection.execute(
            "SELECT id::text, region_id FROM catalog_service WHERE id = ANY(%s::uuid[])", [sorted(services)]
        ).fetchall()
    region_of = dict(found)
    path.write_text("".join(f"{session}\t{region_of[service]}\t{service}\n" for session, service in lines))
    return str(path), region_of


def count_queries(env: dict, data: dict, region_of: dict) -> dict:
    """complaints_queries.py's JSON: the queries of one filing, its wall and SQL time, in-process."""
    service = data["queries"]["citizen_service"]
    given = {
        "citizen_id": data["queries"]["citizen_id"],
        "region": region_of[service],
        "service": service,
        "form": form_fields(datetime.date.today()),
    }
    say("==> complaints: queries of one filing, in-process")
    command = [sys.executable, str(BENCH_DIR / "complaints_queries.py"), json.dumps(given)]
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"complaints_queries.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    queries = json.loads(result.stdout.strip().splitlines()[-1])
    say(
        f"    {queries['queries']} queries ({queries['writes']} writes), answered {queries['status']}; "
        f"{queries['wall_ms']} ms a filing, {queries['sql_ms']} ms of it in SQL"
    )
    return queries


# --- checks: one request before the load, answering what a browser expects -------------------


def _check_file(port: int, database_url: str, data: dict, csrf_cookie: str, fixed: str, region_of: dict):
    check = data["check"]
    service = check["submit_service"]
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Cookie": f"csrftoken={csrf_cookie}; sessionid={check['submit_session']}",
        "X-Forwarded-For": CHECK_ADDRESS,
    }
    body = _body(fixed, service, f"check-{secrets.token_hex(8)}")
    path = f"/pengaduan/baru/{region_of[service]}/"
    response = servers.request(port, "POST", path, headers=headers, body=body.encode())
    location = response.headers.get("Location", "")
    receipt = RECEIPT.match(location)
    if response.status != 302 or not receipt:
        return f"filing answered {response.status} (Location {location!r}), not 302 to the receipt"
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        found = connection.execute(
            """
            SELECT c.reporter_id, c.status, c.region_id, c.service_id::text, c.agency_id IS NOT NULL,
                   (SELECT count(*) FROM complaints_step s WHERE s.complaint_id = c.id),
                   (SELECT count(*) FROM notifications_notification n WHERE n.user_id = c.reporter_id
                       AND n.kind = 'complaint_received' AND n.context->>'number' = c.tracking_number),
                   (SELECT count(*) FROM notifications_outboxmessage o WHERE o.dedup_key LIKE 'complaint-step:'
                       || (SELECT min(s.id) FROM complaints_step s WHERE s.complaint_id = c.id) || ':%%')
            FROM complaints_complaint c WHERE c.tracking_number = %s
            """,
            [receipt.group(1)],
        ).fetchone()
    expected = (check["submit_user_id"], "received", region_of[service], service, True, 1, 1)
    if found is None or found[:7] != expected or found[7] < 1:
        return (
            f"complaint {receipt.group(1)}: (reporter, status, region, service, agency, steps, notices, outbox) {found}"
        )
    return None


def _filed(database_url: str, key_prefix: str) -> int:
    """Complaints whose submit_key holds ``key_prefix`` (the platform stores a signed-in filer's key after their
    account's id), once the count stops moving (requests still in flight when wrk stops are finished by the
    server a moment later)."""
    last = -1
    with psycopg.connect(database_url, connect_timeout=5, autocommit=True) as connection:
        while True:
            (filed,) = connection.execute(
                "SELECT count(*) FROM complaints_complaint WHERE submit_key LIKE %s", [f"%:{key_prefix}-%"]
            ).fetchone()
            if filed == last:
                return filed
            last = filed
            time.sleep(1.0)


# --- running ---------------------------------------------------------------------------------


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> dict:
    """The ceiling, then filing, on one granian server (SERVER_ENV); ``data`` is applications_seed.py's JSON."""
    database_url = env["DATABASE_URL"]
    out = var_dir / "complaints"
    out.mkdir(parents=True, exist_ok=True)
    sessions, region_of = sessions_file(database_url, data, out / "complaint-sessions.txt")
    queries = count_queries(env, data, region_of)
    port = servers.free_port()
    say(f"==> granian (complaints) on 127.0.0.1:{port}")
    server = servers.Server(
        "complaints",
        servers.granian_command(port),
        port=port,
        env={**env, **SERVER_ENV},
        cwd=PROJECT_DIR,
        log_path=var_dir / "granian-complaints.log",
    )
    with server:
        measure = functools.partial(applications.measure, server, wrk_path, seconds)
        ceiling = applications.judge(measure(CEILING_HERE, lambda: None, loadtest.PLAIN_GET), None)

        csrf_cookie, csrf_token = identity.csrf_pair(port)
        fixed = fixed_parts(csrf_token, datetime.date.today())
        form_path = out / "complaint-form.txt"
        form_path.write_bytes(fixed.encode())
        key_prefix = f"bench-{secrets.token_hex(3)}"
        args = (sessions, str(loadtest.THREADS), csrf_cookie, str(form_path), BOUNDARY)
        load = loadtest.Load(
            BENCH_DIR / "complaint.lua",
            args=(*args, f"{key_prefix}-m", MEASURED_BLOCK),
            warm_up_args=(*args, f"{key_prefix}-w", WARM_UP_BLOCK),
        )
        check = functools.partial(_check_file, port, database_url, data, csrf_cookie, fixed, region_of)
        filing = measure(FILE, check, load)
        if filing["check_problem"]:  # the server's log says why, before the temporary directory goes
            say(server.log_path.read_text(errors="replace")[-3000:])
        filed = _filed(database_url, f"{key_prefix}-m")
        short = None if filed >= filing["requests"] else f"{filed} of {filing['requests']} POSTs filed one"
        filing["filed"] = filed
        filing["share_of_ceiling"] = round(filing["rps"] / ceiling["rps"], 3) if ceiling["rps"] else 0.0
        filing = applications.judge(filing, filing["p99_ms"] < MAX_FILE_P99_MS, short)

    return {
        "scenarios": [ceiling, filing],
        "queries": queries,
        "server_env": SERVER_ENV,
        "citizens": data["counts"]["citizens"],
        "filers": data["submitters"],
    }


# --- the report ------------------------------------------------------------------------------


def cpu_ms(row: dict, process: str) -> float:
    """CPU ms per answered request of ``process`` (server, postgres) in a row (the queue's report too)."""
    return row["cpu_cores"][process] * 1000 / row["rps"] if row["rps"] else 0.0


def met(row: dict) -> str:
    if row["failure"]:
        return f"**FAILED: {row['failure']}**"
    return {None: "—", True: "yes", False: "**no**"}[row["target_met"]]


def table_rows(rows: list[dict]) -> list[str]:
    """The table of write scenarios with their CPU per request (complaints and the queue)."""
    lines = [
        "| scenario | request | conns | rate | p50 ms | p95 ms | p99 ms | % of ceiling | server CPU ms/req "
        "| PostgreSQL CPU ms/req | cores: server / PostgreSQL / wrk / other | target | met? |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|",
    ]
    for row in rows:
        share = f"{row['share_of_ceiling']:.0%}" if "share_of_ceiling" in row else "—"
        cores = row["cpu_cores"]
        lines.append(
            f"| {row['name']} | `{row['method']} {row['path']}`{row['note']} | {row['connections']} "
            f"| {row['rps']:,.1f} {row['unit']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {share} | {cpu_ms(row, 'server'):.2f} | {cpu_ms(row, 'postgres'):.2f} "
            f"| {cores['server']:.2f} / {cores['postgres']:.2f} / {cores['wrk']:.2f} / {cores['other']:.2f} "
            f"| {row['target']} | {met(row)} |"
        )
    return lines


def _missed(row: dict, cores: int) -> list[str]:
    """What bounds a missed target: the CPU each filing cost, with 32 of them in flight on these cores."""
    if row["target_met"] is not False or row["failure"] or not row["rps"]:
        return []
    server_ms, postgres_ms = cpu_ms(row, "server"), cpu_ms(row, "postgres")
    spread = row["p99_ms"] / row["mean_ms"] if row["mean_ms"] else 1.0
    # Latency ≈ connections / rate: the rate at which this run's tail (p99 = spread × mean) ends under the target.
    needed = row["connections"] * 1000 / MAX_FILE_P99_MS * spread
    allowed = cores * 1000 / (server_ms + postgres_ms) if server_ms + postgres_ms else 0.0
    alone = cores * 1000 / server_ms if server_ms else 0.0
    if allowed < needed:
        verdict = (
            f"The target is beyond these {cores} cores: it takes about {cores * 1000 / needed:.1f} ms of CPU per "
            "filing in all (server and PostgreSQL), or more cores; the queries of a filing are listed below."
        )
    else:
        verdict = (
            "The CPU per filing allows the target on these cores: what held the tail back is the machine's other "
            "work and the GIL each worker's two threads share."
        )
    return [
        f"- **{row['name']}** missed p99 < {MAX_FILE_P99_MS:.0f} ms (p99 {row['p99_ms']:.0f} ms, mean "
        f"{row['mean_ms']:.0f} ms). At {row['connections']} connections a filing waits behind the others "
        f"(latency ≈ {row['connections']} / rate): with the tail of this run (p99 = {spread:.2f} × mean) the target "
        f"needs about {needed:.0f} filings/s. Each filing cost {server_ms:.1f} ms of server CPU and "
        f"{postgres_ms:.1f} ms of PostgreSQL CPU, so {cores} cores allow at most {allowed:,.0f} filings/s with "
        f"PostgreSQL on them ({alone:,.0f} for the server alone); during the run other work used "
        f"{row['cpu_cores']['other']:.2f} cores. " + verdict,
        "",
    ]


STATEMENT = re.compile(r'^(SELECT)\b.*?\bFROM "([^"]+)"|^(INSERT INTO|UPDATE|DELETE FROM) "([^"]+)"|^(\w+)', re.S)


def _statement(sql: str) -> str:
    """``SELECT regions_region``, ``INSERT INTO complaints_step``, ``BEGIN``: what a captured query does."""
    found = STATEMENT.match(sql.lstrip())
    return " ".join(part for part in found.groups() if part) if found else sql[:40]


def _queries(queries: dict) -> list[str]:
    return [
        f"One filing in-process (`bench/complaints_queries.py`, Django's test client, before the load): "
        f"{queries['queries']} queries, {queries['writes']} of them writes, answered {queries['status']}; "
        f"{queries['wall_ms']:.1f} ms a filing (median of the next few), {queries['sql_ms']:.1f} ms of it in SQL: "
        + ", ".join(f"`{_statement(sql)}`" for sql in queries["sql"])
        + ".",
        "",
    ]


def section(results: dict) -> list[str]:
    """The complaints section of a report (``run.py --only complaints`` prints it alone)."""
    data = results["complaints"]
    ceiling, filing = data["scenarios"]
    server_env = ", ".join(f"`{name}={value}`" for name, value in data["server_env"].items())
    return [
        "## Complaints: filing a complaint",
        "",
        f"Target of the issue: a signed-in citizen files a complaint with p99 < {MAX_FILE_P99_MS:.0f} ms at "
        f"{FILE.connections} connections. On a granian server of its own with the settings above and {server_env}, "
        "beside the ceiling (`GET /healthz`) measured on that server at the same connections just before. "
        "*Server CPU ms/req* and *PostgreSQL CPU ms/req* are the CPU the granian workers and the PostgreSQL "
        "processes used per answered request.",
        "",
        *table_rows(data["scenarios"]),
        "",
        *_missed(filing, results["machine"]["nproc"]),
        f"- **file_complaint**: `POST /pengaduan/baru/<region code>/` as one of {data['filers']:,} signed-in "
        f"citizens (of {data['citizens']:,} seeded by `bench/applications_seed.py`, sessions made through Django's "
        "session engine) about the birth-certificate service of their own region: category, title, a description "
        f"of {len(DESCRIPTION)} characters, the date it happened, consent to publish, multipart as the browser "
        "sends the form with no file chosen, and a new `submit_key` on every request (`bench/complaint.lua`). "
        "A filing computes its three working-day deadlines and writes the complaint, its first step, the "
        "reporter's notification and its outbox message in one transaction. Before the load one POST of its own "
        "must answer 302 to the receipt and leave all of these; after it, the database must hold a complaint for "
        f"every answered POST ({filing.get('filed', 0):,} filed).",
        "- Filing is limited to 20 an hour per client address (django-ratelimit in the cache; 5 an hour per "
        "contact for filings without an account): the limit stays on; the server reads the address from "
        f"X-Forwarded-For ({server_env}), as behind the load balancer, and every request comes from another "
        "address, so the limit costs its cache lookups and refuses nothing (a refusal would be a 429, counted as "
        f"a failure). The ceiling's p99 on this server was {ceiling['p99_ms']:.0f} ms.",
        "",
        *_queries(data["queries"]),
    ]
