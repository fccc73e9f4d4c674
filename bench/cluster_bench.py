"""The cluster's mixed scenario (issue #16 §3): requests per second through `make cluster`'s load balancer with one
app node in service and with two, on this one machine, beside the same-run ceiling (``GET /healthz``) through it.

The cluster (deploy/cluster) is haproxy on 127.0.0.1:8500 in front of node-1 and node-2 (granian, 1 worker × 4
threads each) on a PostgreSQL primary and replica of its own, Redis, two task workers, the notifier and the
simulators. It is started here when it is not up, and stopped again at the end; a cluster found up is left up.
One node in service is node-2 frozen (SIGSTOP) until haproxy's health check shows it DOWN, then thawed (SIGCONT) and
UP again: it takes no CPU meanwhile, as a stopped node, and both configurations run the same processes (a node
started again would load the working tree's code, perhaps with a migration the database does not have yet).
Without haproxy the family is skipped with a note.

Data, in the cluster's own database: deploy/drills/seed.py's signed-in citizens of Kota Samarinda (64.72) and its
birth-certificate service and form (the fault drills' own seed, reused), and then (this module run as a script with
the cluster's environment) an agency client with access tokens for those citizens and the region's villages.

One wrk script (bench/cluster_mix.lua) sends a fixed MIX of requests through the load balancer, each kind going round
its own values: public pages for anonymous visitors (the region's page, its services' pages, its villages' pages, from
the public response cache as in production), submitting an application (302 to the receipt, counted in the database
afterwards), a citizen's dashboard and OIDC userinfo. Each answer is counted by kind and status: every one must be the
kind's own (429s, from the rate limits all of 127.0.0.1 shares, are counted apart). CPU is measured per component:
the nodes, PostgreSQL (primary and replica), haproxy, wrk, the background (task workers, notifier, simulators) and the
rest of the machine.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from math import gcd
from pathlib import Path

import applications
import database
import identity
import loadtest
import servers

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
sys.path.insert(0, str(PROJECT_DIR / "deploy" / "cluster"))
import cluster  # noqa: E402 - deploy/cluster/cluster.py, standard library only

#: The mixed scenario's share of each kind of request (percent).
MIX = {"browse": 60, "submit": 10, "dashboard": 15, "userinfo": 15}
#: The answer each kind must get: a page, the receipt's redirect, a page, the claims.
EXPECTED = {"browse": 200, "submit": 302, "dashboard": 200, "userinfo": 200}
CONNECTIONS = 16
CITIZENS = 64
TOKENS = 256
TOKEN_CLIENT = "Portal uji beban klaster (bench)"
TOKEN_SCOPE = "openid profile nik address email"
REGION = "64.72"  # Kota Samarinda, the drills' region
LB_PORT = cluster.PORTS["lb"]
LB_URL = f"http://127.0.0.1:{LB_PORT}/"
#: The cores shown for each run, in this order.
SHOWN = ("nodes", "postgres", "haproxy", "redis", "wrk", "background", "other", "idle")
#: What the CPU is counted for, beyond the nodes, PostgreSQL and wrk.
HAPROXY = ("lb",)
BACKGROUND = ("worker-1", "worker-2", "notifier", *cluster.SIMULATORS)


def say(message: str) -> None:
    print(message, flush=True)


def schedule() -> list[str]:
    """The MIX as a round of requests, each kind spread evenly over it (60/10/15/15: a round of 20)."""
    step = 0
    for share in MIX.values():
        step = gcd(step, share)
    slots = [((index + 0.5) / (share // step), kind) for kind, share in MIX.items() for index in range(share // step)]
    return [kind for _position, kind in sorted(slots)]


# --- the cluster --------------------------------------------------------------------------------------------


def haproxy_missing() -> str | None:
    if shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists():
        return None
    return "haproxy is not installed (`make cluster` installs it: deploy/cluster/install-packages.sh)"


def cluster_up() -> bool:
    try:
        return all(cluster.is_up(spec.name) for spec in cluster.components())
    except SystemExit:  # cluster.py's way to say PostgreSQL's programs are missing: starting it will say so
        return False


def _cluster_command(action: str) -> None:
    say(f"==> deploy/cluster/cluster.py {action}")
    command = [sys.executable, str(PROJECT_DIR / "deploy" / "cluster" / "cluster.py"), action]
    result = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"cluster.py {action} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def _wait_lb(node: str, state: str, timeout: float = 30.0) -> float:
    """Seconds until haproxy shows ``node`` in ``state`` (UP, DOWN)."""
    started = time.monotonic()
    while not cluster.nodes_up_at_lb().get(node, "").startswith(state):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"haproxy shows {cluster.nodes_up_at_lb()} after {timeout:.0f} s, not {node} {state}")
        time.sleep(0.2)
    return round(time.monotonic() - started, 1)


# --- data ---------------------------------------------------------------------------------------------------


def seed(var_dir: Path) -> dict:
    """The drills' seed (citizens, sessions, the service and its form), then tokens and villages; the wrk files."""
    out = var_dir / "cluster"
    out.mkdir(parents=True, exist_ok=True)
    env = cluster.django_env()
    say(f"==> cluster data: {CITIZENS} signed-in citizens of {REGION} (deploy/drills/seed.py), {TOKENS} tokens")
    command = [sys.executable, str(PROJECT_DIR / "deploy" / "drills" / "seed.py"), str(out / "drills.json")]
    command += ["--citizens", str(CITIZENS), "--signups", "0"]
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"deploy/drills/seed.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    drills = json.loads((out / "drills.json").read_text())
    command = [sys.executable, str(Path(__file__)), "tokens", str(out / "drills.json"), str(out / "tokens.json")]
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"cluster_bench.py tokens failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    extra = json.loads((out / "tokens.json").read_text())
    sessions = [citizen["session"] for citizen in drills["citizens"]]
    return {
        "service": drills["service"],
        "form": "&".join(f"{name}={value}" for name, value in drills["form"].items()),
        "sessions": sessions,
        "tokens": extra["tokens"],
        "villages": extra["villages"],
        "dir": out,
    }


def _write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def seed_tokens(drills_json: Path, out: Path) -> None:
    """Run as a script with the cluster's environment: an agency client (made once), TOKENS access tokens for the
    drills' citizens that expire in a day, and the region's village codes; written to ``out``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
    import django

    django.setup()
    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model, set_token_value

    from mpp.identity.models import User
    from mpp.regions.models import Level, Region
    from mpp.sso.claims import SCOPES
    from mpp.sso.models import AgencyClient

    access_token_model = get_access_token_model()
    client = AgencyClient.objects.filter(name=TOKEN_CLIENT).first()
    if client is None:
        client = AgencyClient(
            name=TOKEN_CLIENT,
            agency_name="DPMPTSP Kota Samarinda",
            client_secret=secrets.token_urlsafe(30),
            redirect_uris="https://portal.example.go.id/oidc/callback",
            allowed_scopes=list(SCOPES),
        )
        client.full_clean()
        client.save()
    users = list(User.objects.filter(pk__in=[c["user_id"] for c in json.loads(drills_json.read_text())["citizens"]]))
    expires = timezone.now() + timedelta(days=1)
    tokens, raws = [], []
    for index in range(TOKENS):
        raw = secrets.token_urlsafe(30)
        token = access_token_model(user=users[index % len(users)], application=client, scope=TOKEN_SCOPE)
        token.expires = expires
        set_token_value(token, raw)
        tokens.append(token)
        raws.append(raw)
    access_token_model.objects.bulk_create(tokens)
    villages = Region.objects.filter(code__startswith=f"{REGION}.", level=Level.VILLAGE).values_list("code", flat=True)
    out.write_text(json.dumps({"tokens": raws, "villages": sorted(villages)}))


def browse_paths(data: dict) -> list[str]:
    """The public pages: the region's, each of its services' (from the API), each of its villages'."""
    status, body = servers.get(LB_PORT, f"/api/v1/regions/{REGION}/services")
    services = [item["id"] for item in json.loads(body).get("items", [])] if status == 200 else []
    if not services:
        raise RuntimeError(f"GET /api/v1/regions/{REGION}/services answered {status} with no services")
    return [
        f"/wilayah/{REGION}/",
        *(f"/layanan/{service}/" for service in services),
        *(f"/wilayah/{village}/" for village in data["villages"]),
    ]


# --- checks: each kind once through the load balancer, answering what it must ------------------------------


def _check(data: dict, paths: list[str], csrf: tuple[str, str]) -> str | None:
    for path in paths:  # also fills the public response cache, as the first visitors would
        status, _body = servers.get(LB_PORT, path, timeout=30)
        if status != 200:
            return f"GET {path} answered {status}"
    session = data["sessions"][0]
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={csrf[0]}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = f"csrfmiddlewaretoken={csrf[1]}&{data['form']}&submit_key=cluster-check-{secrets.token_hex(6)}"
    response = servers.request(LB_PORT, "POST", f"/layanan/{data['service']}/ajukan/", headers=headers, body=body)
    location = response.headers.get("Location", "")
    if response.status != 302 or not applications.RECEIPT.match(location):
        return f"submit answered {response.status} (Location {location!r}), not 302 to the receipt"
    response = servers.request(LB_PORT, "GET", "/permohonan/", headers={"Cookie": f"sessionid={session}"})
    if response.status != 200:
        return f"dashboard answered {response.status}"
    response = servers.request(LB_PORT, "GET", "/o/userinfo/", headers={"Authorization": f"Bearer {data['tokens'][0]}"})
    if response.status != 200 or "sub" not in json.loads(response.body or b"{}"):
        return f"userinfo answered {response.status}"
    return None


# --- CPU per component ----------------------------------------------------------------------------------------


def _component_seconds(names: tuple[str, ...], postgres: bool = False) -> dict[int, float]:
    read = loadtest._postgres_cpu_seconds if postgres else loadtest._cpu_seconds
    return {pid: read(pid) for name in names for pid in cluster.component_pids(name)}


def _redis_seconds() -> dict[int, float]:
    """Every redis-server's CPU: the cluster's cache and sessions (the machine's Redis, db 3, or its own)."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "redis-server":
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return {pid: loadtest._cpu_seconds(pid) for pid in pids}


class ClusterCpu:
    """Cores used during a run by each node, PostgreSQL (primary and replica, ended backends included), haproxy,
    Redis, wrk, the background (task workers, notifier, simulators) and the rest of the machine (other)."""

    GROUPS = {
        "node-1": (("node-1",), False),
        "node-2": (("node-2",), False),
        "postgres": (("pg-primary", "pg-replica"), True),
        "haproxy": (HAPROXY, False),
        "background": (BACKGROUND, False),
    }

    def _read(self) -> dict[str, dict[int, float]]:
        read = {group: _component_seconds(names, pg) for group, (names, pg) in self.GROUPS.items()}
        return {**read, "redis": _redis_seconds()}

    def __enter__(self):
        self.before = self._read()
        self.children, self.busy = loadtest._children_cpu_seconds(), loadtest._machine_busy_seconds()
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc_info):
        elapsed = time.monotonic() - self.started
        after = self._read()
        used = {
            group: sum(seconds - self.before[group].get(pid, 0.0) for pid, seconds in after[group].items())
            for group in after
        }
        used["wrk"] = loadtest._children_cpu_seconds() - self.children
        busy = loadtest._machine_busy_seconds() - self.busy
        self.cores = {group: round(seconds / elapsed, 2) for group, seconds in used.items()}
        self.cores["nodes"] = round((used["node-1"] + used["node-2"]) / elapsed, 2)
        self.cores["other"] = round(max(busy - sum(used.values()), 0.0) / elapsed, 2)
        self.cores["busy"] = round(busy / elapsed, 2)
        self.cores["idle"] = round(max(len(os.sched_getaffinity(0)) - busy / elapsed, 0.0), 2)


# --- running --------------------------------------------------------------------------------------------------


def measure(wrk_path: str, seconds: int, name: str, nodes: int, load: loadtest.Load) -> dict:
    """A warm-up, then the measured run with the CPU of each component; the answers by kind and status."""
    say(f"==> {name}: {nodes} node(s) in service, {load.connections} connections, {seconds} s")
    warm_up = loadtest.wrk(wrk_path, LB_URL, loadtest.WARM_UP_S, load, load.warm_up_args)
    with ClusterCpu() as cpu:
        raw = loadtest.wrk(wrk_path, LB_URL, seconds, load)
    row = {
        "name": name,
        "nodes": nodes,
        "lb_states": cluster.nodes_up_at_lb(),
        **loadtest.figures(raw, load),
        "cpu_cores": cpu.cores,
        "statuses": raw.get("statuses", {}),
        "warm_up_statuses": warm_up.get("statuses", {}),
    }
    say(
        f"    {row['rps']:,.1f} req/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms; "
        f"cores: {', '.join(f'{group} {cpu.cores[group]}' for group in SHOWN)}"
    )
    return row


def _judge(row: dict, created: int | None = None) -> dict:
    """Every answer its kind's own (a mixed row; the ceiling's are 200s counted by wrk), no socket errors, one
    application per 302 to a submit (and at most the connections more: requests wrk stopped waiting for)."""
    problems = []
    rate_limited = 0
    for key, n in sorted(row["statuses"].items()):
        kind, status = key.split(" ")
        if int(status) == 429:
            rate_limited += n
        elif int(status) != EXPECTED.get(kind):
            problems.append(f"{n:,} {kind} answers {status}")
    if not row["statuses"] and row["non_2xx"]:
        problems.append(f"{row['non_2xx']:,} answers ≥ 400")
    errors = sum(row["socket_errors"].values())
    if errors:
        problems.append(f"{errors:,} socket errors")
    if created is not None:
        submits = row["statuses"].get("submit 302", 0)
        row["created"] = created
        if not submits <= created <= submits + row["connections"]:
            problems.append(f"{created:,} applications for {submits:,} submits answered 302")
    row["rate_limited"] = rate_limited
    row["failure"] = ", ".join(problems) or None
    return row


def run_config(wrk_path: str, seconds: int, nodes: int, data: dict, files: dict, run_id: str) -> list[dict]:
    """The healthz ceiling and the mixed scenario with ``nodes`` in service."""
    threads = str(CONNECTIONS)
    ceiling_load = loadtest.Load(connections=CONNECTIONS, threads=CONNECTIONS)
    healthz = _judge(measure(wrk_path, seconds, f"healthz_{nodes}", nodes, ceiling_load))
    prefix = f"cluster-{run_id}-{nodes}"
    args = (",".join(schedule()), threads, files["paths"], files["submit"], files["dashboard"], files["tokens"])
    args += (*files["csrf"], data["form"])
    mixed_load = loadtest.Load(
        BENCH_DIR / "cluster_mix.lua",
        args=(*args, f"{prefix}-m"),
        warm_up_args=(*args, f"{prefix}-w"),
        connections=CONNECTIONS,
        threads=CONNECTIONS,
    )
    mixed = measure(wrk_path, seconds, f"mixed_{nodes}", nodes, mixed_load)
    created = applications._created(cluster.database_url(), f"{prefix}-m")
    return [healthz, _judge(mixed, created)]


def run(wrk_path: str, seconds: int, var_dir: Path) -> dict:
    """Both configurations on the cluster (started here when down, and then stopped); skipped without haproxy."""
    missing = haproxy_missing()
    if missing:
        say(f"==> cluster: skipped, {missing}")
        return {"skipped": missing, "rows": []}
    found_up = cluster_up()
    if not found_up:
        _cluster_command("start")
    node_2_frozen = False
    try:
        postgres = database.server_version(cluster.database_url())
        data = seed(var_dir)
        csrf = identity.csrf_pair(LB_PORT)
        paths = browse_paths(data)
        problem = _check(data, paths, csrf)
        say(f"    {len(paths)} public pages; check through the load balancer: {problem or 'ok'}")
        if problem:
            raise RuntimeError(f"cluster check: {problem}")
        out = data["dir"]
        files = {
            "paths": _write(out / "paths.txt", paths),
            "submit": _write(out / "submit.txt", [f"{session}\t{data['service']}" for session in data["sessions"]]),
            "dashboard": _write(out / "dashboard.txt", data["sessions"]),
            "tokens": _write(out / "tokens.txt", data["tokens"]),
            "csrf": csrf,
        }
        run_id = secrets.token_hex(3)
        rows = run_config(wrk_path, seconds, 2, data, files, run_id)
        say("==> taking node-2 out: frozen (SIGSTOP) until haproxy shows it DOWN")
        cluster.stop_component("node-2", signal.SIGSTOP)
        node_2_frozen = True
        say(f"    DOWN after {_wait_lb('node-2', 'DOWN')} s")
        rows = run_config(wrk_path, seconds, 1, data, files, run_id) + rows
    finally:
        if node_2_frozen:
            say("==> node-2 back in service: thawed (SIGCONT)")
            cluster.stop_component("node-2", signal.SIGCONT)
            if found_up:
                say(f"    UP after {_wait_lb('node-2', 'UP')} s")
        if not found_up:
            _cluster_command("stop")
    by_name = {row["name"]: row for row in rows}
    return {
        "rows": rows,
        "postgres": postgres,
        "mix": MIX,
        "schedule": schedule(),
        "connections": CONNECTIONS,
        "duration_s": seconds,
        "public_pages": len(paths),
        "citizens": len(data["sessions"]),
        "tokens": len(data["tokens"]),
        "ratio": round(by_name["mixed_2"]["rps"] / by_name["mixed_1"]["rps"], 2) if by_name["mixed_1"]["rps"] else 0,
        "ceiling_ratio": (
            round(by_name["healthz_2"]["rps"] / by_name["healthz_1"]["rps"], 2) if by_name["healthz_1"]["rps"] else 0
        ),
        "started_here": not found_up,
    }


# --- the report ------------------------------------------------------------------------------------------------


#: What the cluster spends on a request: everything but wrk and the machine's other work.
CLUSTER_GROUPS = ("nodes", "postgres", "haproxy", "redis", "background")


def _ms_per_request(row: dict, group: str) -> float:
    return row["cpu_cores"][group] * 1000 / row["rps"] if row["rps"] else 0.0


def _cluster_ms(row: dict) -> float:
    return sum(_ms_per_request(row, group) for group in CLUSTER_GROUPS)


def _answers(row: dict) -> str:
    if not row["statuses"]:
        return f"{row['requests'] - row['non_2xx']:,} × 200"
    return ", ".join(f"{key} × {n:,}" for key, n in sorted(row["statuses"].items()))


def _table(rows: list[dict]) -> list[str]:
    lines = [
        "| scenario | nodes | req/s | p50 ms | p95 ms | p99 ms | answers (kind status × n) | wrong / 429 "
        "| cores: nodes / PostgreSQL / haproxy / Redis / wrk / background / other / idle | CPU ms/req: nodes "
        "/ PostgreSQL / haproxy / cluster / machine |",
        "|---|--:|--:|--:|--:|--:|---|---|---|---|",
    ]
    for row in rows:
        cores = row["cpu_cores"]
        wrong = f"**{row['failure']}**" if row["failure"] else "0"
        shown = " / ".join(f"{cores[group]:.2f}" for group in SHOWN)
        per_request = " / ".join(f"{_ms_per_request(row, group):.2f}" for group in ("nodes", "postgres", "haproxy"))
        lines.append(
            f"| {row['name']} | {row['nodes']} | {row['rps']:,.1f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| {row['p99_ms']:.1f} | {_answers(row)} | {wrong} / {row['rate_limited']} | {shown} "
            f"| {per_request} / {_cluster_ms(row):.2f} / {_ms_per_request(row, 'busy'):.2f} |"
        )
    return lines


def section(results: dict) -> list[str]:
    """The cluster section of a report (``run.py --only cluster`` prints it alone)."""
    title = "## Cluster: one node and two (issue #16)"
    data = results.get("cluster") or {"skipped": "not run"}
    if data.get("skipped"):
        return [title, "", f"Not measured: {data['skipped']}.", ""]
    rows = {row["name"]: row for row in data["rows"]}
    one, two = rows["mixed_1"], rows["mixed_2"]
    cores = results["machine"]["nproc"]
    mix = ", ".join(f"{share}% {kind}" for kind, share in data["mix"].items())
    c1, c2 = one["cpu_cores"], two["cpu_cores"]
    others = max(c1["other"], c2["other"])
    noise = (
        f" **Other work used {c1['other']:.2f} and {c2['other']:.2f} cores during the two mixed runs** (processes "
        "that are not the cluster's nor wrk: something else ran on the machine), so both rates are lower than these "
        "cores allow and the ratio is noisier than it would be on a quiet machine."
        if others >= 0.2
        else ""
    )
    return [
        title,
        "",
        "`make cluster` (deploy/cluster) on this machine: haproxy on 127.0.0.1:8500 in front of two granian nodes "
        "(1 worker × 4 threads each), a PostgreSQL primary and streaming replica of their own, Redis, two task "
        "workers, the notifier and the simulators. One mixed scenario through the load balancer "
        f"(`bench/cluster_mix.lua`), {mix} of the requests by a fixed round of {len(data['schedule'])} "
        f"({', '.join(data['schedule'])}), at {data['connections']} connections for {data['duration_s']} s after a "
        f"{loadtest.WARM_UP_S} s warm-up: first with both nodes in service, then with node-2 frozen (SIGSTOP: "
        "no CPU, as a stopped node) until haproxy showed it DOWN; beside each, the same-run ceiling through the load "
        "balancer (`GET /healthz`, the same "
        "connections). *browse*: another of "
        f"{data['public_pages']} public pages of Kota Samarinda (64.72) per request, anonymous (the region's page, "
        "its services', its villages'; from the public response cache as in production); *submit*: `POST "
        "/layanan/<id>/ajukan/` of the birth-certificate form as another of "
        f"{data['citizens']} signed-in citizens (deploy/drills/seed.py's), a new submit_key each (302 to the "
        "receipt; the applications counted in the database afterwards); *dashboard*: `GET /permohonan/` as another "
        f"citizen; *userinfo*: `GET /o/userinfo/` with another of {data['tokens']} Bearer tokens. Every answer is "
        "counted by kind and status and must be the kind's own; 429s would be counted apart (all load comes from "
        "127.0.0.1; no limit applies to these four). Cores: CPU time per second of the run of each component "
        "(background: task workers, notifier, simulators); CPU ms/req: per answered request (*machine*: all busy "
        "CPU of the machine, wrk's included).",
        "",
        *_table([rows[name] for name in ("healthz_1", "mixed_1", "healthz_2", "mixed_2")]),
        "",
        f"- **Two nodes / one node: {data['ratio']:.2f}×** on the mixed scenario ({one['rps']:,.1f} → "
        f"{two['rps']:,.1f} req/s), {data['ceiling_ratio']:.2f}× on the healthz ceiling.",
        f"- What limits it here: the CPU. The {cores} cores are shared by everything: both nodes, PostgreSQL, "
        "haproxy, Redis, the background and wrk itself, and whatever else runs on the machine (*other*). A node is "
        "one granian worker, one Python process whose 4 threads share one GIL: its Python runs on one core at most, "
        f"granian's own threads add a little ({c1['nodes']:.2f} cores in the one-node run). The machine was busy "
        f"{c1['busy']:.2f} of {cores} cores with one "
        f"node (idle {c1['idle']:.2f}) and {c2['busy']:.2f} with two (idle {c2['idle']:.2f}): the second node can "
        f"only take what the first left idle, and the nodes together used {c2['nodes']:.2f} cores, "
        f"{c2['nodes'] - c1['nodes']:+.2f} over the one node; PostgreSQL took {c2['postgres']:.2f}, the background "
        f"{c2['background']:.2f}, haproxy {c2['haproxy']:.2f}, Redis {c2['redis']:.2f}, wrk {c2['wrk']:.2f}.{noise} "
        f"The healthz ceiling ({data['ceiling_ratio']:.2f}×) is held by the same cores. So the ratio here says "
        "how much idle CPU a second node found, not how the application scales: with a machine (or cores) per node, "
        "what carries over is the CPU a request costs.",
        f"- CPU per request of this mix: {_cluster_ms(one):.2f} ms of the cluster's (nodes, PostgreSQL, haproxy, "
        f"Redis, background) with one node, {_cluster_ms(two):.2f} ms with two, of which the nodes "
        f"{_ms_per_request(one, 'nodes'):.2f} and {_ms_per_request(two, 'nodes'):.2f} ms, PostgreSQL "
        f"{_ms_per_request(one, 'postgres'):.2f} and {_ms_per_request(two, 'postgres'):.2f} ms. At "
        f"{_cluster_ms(two):.2f} ms a request, {cores} cores serving nothing else would allow about "
        f"{cores * 1000 / _cluster_ms(two) if _cluster_ms(two) else 0:,.0f} req/s of this mix; each node on cores "
        f"of its own adds about {1000 / _ms_per_request(two, 'nodes') if _ms_per_request(two, 'nodes') else 0:,.0f} "
        "req/s a core, as long as PostgreSQL has cores for its share.",
        "",
    ]


if __name__ == "__main__":
    # bench/cluster_bench.py tokens <drills seed JSON> <out JSON>, with the cluster's environment (seed() runs it).
    if len(sys.argv) != 4 or sys.argv[1] != "tokens":
        sys.exit("usage: cluster_bench.py tokens <drills seed JSON> <out JSON>")
    seed_tokens(Path(sys.argv[2]), Path(sys.argv[3]))
