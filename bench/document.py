"""Turn one run's results into docs/BENCHMARKS.md and bench/results/latest.json."""

import json
from pathlib import Path

import identity
import registry
from scenarios import MAX_P99_MS, MAX_REGION_LOAD_S, MAX_WORKER_RSS_MB, MIN_SHARE_OF_CEILING, TARGET_TEXT


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


def markdown(results: dict) -> str:
    machine, settings, sqlite = results["machine"], results["settings"], results["sqlite"]
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
        f"`LOG_LEVEL=WARNING`, `DATABASE_CONN_MAX_AGE=600`; data from `load_regions` and `seed_catalog`, "
        "then `VACUUM ANALYZE`.",
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
        *_identity(results),
        *_registry(results),
        "## Worker memory",
        "",
        "Max resident memory (VmRSS, sampled every 0.5 s) of each granian worker of the app over all "
        "scenarios, per server: the catalog's, the catalog's with the cache off, the single sign-on's and the "
        "login's. Each login's Argon2 check allocates its memory cost "
        f"({results['identity']['argon2']['memory_cost_kib'] / 1024:.0f} MiB) inside the worker, on top of what "
        "the other servers' workers hold.",
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
    doc_path.parent.mkdir(parents=True, exist_ok=True)
    doc_path.write_text(markdown(results), encoding="utf-8")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
