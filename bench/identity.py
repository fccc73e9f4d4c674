"""The identity scenarios: the OpenID Connect provider (userinfo, token) and signing in (page, Argon2 login).

Data comes from identity_seed.py, run with the benchmark's environment before VACUUM ANALYZE.
Each scenario is checked with one request of its own (a value the load never sends) before
wrk runs: a wrong answer fails the scenario instead of measuring error pages.
"""

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import loadtest
import profiles
import servers
from scenarios import CPU_BUDGETS_MS

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent

# Targets of the issue, on 2 cores.
MIN_USERINFO_RPS = 1_000.0
MIN_TOKEN_RPS = 300.0
# Argon2 is slow on purpose: 32 connections would only queue behind it.
LOGIN_CONNECTIONS = 8
# Single-use codes and refresh tokens are created for this many requests per measured second,
# more than the token endpoint serves here; a run that needs more fails with 400s (invalid_grant).
TOKEN_REQUESTS_PER_S = 900
# The login scenario's server counts the per-IP limit on X-Forwarded-For, as behind the load
# balancer; wrk sends a different address per account (django-ratelimit's RATELIMIT_IP_META_KEY).
LOGIN_ENV = {"RATELIMIT_IP_META_KEY": "HTTP_X_FORWARDED_FOR"}


def say(message: str) -> None:
    print(message, flush=True)


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    min_rps: float | None = None  # the target; None: recorded only
    unit: str = "req/s"
    note: str = ""  # what the request carries, for the report


USERINFO = Scenario("oidc_userinfo", "GET", "/o/userinfo/", MIN_USERINFO_RPS, note=" Bearer token")
TOKEN = Scenario("oidc_token", "POST", "/o/token/", MIN_TOKEN_RPS, note=" code + PKCE, client_secret_basic")
TOKEN_REFRESH = Scenario("oidc_token_refresh", "POST", "/o/token/", note=" refresh_token, client_secret_basic")
LOGIN_PAGE = Scenario("login_page", "GET", "/akun/masuk/")
LOGIN = Scenario("login", "POST", "/akun/masuk/", unit="logins/s", note=" NIK + correct password")


def seed(env: dict, var_dir: Path, seconds: int) -> dict:
    """Create the scenarios' data in the benchmark's database; returns identity_seed.py's JSON."""
    codes = TOKEN_REQUESTS_PER_S * seconds
    command = [sys.executable, str(BENCH_DIR / "identity_seed.py"), str(var_dir / "identity")]
    command += ["--codes", str(codes), "--refresh-tokens", str(codes)]
    command += ["--warm-up-share", f"{loadtest.WARM_UP_S / seconds:.3f}"]
    command += ["--profile-share", f"{profiles.SECONDS / seconds:.3f}"]
    say(f"==> identity data: citizens, agency client, tokens, {codes:,} + warm-up codes and refresh tokens")
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"identity_seed.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- checks: one request before the load, answering what a client expects ---------------------


def _check_userinfo(port: int, data: dict) -> str | None:
    response = servers.request(
        port, "GET", USERINFO.path, headers={"Authorization": f"Bearer {data['check']['access_token']}"}
    )
    if response.status != 200:
        return f"userinfo answered {response.status}"
    claims = json.loads(response.body)
    missing = {"sub", "name", "nik", "address", "email"} - set(claims)
    return f"userinfo left out {sorted(missing)}" if missing else None


def _check_token(port: int, data: dict, body: str, expected: set[str]) -> str | None:
    headers = {
        "Authorization": f"Basic {data['basic_auth']}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    response = servers.request(port, "POST", TOKEN.path, headers=headers, body=body)
    if response.status != 200:
        return f"token answered {response.status}: {response.body[:200]!r}"
    missing = expected - set(json.loads(response.body))
    return f"token response without {sorted(missing)}" if missing else None


def _check_login_page(port: int) -> str | None:
    response = servers.request(port, "GET", LOGIN_PAGE.path)
    return None if response.status == 200 else f"login page answered {response.status}"


def csrf_pair(port: int) -> tuple[str, str]:
    """The CSRF cookie and the form's token, as a browser gets them from the login page."""
    response = servers.request(port, "GET", LOGIN_PAGE.path)
    cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
    cookie = re.search(r"csrftoken=([^;\s]+)", cookies)
    field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.body)
    if response.status != 200 or not cookie or not field:
        raise RuntimeError(f"GET {LOGIN_PAGE.path} gave no CSRF cookie and token (status {response.status})")
    return cookie.group(1), field.group(1).decode()


def login_form(csrf: tuple[str, str], username: str, password: str) -> tuple[dict, str]:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf[0]}"}
    return headers, f"csrfmiddlewaretoken={csrf[1]}&password={password}&username={username}"


def _check_login(port: int, data: dict, csrf: tuple[str, str]) -> str | None:
    headers, body = login_form(csrf, data["check"]["login_username"], data["login_password"])
    headers["X-Forwarded-For"] = "10.255.255.254"
    response = servers.request(port, "POST", LOGIN.path, headers=headers, body=body)
    location = response.headers.get("Location", "")
    if response.status != 302 or location != "/akun/":
        return f"login answered {response.status} (Location {location!r}), not 302 to /akun/"
    return None


# --- running ---------------------------------------------------------------------------------


def failure(row: dict) -> str | None:
    """Why the numbers cannot be trusted: a failed check, error responses, socket errors."""
    problems = [row["check_problem"]] if row["check_problem"] else []
    if row["non_2xx"]:
        problems.append(f"{row['non_2xx']} responses ≥ 400")
    socket_errors = sum(row["socket_errors"].values())
    if socket_errors:
        problems.append(f"{socket_errors} socket errors")
    return ", ".join(problems) or None


def measure(
    server: servers.Server,
    wrk_path: str,
    seconds: int,
    scenario: Scenario,
    check: Callable[[], str | None],
    load: loadtest.Load = loadtest.PLAIN_GET,
) -> dict:
    problem = check()
    say(f"==> {server.name} {scenario.name}: {scenario.method} {scenario.path} (check: {problem or 'ok'}), {seconds} s")
    url = f"http://127.0.0.1:{server.port}{scenario.path}"
    profile = scenario.name in CPU_BUDGETS_MS
    row = loadtest.run_scenario(wrk_path, url, seconds, server.worker_pids, load, name=scenario.name, profile=profile)
    row = {
        "name": scenario.name,
        "server": server.name,
        "method": scenario.method,
        "path": scenario.path,
        "unit": scenario.unit,
        "note": scenario.note,
        "min_rps": scenario.min_rps,
        "check_problem": problem,
        **row,
    }
    row["failure"] = failure(row)
    row["target_met"] = None if scenario.min_rps is None else row["failure"] is None and row["rps"] >= scenario.min_rps
    say(
        f"    {row['rps']:,.1f} {scenario.unit}, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, "
        f"{row['non_2xx']} responses ≥ 400"
    )
    return row


def _server(name: str, env: dict, var_dir: Path) -> servers.Server:
    port = servers.free_port()
    say(f"==> granian ({name}) on 127.0.0.1:{port}")
    return servers.Server(
        name,
        servers.granian_command(port),
        port=port,
        env=env,
        cwd=PROJECT_DIR,
        log_path=var_dir / f"granian-{name}.log",
    )


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> dict:
    """Every identity scenario; the login on a server of its own (LOGIN_ENV)."""
    files, threads = data["files"], str(loadtest.THREADS)
    token_load = loadtest.Load(
        BENCH_DIR / "token.lua",
        args=(files["code_bodies"], threads, data["basic_auth"]),
        warm_up_args=(files["code_bodies_warm_up"], threads, data["basic_auth"]),
        profile_args=(files["code_bodies_profile"], threads, data["basic_auth"]),
    )
    refresh_load = loadtest.Load(
        BENCH_DIR / "token.lua",
        args=(files["refresh_bodies"], threads, data["basic_auth"]),
        warm_up_args=(files["refresh_bodies_warm_up"], threads, data["basic_auth"]),
    )
    rows = []
    with _server("sso", env, var_dir) as server:
        port = server.port
        rows.append(
            measure(
                server,
                wrk_path,
                seconds,
                USERINFO,
                lambda: _check_userinfo(port, data),
                loadtest.Load(BENCH_DIR / "userinfo.lua", args=(files["access_tokens"], threads)),
            )
        )
        code_check = data["check"]["code_body"]
        expected = {"access_token", "id_token", "refresh_token"}
        rows.append(
            measure(
                server, wrk_path, seconds, TOKEN, lambda: _check_token(port, data, code_check, expected), token_load
            )
        )
        refresh_check = data["check"]["refresh_body"]
        rows.append(
            measure(
                server,
                wrk_path,
                seconds,
                TOKEN_REFRESH,
                lambda: _check_token(port, data, refresh_check, expected),
                refresh_load,
            )
        )
        rows.append(measure(server, wrk_path, seconds, LOGIN_PAGE, lambda: _check_login_page(port)))

    with _server("login", {**env, **LOGIN_ENV}, var_dir) as server:
        csrf = csrf_pair(server.port)
        login_load = loadtest.Load(
            BENCH_DIR / "login.lua",
            args=(files["logins"], threads, *csrf, data["login_password"]),
            connections=LOGIN_CONNECTIONS,
        )
        port = server.port
        rows.append(measure(server, wrk_path, seconds, LOGIN, lambda: _check_login(port, data, csrf), login_load))

    return {"scenarios": rows, "argon2": data["argon2"], "scope": data["scope"], "login_env": LOGIN_ENV}
