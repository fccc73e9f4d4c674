"""Turn one run's results into docs/BENCHMARKS.md and bench/results/latest.json."""

import json
from pathlib import Path

import applications
import cluster_bench
import complaints_bench
import connectors_bench
import documents
import identity
import payments_bench
import profiles
import queue_bench
import registry
import statistics_bench
import surveys_bench
import villages_bench
from scenarios import (
    CPU_BUDGETS_MS,
    MAX_P99_MS,
    MAX_REGION_LOAD_S,
    MAX_WORKER_RSS_MB,
    MIN_SHARE_OF_CEILING,
    TARGET_TEXT,
)


def _yes_no(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "**no**")


def _scenario_rows(scenarios: list[dict]) -> list[str]:
    rows = [
        "| scenario | URL | req/s | p50 ms | p95 ms | p99 ms | % of ceiling | target | met? |",
        "|---|---|--:|--:|--:|--:|--:|---|---|",
    ]
    for s in scenarios:
        met = f"**FAILED: {s['failure']}**" if s["failure"] else _yes_no(s["target_met"])
        target = TARGET_TEXT if s["targeted"] else "—"
        rows.append(
            f"| {s['name']} | `{s['url_pattern']}` | {s['rps']:,.0f} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} "
            f"| {s['p99_ms']:.1f} | {s['share_of_ceiling']:.0%} | {target} | {met} |"
        )
    return rows


def _memory_rows(memory: dict) -> list[str]:
    rows = ["| server | worker | max RSS MB | target | met? |", "|---|--:|--:|---|---|"]
    for worker in memory["workers"]:
        mb = worker["max_rss_mb"]
        rows.append(
            f"| {worker['server']} | {worker['worker']} | {mb:.1f} | < {MAX_WORKER_RSS_MB:.0f} MB "
            f"| {_yes_no(mb < MAX_WORKER_RSS_MB)} |"
        )
    return rows


def _cores(row: dict) -> str:
    cores = row["cpu_cores"]
    return f"{cores['server']:.2f} / {cores['postgres']:.2f} / {cores['wrk']:.2f} / {cores['other']:.2f}"


def _server_cpu_ms(row: dict) -> float:
    """Server CPU per request: the cores its workers used over the requests they answered."""
    return row["cpu_cores"]["server"] * 1000 / row["rps"] if row["rps"] else 0.0


def _identity_rows(rows: list[dict]) -> list[str]:
    lines = [
        "| scenario | request | conns | rate | p50 ms | p95 ms | p99 ms "
        "| server CPU ms/req | cores: server / PostgreSQL / wrk / other | target | met? |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|---|---|",
    ]
    for row in rows:
        met = f"**FAILED: {row['failure']}**" if row["failure"] else _yes_no(row["target_met"])
        target = f"≥ {row['min_rps']:,.0f} {row['unit']}" if row["min_rps"] else "—"
        lines.append(
            f"| {row['name']} | `{row['method']} {row['path']}`{row['note']} | {row['connections']} "
            f"| {row['rps']:,.1f} {row['unit']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {_server_cpu_ms(row):.1f} | {_cores(row)} | {target} | {met} |"
        )
    return lines


def _cpu_bound_notes(rows: list[dict], cores: int) -> list[str]:
    """For each target missed: the rate the server's own CPU per request allows on this machine."""
    notes = []
    for row in rows:
        if row["target_met"] is not False or row["failure"] or not row["rps"]:
            continue
        ms = _server_cpu_ms(row)
        ceiling = cores * 1000 / ms if ms else 0.0
        used = row["cpu_cores"]
        postgres_ms = used["postgres"] * 1000 / row["rps"]
        if ceiling >= row["min_rps"]:
            verdict = (
                f"The platform's own work fits the target: its {cores} cores alone would serve about "
                f"{ceiling:,.0f} {row['unit']}. What holds the figure below it here is PostgreSQL "
                f"({postgres_ms:.2f} ms of CPU per request) and wrk running on the same {cores} cores, "
                "where production gives the database a machine of its own."
            )
        else:
            verdict = (
                "The server's own CPU per request is the limit: only less work per request or more cores reach it."
            )
        notes.append(
            f"- **{row['name']}** missed {row['min_rps']:,.0f} {row['unit']}: the workers spent {ms:.1f} ms of CPU "
            f"per request, so {cores} cores could serve at most {ceiling:,.0f} {row['unit']} even if PostgreSQL "
            f"and wrk cost nothing; during the run the machine had {used['idle']:.2f} cores idle "
            f"(server {used['server']:.2f}, PostgreSQL {used['postgres']:.2f}, "
            f"wrk {used['wrk']:.2f}, other work {used['other']:.2f}). " + verdict
        )
    return notes


def _identity(results: dict) -> list[str]:
    data = results["identity"]
    rows, argon2 = data["scenarios"], data["argon2"]
    by_name = {row["name"]: row for row in rows}
    cores = results["machine"]["nproc"]
    argon2_rate = cores * 1000 / argon2["check_cpu_ms"] if argon2["check_cpu_ms"] else 0.0
    login = by_name[identity.LOGIN.name]
    login_env = ", ".join(f"`{name}={value}`" for name, value in data["login_env"].items())
    lines = [
        "## Identity: single sign-on and login",
        "",
        "The OpenID Connect provider (`/o/`, django-oauth-toolkit) and signing in, on the same granian "
        "settings and database (data from `bench/identity_seed.py`). Targets of the issue: userinfo "
        f"≥ {identity.MIN_USERINFO_RPS:,.0f} req/s and token ≥ {identity.MIN_TOKEN_RPS:,.0f} req/s "
        "(p99 reported); the rest are recorded only. Before each scenario one request of its own checks the "
        "answer (claims, tokens, the redirect after login). *Server CPU ms/req* is the CPU time the granian "
        "workers used per answered request; *cores* is how the machine's cores were used during the measured run.",
        "",
        *_identity_rows(rows),
        "",
        *_cpu_bound_notes(rows, cores),
        "",
        f"- **oidc_userinfo**: `Authorization: Bearer` with one of 1,000 access tokens of a citizen at level 2 "
        f"(registry copy in `PersonRecord`), scope `{data['scope']}`, for an agency client allowed every scope. "
        "Each answer writes its release record (an `audit.DataAccess` row), as in production.",
        "- **oidc_token**: the authorization code grant with PKCE (S256), the client authenticated with "
        "`client_secret_basic`; every request sends another single-use code (a `Grant` row created beforehand, "
        "`bench/token.lua`) and gets an access token, a refresh token and an RS256-signed ID token. "
        "**oidc_token_refresh**: the same client refreshing (rotation and reuse protection on), a different "
        "refresh token per request.",
        f"- The client secret is stored hashed with the first password hasher, {argon2['algorithm']}, as the admin "
        f"stores it. One check costs {argon2['check_ms']:.0f} ms here ({argon2['check_cpu_ms']:.0f} ms of CPU: "
        f"its {argon2['parallelism']} lanes run on all cores), so with a check on every token request the "
        f"endpoint could not pass {argon2_rate:,.0f} req/s on {cores} cores. `mpp.sso.validators` remembers a "
        "successful check per worker process (keyed by client, stored hash and the presented secret's SHA-256; "
        "failures are never remembered), so each worker pays it once per secret.",
        f"- **login_page**: the sign-in form. **login**: a correct password for another of 2,000 citizens on "
        f"each request (NIK as user name), with the CSRF cookie and form token fetched once; "
        f"{login['connections']} connections, as each login holds a worker for an Argon2 check "
        f"({argon2['algorithm']}: time_cost {argon2['time_cost']}, memory_cost {argon2['memory_cost_kib']:,} KiB "
        f"= {argon2['memory_cost_kib'] / 1024:.0f} MiB, parallelism {argon2['parallelism']}; `mpp.identity.hashers`). "
        "A login answers 302 to the account page and writes the session, the account's session record and "
        "`last_login`. The login limits (30 per 15 min per address, 10 per account) stay on: this scenario's "
        f"server reads the client address from X-Forwarded-For ({login_env}, as behind the load balancer) "
        "and every account comes from an address of its own.",
        "",
    ]
    return lines


def _postgres_cpu_ms(row: dict) -> float:
    return row["cpu_cores"]["postgres"] * 1000 / row["rps"] if row["rps"] else 0.0


def _applications_rows(rows: list[dict]) -> list[str]:
    lines = [
        "| scenario | request | conns | rate | % of write ceiling | p50 ms | p95 ms | p99 ms | server CPU ms/req "
        "| PostgreSQL CPU ms/req | cores: server / PostgreSQL / wrk / other | target | met? |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|",
    ]
    for row in rows:
        met = f"**FAILED: {row['failure']}**" if row["failure"] else _yes_no(row["target_met"])
        if row["name"] == applications.WRITE_CEILING.name:
            share = "100%"
        else:
            share = f"{row['share_of_write_ceiling']:.1%}" if "share_of_write_ceiling" in row else "—"
        lines.append(
            f"| {row['name']} | `{row['method']} {row['path']}`{row['note']} | {row['connections']} "
            f"| {row['rps']:,.1f} {row['unit']} | {share} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| {row['p99_ms']:.1f} | {_server_cpu_ms(row):.1f} | {_postgres_cpu_ms(row):.1f} | {_cores(row)} "
            f"| {row['target']} | {met} |"
        )
    return lines


def _write_ceiling(data: dict, cores: int) -> list[str]:
    """Submit beside the write ceiling: the share, and the CPU each spent per request."""
    submit, ceiling = _scenario(data, applications.SUBMIT.name), _scenario(data, applications.WRITE_CEILING.name)
    submit_ms, ceiling_ms = _server_cpu_ms(submit), _server_cpu_ms(ceiling)
    submit_pg_ms, ceiling_pg_ms = _postgres_cpu_ms(submit), _postgres_cpu_ms(ceiling)
    verdict = (
        "met" if submit["target_met"] else "**missed**" if submit["target_met"] is False else "not judged (failed)"
    )
    return [
        f"Submit against the write ceiling, measured in the same run on the same server: **{submit['rps']:,.1f} "
        f"submits/s is {submit['share_of_write_ceiling']:.1%} of the ceiling's {ceiling['rps']:,.1f} writes/s** "
        f"(target ≥ {applications.MIN_SHARE_OF_WRITE_CEILING:.0%} with p99 < {applications.MAX_SUBMIT_P99_MS:.0f} ms; "
        f"submit's p99 {submit['p99_ms']:,.0f} ms, the ceiling's {ceiling['p99_ms']:,.0f} ms: {verdict}). Server CPU "
        f"per request: submit {submit_ms:.1f} ms, the ceiling {ceiling_ms:.1f} ms, so {submit_ms - ceiling_ms:.1f} ms "
        f"of each submit is the product's own work around the four rows (session, form, registry copy, validation, "
        f"duplicate check, workflow, notice); PostgreSQL CPU per request: submit {submit_pg_ms:.1f} ms, the ceiling "
        f"{ceiling_pg_ms:.1f} ms. On {cores} cores the workers' own CPU alone allows at most "
        f"{cores * 1000 / submit_ms if submit_ms else 0:,.0f} submits/s and "
        f"{cores * 1000 / ceiling_ms if ceiling_ms else 0:,.0f} ceiling writes/s. (Against pgbench's TPC-B-like "
        f"ceiling, no longer a target, submit served {submit['share_of_pgbench']:.1%}.)",
    ]


def _write_ceiling_scenario(data: dict) -> str:
    ceiling = _scenario(data, applications.WRITE_CEILING.name)
    rows = ceiling["rows"]
    return (
        f"- **{applications.WRITE_CEILING.name}**: `POST {applications.WRITE_CEILING.path}`, a bench-only view "
        "(`bench/ceiling_urls.py`, never in the product: the applications server alone loads it, with "
        "`ROOT_URLCONF=ceiling_urls` and `bench/` on `PYTHONPATH`, before the product's URLs) that inserts what a "
        "submission inserts — the application (in progress at the verification step, a unique tracking number and "
        "submit_key), its first timeline event, the applicant's notification and its e-mail outbox message — in one "
        "transaction, with no session cookie, CSRF, form, validation, permission or duplicate check, and answers "
        f"201 with the application's id; for the same {data['seed']['submitters']:,} citizens and their region's "
        "birth-certificate service as submit (`bench/write_ceiling.lua`), right after submit at the same "
        "connections and duration. Before the load one POST must answer 201 and leave the four rows; after it, "
        "the database held "
        f"{rows['applications']:,} applications, {rows['events']:,} events, {rows['notifications']:,} notifications "
        f"and {rows['outbox']:,} outbox messages for {ceiling['requests'] - ceiling['non_2xx']:,} answers of 201 "
        f"({rows['one_transaction']:,} applications written with their three rows by one transaction, the same "
        f"xmin); then its {ceiling['deleted']:,} applications were deleted with their rows, so the pages after it "
        "and the later families count the seed and submit's rows only."
    )


def _applications_notes(data: dict, cores: int) -> list[str]:
    """What bounds each missed target, from the CPU each request cost (server and PostgreSQL)."""
    submit, ceiling = _scenario(data, applications.SUBMIT.name), _scenario(data, applications.WRITE_CEILING.name)
    notes = []
    if submit["target_met"] is False and submit["rps"]:
        needed = applications.MIN_SHARE_OF_WRITE_CEILING * ceiling["rps"]
        server_ms, postgres_ms = _server_cpu_ms(submit), _postgres_cpu_ms(submit)
        ceiling_ms, ceiling_pg_ms = _server_cpu_ms(ceiling), _postgres_cpu_ms(ceiling)
        alone = cores * 1000 / server_ms if server_ms else 0.0
        both = cores * 1000 / (server_ms + postgres_ms) if server_ms + postgres_ms else 0.0
        budget = (ceiling_ms + ceiling_pg_ms) / applications.MIN_SHARE_OF_WRITE_CEILING
        notes.append(
            f"- **{submit['name']}** served {submit['share_of_write_ceiling']:.1%} of the write ceiling's "
            f"{ceiling['rps']:,.0f} writes/s (target {applications.MIN_SHARE_OF_WRITE_CEILING:.0%}: {needed:,.0f} "
            f"submits/s) with p99 {submit['p99_ms']:,.0f} ms. Each submit cost {server_ms:.1f} ms of server CPU and "
            f"{postgres_ms:.1f} ms of PostgreSQL CPU ({data['queries']['submit']['queries']} queries, "
            f"{data['queries']['submit']['writes']} of them writes, one commit), against {ceiling_ms:.1f} ms and "
            f"{ceiling_pg_ms:.1f} ms for the ceiling's same four rows: on {cores} cores the server alone could do at "
            f"most {alone:,.0f} submits/s, and {both:,.0f} with PostgreSQL on the same cores. With both on the same "
            f"cores the target leaves a submit about {budget:.1f} ms of CPU (server and PostgreSQL) where it spends "
            f"{server_ms + postgres_ms:.1f} ms: it needs less work per submit around the writes (its queries are "
            "listed below)."
        )
    for name in (applications.WORKLIST.name, applications.DASHBOARD.name):
        row = _scenario(data, name)
        if row["target_met"] is not False or row["failure"] or not row["rps"]:
            continue
        cpu_ms = _server_cpu_ms(row) + _postgres_cpu_ms(row)
        floor = cpu_ms * row["connections"] / cores
        reach = "within" if floor < applications.MAX_PAGE_P95_MS else "beyond"
        notes.append(
            f"- **{name}** missed p95 < {applications.MAX_PAGE_P95_MS:.0f} ms at {row['connections']} connections "
            f"(p95 {row['p95_ms']:.0f} ms): each page cost {_server_cpu_ms(row):.1f} ms of server CPU and "
            f"{_postgres_cpu_ms(row):.1f} ms of PostgreSQL CPU, so with {row['connections']} pages in flight on "
            f"{cores} cores a page takes at least about {floor:.0f} ms even on an idle machine — {reach} the "
            f"target. During the run other work on the machine used {row['cpu_cores']['other']:.2f} cores, and "
            "the tail also waits for the GIL each worker's two threads share."
        )
    return notes


def _applications_queries(data: dict) -> list[str]:
    queries = data["queries"]
    worklist, dashboard, submit = queries["worklist"], queries["dashboard"], queries["submit"]
    sizes = ", ".join(f"{row['queries']} at {size} rows a page" for size, row in worklist["by_page_size"].items())
    short = worklist["short_worklist"]
    page, board = worklist["page"], dashboard["page"]
    constant = "constant" if applications.worklist_queries_constant(queries) else "**not constant**"
    return [
        "Queries, counted in-process with `CaptureQueriesContext` (`bench/applications_queries.py`, after "
        "VACUUM ANALYZE, before any load):",
        "",
        f"- worklist of Kota Samarinda's Disdukcapil verifier: {sizes}; {short['queries']} for "
        f"`{short['officer']}`, whose worklist is short — {constant}. One render takes {page['wall_ms']:.1f} ms, "
        f"{page['sql_ms']:.1f} ms of it in SQL; the slowest query ({page['slowest_query_ms']:.1f} ms) is below.",
        f"- dashboard: {board['queries']} queries for the citizen with {dashboard['citizen_applications']} "
        f"applications, {dashboard['other']['queries']} for one with {dashboard['other_applications']}; one render "
        f"takes {board['wall_ms']:.1f} ms, {board['sql_ms']:.1f} ms of it in SQL (slowest query "
        f"{board['slowest_query_ms']:.1f} ms).",
        f"- submit: {submit['queries']} queries ({submit['writes']} inserts or updates: application, event, "
        f"notification, outbox) for one birth-certificate application, answered {submit['status']}.",
        "",
        "The worklist's slowest query and its plan (`EXPLAIN (ANALYZE, BUFFERS)`):",
        "",
        "```sql",
        page["slowest_query"],
        "```",
        "",
        "```",
        page["explain"],
        "```",
        "",
    ]


def applications_section(results: dict) -> list[str]:
    data = results["applications"]
    seed, ceiling = data["seed"], data["pgbench"]
    counts, sizes = seed["counts"], sorted(seed["worklist_sizes"].values())
    statuses = ", ".join(f"{status} {total:,}" for status, total in counts["by_status"].items())
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in seed["steps_s"].items())
    fk_note = (
        "; the secondary indexes built after the rows, the foreign-key triggers skipped as pg_restore does"
        if seed["foreign_key_checks_skipped"]
        else "; the secondary indexes built after the rows"
    )
    cores = results["machine"]["nproc"]
    pg_cores = ceiling["cpu_cores"]
    return [
        "## Applications: submitting, the officer's worklist, the citizen's dashboard",
        "",
        f"Data from `bench/applications_seed.py`: {counts['applications']:,} applications in the 21 pilot regions "
        f"({statuses}), {counts['events']:,} timeline events, {counts['citizens']:,} citizens with their registry "
        f"copy and family card, a verifier and an approver for each agency with online services. Seeded with "
        f"INSERT … SELECT generate_series in one transaction in **{seed['seed_s']:.0f} s** ({steps}"
        f"{fk_note}), then {seed['sessions_s']:.0f} s for the scenarios' sessions. Each "
        f"Disdukcapil verifier's worklist holds {sizes[0]:,}–{sizes[-1]:,} applications waiting at the "
        f"verification step; the dashboard's citizen has exactly {seed['dashboard_applications']} applications.",
        "",
        f"PostgreSQL's ceiling on this machine, measured in the same run: `pgbench -i -s {ceiling['scale']}` "
        f"({ceiling['init_s']:.0f} s), then `pgbench -c {ceiling['clients']} -j {ceiling['threads']} "
        f"-T {ceiling['duration_s']}` (TPC-B-like, after a warm-up): **{ceiling['tps']:,.0f} TPS**, latency average "
        f"{ceiling['latency_ms']:.1f} ms; cores used: PostgreSQL {pg_cores['postgres']:.2f}, pgbench "
        f"{pg_cores['wrk']:.2f}, other work {pg_cores['other']:.2f}.",
        "",
        "Targets of the issue: submitting an application (validation, insert, history, outbox) at "
        f"≥ {applications.MIN_SHARE_OF_WRITE_CEILING:.0%} of the write ceiling (the same four rows written by a "
        "bare view on the same server, measured right after it at the same connections) with p99 < "
        f"{applications.MAX_SUBMIT_P99_MS:.0f} ms at {applications.SUBMIT.connections} connections; an officer's "
        "worklist page with p95 < "
        f"{applications.MAX_PAGE_P95_MS:.0f} ms and a constant number of queries; a citizen's dashboard with 50 "
        f"applications with p95 < {applications.MAX_PAGE_P95_MS:.0f} ms. Submitting and the write ceiling run at "
        f"{applications.SUBMIT.connections} connections, as pgbench's clients. The pages are latency targets: they "
        f"run at {applications.PAGE_CONNECTIONS} connections, one per server thread (2 workers × 2 threads), "
        "so a page waits for its own work and not in a queue of 32 (where latency ≈ 32 / rate); the same pages "
        "at 32 connections are recorded below them. All on one granian server with the settings above; "
        "*server CPU ms/req* and *PostgreSQL CPU ms/req* are the CPU the granian workers and the PostgreSQL "
        "processes used per answered request.",
        "",
        *_applications_rows(data["scenarios"]),
        "",
        *_write_ceiling(data, cores),
        "",
        *_applications_notes(data, cores),
        "",
        f"- **submit_application**: `POST /layanan/<id>/ajukan/` with the birth-certificate form "
        "(`has_birth_letter=tidak` and the SPTJM declaration, so no upload), as one of "
        f"{seed['submitters']:,} signed-in citizens (sessions made through Django's session engine, each citizen "
        "applying to their own region's service), a new `submit_key` on every request (`bench/submit.lua`). The "
        "registry copy fills and locks the reporter, the KK and the other parent. Before the load one POST of its "
        "own must answer 302 to the receipt and leave the application, one event, one notification and its "
        f"outbox message; after it, the database must hold an application for every answered POST "
        f"({_scenario(data, applications.SUBMIT.name)['created']:,} created).",
        _write_ceiling_scenario(data),
        "- **officer_worklist**: `GET /petugas/` (25 a page, nearest step deadline first) as the 21 Disdukcapil "
        "verifiers in turn (`bench/session.lua`); checked first: the total it shows equals the database's count. "
        "**citizen_dashboard**: `GET /permohonan/` as the citizen with 50 applications; checked first: 50 rows.",
        "",
        *_applications_queries(data),
    ]


def _scenario(data: dict, name: str) -> dict:
    return next(row for row in data["scenarios"] if row["name"] == name)


def _registry(results: dict) -> list[str]:
    data = results["registry"]
    verify, face = data["verify"], data["face"]
    met = f"**FAILED: {verify['failure']}**" if verify["failure"] else "—"
    lines = [
        "## Registry simulator",
        "",
        f"`python -m simulators.dukcapil serve` (granian, {data['workers']} workers of 4 threads, SQLite) on "
        f"a fresh database of {data['persons']:,} persons, seeded in {data['seed_s']:.1f} s. It stands in for "
        "Dukcapil: these numbers say what tests and demos can lean on, not how fast the real registry is.",
        "",
        "| scenario | request | conns | req/s | p50 ms | p95 ms | p99 ms | cores: simulator / wrk / other | met? |",
        "|---|---|--:|--:|--:|--:|--:|---|---|",
        f"| {verify['name']} | `{verify['method']} {verify['path']}` | {verify['connections']} "
        f"| {verify['rps']:,.0f} | {verify['p50_ms']:.1f} | {verify['p95_ms']:.1f} | {verify['p99_ms']:.1f} "
        f"| {verify['cpu_cores']['server']:.2f} / {verify['cpu_cores']['wrk']:.2f} "
        f"/ {verify['cpu_cores']['other']:.2f} | {met} |",
        "",
        "registry_verify sends what registration sends (NIK, name, birth date) for another of "
        f"{registry.VERIFY_BODIES:,} persons on each request; every call also counts against the quota and "
        "writes the access log (SQLite writes, serialized).",
        "",
    ]
    if "error" in face:
        return [*lines, f"face_verify: not measured: {face['error']}.", ""]
    return [
        *lines,
        f"face_verify: a face enrolled, then {face['checks']} checks one after another with httpx, each "
        f"{face['frames']} frames (`photos.sequences().blink`, {face['frame_bytes'] / 1024:.0f} KB in all): "
        f"mean {face['mean_s']:.2f} s, min {face['min_s']:.2f} s, max {face['max_s']:.2f} s per check, "
        f"{face['passed']}/{face['checks']} matched and live (target < {face['target_s']:.0f} s per check: "
        f"{_yes_no(face['met'])}).",
        "",
    ]


def _met(row: dict) -> str:
    return f"**FAILED: {row['failure']}**" if row["failure"] else _yes_no(row["target_met"])


def _signing_rows(signing: dict, cores: int) -> list[str]:
    single, several = signing["one_core"], signing["several_cores"]
    target = f"≥ {documents.MIN_SIGNING_PER_S:.0f} documents/s on {several['processes']} cores"
    rows = [
        "| measurement | processes | documents | documents/s | wall ms/document | CPU ms/document "
        "| CPU allows on this machine | target | met? |",
        "|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for name, row, row_target, met in (
        ("one core", single, "—", "—"),
        (f"{several['processes']} cores", several, target, _met(signing)),
    ):
        allows = min(row["processes"], cores) * 1000 / row["cpu_ms"] if row["cpu_ms"] else 0.0
        rows.append(
            f"| {name} | {row['processes']} | {row['documents']:,} | {row['per_s']:,.1f} "
            f"| {row['per_document_ms']:.1f} | {row['cpu_ms']:.1f} | {allows:,.0f}/s | {row_target} | {met} |"
        )
    return rows


def _documents_rows(rows: list[dict]) -> list[str]:
    lines = [
        "| scenario | request | conns | req/s | p50 ms | p95 ms | p99 ms | % of ceiling "
        "| server CPU ms/req | cores: server / PostgreSQL / wrk / other | target | met? |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|---|",
    ]
    for row in rows:
        share = f"{row['share_of_ceiling']:.0%}" if "share_of_ceiling" in row else "—"
        lines.append(
            f"| {row['name']} | `{row['method']} {row['path']}`{row['note']} | {row['connections']} "
            f"| {row['rps']:,.1f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {share} "
            f"| {_server_cpu_ms(row):.1f} | {_cores(row)} | {row['target']} | {_met(row)} |"
        )
    return lines


def documents_section(results: dict) -> list[str]:
    """The documents section of the report (also printed alone by `bench/run.py --only documents`)."""
    data = results["documents"]
    signing, seed, cores = data["signing"], data["seed"], results["machine"]["nproc"]
    single, several, checked = signing["one_core"], signing["several_cores"], signing["validation"]
    ceiling, page, upload = data["scenarios"]
    queueing_ms = page["connections"] * 1000 / page["rps"] if page["rps"] else 0.0
    upload_cores = upload["cpu_cores"]["server"] + upload["validation_children_cores"]
    upload_cpu_ms = upload_cores * 1000 / upload["rps"] if upload["rps"] else 0.0
    share_of_validation = (
        f"{upload['rps'] / upload['validation_ceiling_per_s']:.0%}" if upload["validation_ceiling_per_s"] else "—"
    )
    scaling = several["per_s"] / single["per_s"] if single["per_s"] else 0.0
    server_env = ", ".join(f"`{name}={value}`" for name, value in data["server_env"].items())
    demo = " (the demo CA: every page carries the DEMO banner)" if signing["demo"] else ""
    return [
        "## Documents: signing, the verification page, checking a PDF",
        "",
        f"Targets of the issue: signing at ≥ {documents.MIN_SIGNING_PER_S:.0f} documents/s on "
        f"{documents.SIGNING_PROCESSES} cores; the verification page with p99 < {documents.MAX_VERIFY_P99_MS:.0f} ms "
        f"at {documents.VERIFY_PAGE.connections} connections; the upload is recorded only.",
        "",
        "Signing (`bench/documents_signing.py`, in-process, before the documents server starts): a Kartu Keluarga "
        f"of five members (letterhead, fields, the members' table, QR code; {single['pdf_bytes'] / 1024:.0f} KB "
        "signed), rendered with reportlab and signed with `render_signed` and the production signer (`FileSigner`, "
        f"PAdES B-B, ECDSA) over a demo CA created in the run's own var dir{demo}; after a warm-up of a few "
        f"documents. One core: {single['documents']} documents one after another, {single['render_ms']:.1f} ms "
        f"of each in rendering, {single['sign_ms']:.1f} ms in signing. {several['processes']} cores: "
        f"{several['processes']} forked processes, each with its own signer, timed from a barrier they pass after "
        f"their warm-up until the last is done ({scaling:.2f} times one core). *CPU allows* is the rate the "
        "processes' own CPU time per document (`time.process_time`) permits on this machine's cores if nothing "
        "else ran: the figure to compare when the machine was busy.",
        "",
        *_signing_rows(signing, cores),
        "",
        f"Every signature was checked: `validation.validate` of {checked['documents']} signed documents (the one "
        f"core's first ones and each process's last), {checked['valid']}/{checked['documents']} valid — intact, "
        f"trusted, covering the whole file, signer *{checked['signer_name']}*; {checked['per_document_ms']:.1f} ms "
        "each, one after another (the bounded child process forked for each, as the upload view does).",
        "",
        f"Verification, on one granian server with the settings above and {server_env}: "
        f"{seed['counts']['issued']:,} issued documents for approved applications (`bench/documents_seed.py`, "
        f"{seed['seed_s']:.0f} s), {seed['counts']['signed_pdfs']} of them really signed and stored, the rest "
        "issue records whose uploads share one stored file (the page reads the record, never the file). The "
        "ceiling is `GET /healthz` on this same server, measured just before.",
        "",
        *_documents_rows(data["scenarios"]),
        "",
        f"- **verify_page**: `GET /verify/<code>` as a QR code scan, another issued document on each request "
        f'(`bench/verify_page.lua`, {seed["counts"]["page_addresses"]:,} codes); checked first: 200, "Sah." and '
        "the document's number. At "
        f"{page['connections']} connections a request mostly waits its turn: {page['connections']} / "
        f"{page['rps']:,.0f} req/s = {queueing_ms:.0f} ms on average, so its p99 follows the CPU each page costs "
        f"the workers ({_server_cpu_ms(page):.1f} ms; the trivial view {_server_cpu_ms(ceiling):.1f} ms) and the "
        f"machine's own tail: the trivial view's p99 on this server was {ceiling['p99_ms']:.0f} ms.",
        f"- **verify_upload**: `POST /verify/` with one of the {seed['counts']['signed_pdfs'] - 1} signed PDFs "
        f"({seed['pdf_bytes'] / 1024:.0f} KB) in turn, multipart with the CSRF cookie and token fetched once "
        "(`bench/verify_upload.lua`): the view validates the signature in a forked child and looks the file's "
        "SHA-256 up. It answers 200 whatever the verdict, so wrk reads every answer: "
        f'{upload.get("not_verified", 0)} were not "Sah.". Validation alone, one after another in-process, '
        f"allows about {upload['validation_ceiling_per_s']:,.0f}/s on {cores} cores: the upload ran at "
        f"{share_of_validation} of that. One upload alone on the idle server took {upload['alone_ms']:.0f} ms; "
        f"under load the forked validations used {upload['validation_children_cores']:.2f} cores (in *other* "
        f"above), so each upload cost about {upload_cpu_ms:.0f} ms of CPU in the workers and their children.",
        "- Both pages limit requests per client address (120 and 30 a minute, django-ratelimit in the cache): "
        f"the limits stay on; the server reads the address from X-Forwarded-For ({server_env}), as behind the "
        f"load balancer, and each request comes from another of {seed['counts']['page_addresses']:,} (page) and "
        f"{seed['counts']['upload_addresses']:,} (upload) addresses, so the limit costs its cache lookups and "
        f"refuses nothing (a refusal would be a 429, counted as a failure).",
        "",
    ]


def _server_choice(results: dict) -> list[str]:
    granian = results["scenarios"][0]
    gunicorn = results["gunicorn_ceiling"]
    lines = [
        "Granian runs one worker per core with two Python threads each (`--blocking-threads 2`): the second "
        "thread works while the first waits for PostgreSQL, which one thread left idle; more threads or "
        "workers only add GIL hand-offs on 2 cores, and granian's WSGI default of 256 threads per worker "
        "keeps a PostgreSQL connection per thread, past `max_connections`.",
        "",
        f"`GET /healthz`, same settings, database and load. Gunicorn: `{' '.join(results['gunicorn_args'])}` "
        "(sync workers, its defaults otherwise).",
        "",
        "| server | req/s | p50 ms | p99 ms |",
        "|---|--:|--:|--:|",
        f"| granian | {granian['rps']:,.0f} | {granian['p50_ms']:.1f} | {granian['p99_ms']:.1f} |",
    ]
    if "error" in gunicorn:
        return [*lines, f"| gunicorn | not measured: {gunicorn['error']} | | |"]
    ratio = granian["rps"] / gunicorn["rps"] if gunicorn["rps"] else 0.0
    return [
        *lines,
        f"| gunicorn | {gunicorn['rps']:,.0f} | {gunicorn['p50_ms']:.1f} | {gunicorn['p99_ms']:.1f} |",
        "",
        f"Granian serves {ratio:.2f} times gunicorn's ceiling on this machine.",
    ]


def _budget_rows(results: dict) -> list[tuple[dict, int | None]]:
    """Each scenario with a CPU budget, in CPU_BUDGETS_MS's order, with its queries per request where counted."""
    queries = results["applications"]["queries"]
    counted = {
        "submit_application": queries["submit"]["queries"],
        "officer_worklist": queries["worklist"]["by_page_size"]["25"]["queries"],
        "citizen_dashboard": queries["dashboard"]["page"]["queries"],
    }
    rows = {
        row["name"]: row
        for row in (*results["uncached"], *results["identity"]["scenarios"], *results["applications"]["scenarios"])
    }
    return [(rows[name], counted.get(name)) for name in CPU_BUDGETS_MS if name in rows]


def _layers_ms(row: dict) -> list[tuple[str, float]]:
    """The profiled layers of a row in ms of its server CPU per request, largest first."""
    shares = row.get("profile", {}).get("shares", {})
    return [(layer, share * _server_cpu_ms(row)) for layer, share in shares.items()]


def _cpu_budget_note(row: dict, queries: int | None, budget: float) -> str:
    spent, layers = _server_cpu_ms(row), _layers_ms(row)
    if not layers:
        return f"- **{row['name']}**: {spent:.1f} ms against {budget:.0f} ms; not profiled (py-spy did not run)."
    largest = ", ".join(f"{layer} {ms:.1f} ms" for layer, ms in layers[:3])
    note = f"- **{row['name']}**: {spent:.1f} ms against {budget:.0f} ms. Largest layers: {largest}."
    database = sum(ms for layer, ms in layers if layer in ("ORM", "database driver"))
    its_queries = f"its {queries} queries" if queries else "its queries"
    note += f" Building and compiling {its_queries} and turning their rows into Python objects takes {database:.1f} ms"
    if database >= budget:
        return note + ": the database layer alone exceeds the budget."
    rest = spent - database
    return note + f", which leaves {budget - database:.1f} ms of the budget for the {rest:.1f} ms of the rest."


def _cpu_budgets(results: dict) -> list[str]:
    ceiling_ms = _server_cpu_ms(results["scenarios"][0])
    lines = [
        "## CPU per request (issue #16)",
        "",
        "Server CPU per request: the granian workers' CPU time over the requests they answered in the scenario's "
        "measured run (its section below has its rate and latencies; the catalog pages are those with the "
        "public response cache off). After that run the same load went on for "
        f"{profiles.SECONDS} s more while py-spy sampled every worker {profiles.RATE} times a second, each thread "
        "while it held the GIL (`bench/profiles.py`): *where it goes* splits the server CPU by the share of those "
        "samples in the first layer a sample meets from the innermost frame out (SQL being compiled is the ORM's, "
        "a value escaped in a template the templates'). The first worker's flame graph is in "
        "`docs/profiles/<scenario>.svg`; what the profiles found and what changed, with profiles before and after, "
        "is in `docs/profiles/README.md`. "
        f"On the same stack the trivial view (`/healthz`) costs {ceiling_ms:.2f} ms.",
        "",
        "| scenario | server CPU ms/req | queries | target | met? | where it goes (ms per request) |",
        "|---|--:|--:|---|---|---|",
    ]
    notes = []
    for row, queries in _budget_rows(results):
        budget, spent = CPU_BUDGETS_MS[row["name"]], _server_cpu_ms(row)
        where = " · ".join(f"{layer} {ms:.1f}" for layer, ms in _layers_ms(row)) or "—"
        lines.append(
            f"| {row['name']} | {spent:.1f} | {queries if queries is not None else '—'} | ≤ {budget:.0f} ms "
            f"| {_yes_no(spent <= budget)} | {where} |"
        )
        if spent > budget:
            notes.append(_cpu_budget_note(row, queries, budget))
    return [*lines, "", *notes, ""]


def markdown(results: dict) -> str:
    machine, settings, sqlite = results["machine"], results["settings"], results["sqlite"]
    population = results["applications"]["seed"]["counts"]
    region_load_met = sqlite["load_regions_s"] < MAX_REGION_LOAD_S
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`bench/run.py`) on {results['date']} from commit {results['commit']}. "
        "Numbers from one run on one machine: compare runs on the same machine only.",
        "",
        f"- Machine: {machine['nproc']} cores, {machine['cpu']}; {machine['postgres']} on the same host; "
        f"1-minute load average {machine['load_average_at_start']:.2f} before the run (other work skews it).",
        f"- Server: `granian {' '.join(settings['granian_args'])}` with `DEBUG=false`, "
        f"`LOG_LEVEL=WARNING`, `DATABASE_CONN_MAX_AGE=600`; data from `load_regions` and `seed_catalog` "
        "and the scenarios' seeds (`bench/identity_seed.py`, `bench/applications_seed.py`), then `VACUUM ANALYZE`.",
        f"- Data: every scenario runs on the same database: {population['accounts']:,} accounts (the applications "
        f"seed's {population['citizens']:,} citizens among them) and {population['applications']:,} applications, "
        "the identity scenarios' tokens and codes, the regions and the catalog.",
        f"- Load: wrk, {settings['threads']} threads, {settings['connections']} connections, "
        f"{settings['warm_up_s']} s warm-up (not recorded), then {settings['duration_s']} s measured. "
        "wrk runs on the same cores as the server and PostgreSQL, so every number is lower "
        "than on a dedicated server; the ratios to the ceiling are what to watch.",
        "",
        "## Requests",
        "",
        f"The ceiling is a trivial view on the same stack. Targets: ≥ {MIN_SHARE_OF_CEILING:.0%} of the "
        f"ceiling and p99 < {MAX_P99_MS:.0f} ms for the region's service list (API and page); "
        "the rest are recorded only.",
        f"wrk keeps {settings['connections']} requests in flight, so latency is about "
        f"{settings['connections']} / req/s: p99 < {MAX_P99_MS:.0f} ms needs roughly "
        f"{settings['connections'] * 1000 / MAX_P99_MS:.0f} req/s or more.",
        "",
        *_scenario_rows(results["scenarios"]),
        "",
        "Catalog pages and API answers for anonymous visitors come from the public response cache "
        "(`mpp.core.public_cache`), which answers before most of the middleware runs — hence more than "
        "the ceiling, whose trivial view passes through all of it. What a cache miss costs, on a "
        "server started with `PUBLIC_CACHE_SECONDS=0` (recorded only, against the same ceiling):",
        "",
        *_scenario_rows(results["uncached"]),
        "",
        *_cpu_budgets(results),
        *_identity(results),
        *applications_section(results),
        *complaints_bench.section(results),
        *_registry(results),
        *documents_section(results),
        *statistics_bench.section(results),
        *surveys_bench.section(results),
        "",
        *queue_bench.section(results),
        *payments_bench.section(results),
        *villages_bench.section(results),
        *connectors_bench.section(results),
        *cluster_bench.section(results),
        "## Worker memory",
        "",
        "Max resident memory (VmRSS, sampled every 0.5 s) of each granian worker of the app over all "
        "scenarios, per server: the catalog's, the catalog's with the cache off, the single sign-on's, the "
        "login's, the applications', the complaints', the surveys', the queue's, the payments', the villages', the "
        "connectors' and the documents'. "
        "Each login's Argon2 check "
        f"allocates its memory cost ({results['identity']['argon2']['memory_cost_kib'] / 1024:.0f} MiB) inside the "
        "worker, on top of what the other servers' workers hold.",
        "",
        *_memory_rows(results["memory"]),
        "",
        "## Server choice",
        "",
        *_server_choice(results),
        "",
        "## Region load on SQLite",
        "",
        "A fresh SQLite database (`DEBUG=true`, as `make run` does):",
        f"`migrate` {sqlite['migrate_s']:.1f} s, then `load_regions` {sqlite['load_regions_s']:.1f} s "
        f"(target < {MAX_REGION_LOAD_S:.0f} s: {_yes_no(region_load_met)}).",
        "",
    ]
    return "\n".join(lines)


def write(results: dict, *, doc_path: Path, json_path: Path) -> None:
    # The raw results first: a report that fails to render leaves the run's numbers behind.
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    doc_path.parent.mkdir(parents=True, exist_ok=True)
    doc_path.write_text(markdown(results), encoding="utf-8")
