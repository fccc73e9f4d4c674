"""The survey scenarios: answering at the MPP's kiosk, and, with a million answers, the index pages.

Data comes from surveys_seed.py (BENCH_SURVEY_ANSWERS tied answers in the 21 pilot regions over the last year,
their served transactions, open answers, and counter visits with a working kiosk code), then the index is
rebuilt from scratch (timed, recorded). A granian server with the benchmark's settings, the public response
cache off and the client address read from X-Forwarded-For (as behind the load balancer, so the kiosk's
per-address limit sees many kiosks) serves:

- ``survey_submit``: POST /survei/kios/ with a code and nine answers, another code per request
  (survey.lua), at SURVEY_SUBMIT_CONNECTIONS connections, held to MAX_SURVEY_SUBMIT_P99_MS; each request
  must create one answer (counted in the database afterwards) and answer 303 to the thank-you page (a GET
  of the kiosk's start page, as the browser then makes; the check follows it once);
- SURVEY_PAGES: a region's index page and every region's table (the last twelve months), read from the
  aggregate figures, at SURVEY_PAGE_CONNECTIONS connections, each held to its p95;

beside the ceiling (``/healthz``) measured on the same server at the same connections in the same run.
``BENCH_SURVEY_ANSWERS`` seeds fewer answers for ``--only surveys`` (a quick check; the published numbers
use a million).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import identity
import loadtest
import psycopg
import servers
from scenarios import (
    MAX_SURVEY_SUBMIT_P99_MS,
    SURVEY_PAGE_CONNECTIONS,
    SURVEY_PAGES,
    SURVEY_SUBMIT_CONNECTIONS,
)

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
ANSWERS = int(os.environ.get("BENCH_SURVEY_ANSWERS", "1000000"))
#: Codes for the submit scenario: enough for a few thousand answers a second over the warm-up and the run.
CODES = int(os.environ.get("BENCH_SURVEY_CODES", "150000"))
SERVER_ENV = {"PUBLIC_CACHE_SECONDS": "0", "RATELIMIT_IP_META_KEY": "HTTP_X_FORWARDED_FOR"}
KIOSK = "/survei/kios/"
#: What each page must show, so that a 200 with an empty shell fails its check.
EXPECTED = {
    "survey_region_index": b"Nilai per unsur pelayanan",
    "survey_national_index": b"Per daerah",
    "survey_submit": b"Terima kasih atas penilaian Anda.",
}


def say(message: str) -> None:
    print(message, flush=True)


def seed(env: dict, var_dir: Path) -> dict:
    """surveys_seed.py's JSON: the data set, the code files, the rebuild's time, queries per page."""
    command = [sys.executable, str(BENCH_DIR / "surveys_seed.py"), str(var_dir / "surveys")]
    command += ["--answers", str(ANSWERS), "--codes", str(CODES)]
    say(f"==> survey data: {ANSWERS:,} answers, their served transactions, {CODES:,} kiosk codes")
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"surveys_seed.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    for line in result.stderr.strip().splitlines():
        if not line.startswith("{"):
            say(line)
    return json.loads(result.stdout.strip().splitlines()[-1])


def csrf_pair(port: int) -> tuple[str, str]:
    """The CSRF cookie and the form's token, as the kiosk's browser gets them from its start page."""
    response = servers.request(port, "GET", KIOSK)
    cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
    cookie = re.search(r"csrftoken=([^;\s]+)", cookies)
    field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.body)
    if response.status != 200 or not cookie or not field:
        raise RuntimeError(f"GET {KIOSK} gave no CSRF cookie and token (status {response.status})")
    return cookie.group(1), field.group(1).decode()


def _check_submit(port: int, code: str, csrf: tuple[str, str]) -> str | None:
    answers = "&".join(f"u{n}={1 + n % 4}" for n in range(1, 10))
    response = servers.request(
        port,
        "POST",
        KIOSK,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf[0]}",
            "X-Forwarded-For": "10.255.255.254",
        },
        body=f"csrfmiddlewaretoken={csrf[1]}&code={code}&{answers}",
    )
    location = response.headers.get("Location", "")
    if response.status != 303 or not location.startswith(KIOSK):
        return f"POST {KIOSK} answered {response.status} (Location {location!r}), not 303 to the thanks"
    thanks = servers.request(port, "GET", location, headers={"Cookie": f"csrftoken={csrf[0]}"})
    if thanks.status != 200 or EXPECTED["survey_submit"] not in thanks.body:
        return f"GET {location} answered {thanks.status} without the thanks"
    return None


def _check_page(port: int, name: str, path: str) -> str | None:
    response = servers.request(port, "GET", path, timeout=30)
    if response.status != 200 or EXPECTED[name] not in response.body:
        return f"GET {path} answered {response.status} without {EXPECTED[name].decode()!r}"
    return None


def _answered(database_url: str, codes_file: str) -> int:
    codes = [line for line in Path(codes_file).read_text().split() if line]
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM surveys_answer a JOIN surveys_invitation i ON i.id = a.invitation_id"
            " WHERE i.code = ANY(%s)",
            [codes],
        ).fetchone()
    return count


def _row(name: str, server, path: str, method: str, measured: dict, ceiling_rps: float, **extra) -> dict:
    return {
        "name": name,
        "server": server.name,
        "method": method,
        "path": path,
        **extra,
        **measured,
        "share_of_ceiling": round(measured["rps"] / ceiling_rps, 3) if ceiling_rps else 0.0,
    }


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> dict:
    """The kiosk's answers and the two index pages on one granian server, each checked, loaded and judged."""
    port = servers.free_port()
    say(f"==> granian (surveys, public cache off) on 127.0.0.1:{port}")
    server = servers.Server(
        "surveys",
        servers.granian_command(port),
        port=port,
        env={**env, **SERVER_ENV},
        cwd=PROJECT_DIR,
        log_path=var_dir / "granian-surveys.log",
    )
    rows = []
    with server:
        say(f"==> surveys ceiling: GET /healthz, {seconds} s")
        ceiling = loadtest.run_scenario(
            wrk_path,
            f"http://127.0.0.1:{port}/healthz",
            seconds,
            server.worker_pids,
            loadtest.Load(connections=SURVEY_PAGE_CONNECTIONS),
        )
        rows.append(
            _row("surveys_ceiling", server, "/healthz", "GET", ceiling, ceiling["rps"], note=" (the ceiling)")
            | {"target": "—", "check_problem": None, "failure": None, "target_met": None}
        )
        for name, path, max_p95 in SURVEY_PAGES:
            problem = _check_page(port, name, path)
            say(f"==> surveys {name}: GET {path} (check: {problem or 'ok'}), {seconds} s")
            load = loadtest.Load(connections=SURVEY_PAGE_CONNECTIONS)
            measured = loadtest.run_scenario(
                wrk_path, f"http://127.0.0.1:{port}{path}", seconds, server.worker_pids, load
            )
            row = _row(
                name,
                server,
                path,
                "GET",
                measured,
                ceiling["rps"],
                note=" as an anonymous visitor, response cache off",
                target=f"p95 < {max_p95:g} ms at {SURVEY_PAGE_CONNECTIONS} connections",
                check_problem=problem,
            )
            failure = identity.failure(row)
            row |= {"failure": failure, "target_met": failure is None and row["p95_ms"] < max_p95}
            say(f"    {row['rps']:,.1f} req/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms")
            rows.append(row)

        csrf = csrf_pair(port)
        code = Path(data["files"]["check"]).read_text().strip()
        problem = _check_submit(port, code, csrf)
        files = data["files"]
        load = loadtest.Load(
            BENCH_DIR / "survey.lua",
            args=(files["measured"], str(loadtest.THREADS), *csrf),
            warm_up_args=(files["warm_up"], str(loadtest.THREADS), *csrf),
            connections=SURVEY_SUBMIT_CONNECTIONS,
        )
        say(f"==> surveys survey_submit: POST {KIOSK} (check: {problem or 'ok'}), {seconds} s")
        measured = loadtest.run_scenario(
            wrk_path, f"http://127.0.0.1:{port}{KIOSK}", seconds, server.worker_pids, load, name="survey_submit"
        )
        answered = _answered(env["DATABASE_URL"], files["measured"])
        row = _row(
            "survey_submit",
            server,
            KIOSK,
            "POST",
            measured,
            ceiling["rps"],
            note=" a kiosk code and nine answers, another code and client address per request",
            target=f"p99 < {MAX_SURVEY_SUBMIT_P99_MS:g} ms at {SURVEY_SUBMIT_CONNECTIONS} connections",
            check_problem=problem,
            created=answered,
        )
        failure = identity.failure(row)
        if failure is None and answered < row["requests"]:
            failure = f"{answered} of {row['requests']} POSTs created an answer"
        row |= {"failure": failure, "target_met": failure is None and row["p99_ms"] < MAX_SURVEY_SUBMIT_P99_MS}
        say(
            f"    {row['rps']:,.1f} answers/s, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, "
            f"{answered:,} answers created"
        )
        rows.append(row)
    return {
        "scenarios": rows,
        "rows": rows,
        "counts": data["counts"],
        "seed_seconds": data["seconds"],
        "rebuild_s": data["rebuild_s"],
        "queries": data["queries"],
    }


def section(results: dict) -> list[str]:
    """The surveys section of a report (``--only surveys`` prints it)."""
    data = results["surveys"]
    counts = data["counts"]
    lines = [
        "## Surveys (SKM and IKM)",
        "",
        "Answering the satisfaction survey at an MPP's kiosk with a counter code (another code and client address "
        f"per request) at {SURVEY_SUBMIT_CONNECTIONS} connections, and, with {counts['answers']:,} tied answers "
        f"({counts['invitations']:,} served transactions, {counts['open_answers']:,} open answers) over the last "
        f"year, a region's index page and every region's table at {SURVEY_PAGE_CONNECTIONS} connections, on their "
        "own granian server with the public response cache off, beside the ceiling (`/healthz`) measured on that "
        "server at the page connections in the same run. The pages read only the aggregate figures "
        f"(`mpp.surveys`, {counts['figures']:,} rows).",
        "",
        "| Scenario | req/s | % of ceiling | p50 ms | p95 ms | p99 ms | server CPU ms/req | Target | Met |",
        "|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for row in data["scenarios"]:
        cpu = row["cpu_cores"]["server"] * 1000 / row["rps"] if row["rps"] else None
        lines.append(
            f"| {row['name']} `{row['method']} {row['path']}` | {row['rps']:,.1f} | "
            f"{row.get('share_of_ceiling', 0):.0%} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | "
            f"{'' if cpu is None else f'{cpu:.1f}'} | {row['target']} | {_met(row)} |"
        )
    seeded = ", ".join(f"{name} {seconds} s" for name, seconds in data["seed_seconds"].items())
    lines += [
        "",
        f"Seeding: {seeded}. The index rebuilt from scratch (`manage.py rebuild_surveys`) in {data['rebuild_s']} s.",
        "",
        f"Queries per page (first render): {json.dumps(data['queries'])}",
    ]
    return lines


def _met(row: dict) -> str:
    if row["target_met"] is None:
        return "—"
    if row["target_met"]:
        return "yes"
    return f"**no** ({row['failure']})" if row["failure"] else "**no**"
