"""A production-like MPP Digital on this one machine: `make cluster`, `make cluster-stop`, `make cluster-status`.

haproxy on 127.0.0.1:8500 in front of two granian nodes, a PostgreSQL primary of its own with a streaming
replica, two task workers, the notifier, Redis, and the simulators the fault drills need (mail, Dukcapil, the
SMS gateway, the demo CA's trust services). Every process runs in its own process group, so stopping a
component stops its children too; state, pid files and logs live under var/cluster/.

    .venv/bin/python deploy/cluster/cluster.py start|stop|status

Importable as well: the fault drills kill and restart single components with `stop_component(name, signal)`,
`start_component(name)` and `component_pids(name)`, and find ports and URLs in `components()`.
Ports can be moved with CLUSTER_* variables (see PORTS). Standard library only: it runs before anything else.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("CLUSTER_DIR", ROOT / "var" / "cluster")).resolve()
LOGS = STATE / "logs"
PIDS = STATE / "pids"
APP_VAR = STATE / "app"  # MPP_VAR_DIR of every node and worker: the demo CA, static files
MEDIA = STATE / "media"  # one directory both nodes share, as a network file system would be in production
SOCKETS = STATE / "run"  # PostgreSQL's unix sockets (kept out of /var/run/postgresql, the machine's own)
WAL_ARCHIVE = STATE / "wal-archive"
SEEDED = STATE / "seeded"  # the marker of a database migrated and seeded once
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
HAPROXY_TEMPLATE = Path(__file__).with_name("haproxy.cfg")

# Demo-only secrets, the same as `make run`'s (Makefile).
DUKCAPIL_API_KEY = "demo-only-dukcapil-key-for-mpp-digital"
GATEWAY_API_KEY = "demo-only-gateway-key-for-mpp-digital"
ADMIN_TOKEN = "demo-admin"
DUKCAPIL_PERSONS = int(os.environ.get("CLUSTER_DUKCAPIL_PERSONS", "20000"))
REPLICATION_SLOT = "pg_replica"
SIMULATORS = ("mail", "dukcapil", "gateway", "trust")
DATABASE = "mpp"


def _port(variable: str, default: int) -> int:
    return int(os.environ.get(variable, default))


PORTS = {
    "lb": _port("CLUSTER_PORT", 8500),
    "node-1": _port("CLUSTER_NODE1_PORT", 8501),
    "node-2": _port("CLUSTER_NODE2_PORT", 8502),
    "stats": _port("CLUSTER_STATS_PORT", 8509),
    "dukcapil": _port("CLUSTER_DUKCAPIL_PORT", 8510),
    "gateway": _port("CLUSTER_GATEWAY_PORT", 8511),
    "trust": _port("CLUSTER_TRUST_PORT", 8512),
    "mail": _port("CLUSTER_SMTP_PORT", 1525),
    "pg-primary": _port("CLUSTER_PG_PRIMARY_PORT", 5442),
    "pg-replica": _port("CLUSTER_PG_REPLICA_PORT", 5443),
    "redis": _port("CLUSTER_REDIS_PORT", 6390),  # only when no Redis answers on 6379
}
SHARED_REDIS = ("127.0.0.1", 6379)
REDIS_DB = 3  # 0-2 belong to other work on the machine


@dataclass(frozen=True)
class Component:
    """One process (group) of the cluster. ``kind`` says how it is started, stopped and checked:
    "postgres" (pg_ctl), "redis" (daemonizes itself), "http" (answers ``health`` on its port),
    "tcp" (a listening port), "worker" (no port: up while alive)."""

    name: str
    kind: str
    port: int | None = None
    health: str = "/healthz"
    url: str = ""


def components() -> list[Component]:
    """Every component in start order (stop runs it backwards)."""
    http = "http://127.0.0.1:{}"
    table = [
        Component("pg-primary", "postgres", PORTS["pg-primary"], url=database_url("pg-primary")),
        Component("pg-replica", "postgres", PORTS["pg-replica"], url=database_url("pg-replica")),
        Component("mail", "tcp", PORTS["mail"], url=f"smtp://127.0.0.1:{PORTS['mail']} (Maildir var/cluster/mail)"),
        Component("dukcapil", "http", PORTS["dukcapil"], url=http.format(PORTS["dukcapil"])),
        Component("gateway", "http", PORTS["gateway"], url=http.format(PORTS["gateway"])),
        Component("trust", "http", PORTS["trust"], url=http.format(PORTS["trust"])),
        Component("node-1", "http", PORTS["node-1"], "/readyz", http.format(PORTS["node-1"])),
        Component("node-2", "http", PORTS["node-2"], "/readyz", http.format(PORTS["node-2"])),
        Component("worker-1", "worker"),
        Component("worker-2", "worker"),
        Component("notifier", "worker"),
        Component("lb", "http", PORTS["lb"], "/readyz", f"{http.format(PORTS['lb'])}/  stats {stats_url()}"),
    ]
    if own_redis():
        table.insert(0, Component("redis", "redis", PORTS["redis"], url=redis_url()))
    return table


def component(name: str) -> Component:
    for candidate in components():
        if candidate.name == name:
            return candidate
    raise KeyError(f"no cluster component {name!r}")


def database_url(name: str = "pg-primary") -> str:
    return f"postgres://postgres@127.0.0.1:{PORTS[name]}/{DATABASE}"


def stats_url() -> str:
    return f"http://127.0.0.1:{PORTS['stats']}/"


def say(message: str) -> None:
    print(message, flush=True)


# --- Redis ------------------------------------------------------------------------------------------------


def redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def own_redis() -> bool:
    """Whether the cluster runs a Redis of its own: decided at the first start and remembered, so a Redis on
    6379 that goes away later does not silently move the cache."""
    choice = STATE / "redis-mode"
    if not choice.exists():
        return not redis_answers(*SHARED_REDIS)
    return choice.read_text().strip() == "own"


def redis_url() -> str:
    port = PORTS["redis"] if own_redis() else SHARED_REDIS[1]
    return f"redis://127.0.0.1:{port}/{REDIS_DB}"


# --- processes --------------------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    """A running process (a zombie is not: reaped here when it is our own child, as in a long drill)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _processes() -> dict[int, tuple[int, int]]:
    """Every live process: pid -> (parent pid, process group), from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            table[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return table


def _family(pid: int) -> list[int]:
    """The process group ``pid`` leads and all its descendants, the leader first: granian's workers share its
    group (and outlive a leader killed alone), while PostgreSQL's backends each start a session of their own and
    are found as the postmaster's children. Only group members count as roots, so a recorded pid that was
    reused by an unrelated process (never a group leader of that number) is not taken for ours."""
    table = _processes()
    family = {member for member, (_parent, group) in table.items() if group == pid}
    grew = bool(family)
    while grew:
        children = {member for member, (parent, _group) in table.items() if parent in family} - family
        family |= children
        grew = bool(children)
    return sorted(family, key=lambda member: (member != pid, member))


def _recorded_pid(name: str) -> int | None:
    """The pid the component's leader had: PostgreSQL and Redis write their own pid files, the others' are
    written when started. Every leader starts a session, so it is also the process group of the component."""
    path = STATE / name / "postmaster.pid" if name.startswith("pg-") else PIDS / f"{name}.pid"
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def main_pid(name: str) -> int | None:
    """The pid of the component's leading process, or None when it is not running."""
    pid = _recorded_pid(name)
    return pid if pid is not None and _alive(pid) and _family(pid)[:1] == [pid] else None


def component_pids(name: str) -> list[int]:
    """The component's live pids, its leader first, then the rest of its group and its descendants
    (granian's workers, PostgreSQL's backends). Empty when nothing of it runs."""
    pid = _recorded_pid(name)
    return _family(pid) if pid is not None else []


def _spawn(name: str, command: list[str], env: dict) -> int:
    """Start ``command`` in a session of its own, output appended to its log, and remember its pid."""
    LOGS.mkdir(parents=True, exist_ok=True)
    PIDS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / f"{name}.log", "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command lines, no shell
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (PIDS / f"{name}.pid").write_text(f"{process.pid}\n")
    return process.pid


def _run(command: list[str], *, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run a setup command to its end; its output is shown only when it fails."""
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603 - no shell
    if check and result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result


# --- PostgreSQL -------------------------------------------------------------------------------------------


def pg_bindir() -> Path:
    """The newest PostgreSQL's programs: pg_config's bindir on Debian points at the client only."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if candidates:
        return candidates[-1].parent
    if shutil.which("pg_config"):
        return Path(_run(["pg_config", "--bindir"]).stdout.strip())
    raise SystemExit("PostgreSQL's server programs not found (apt-get install postgresql)")


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _owned_by_postgres(path: Path, mode: int = 0o700, *, directory: bool = True) -> None:
    if directory:
        path.mkdir(parents=True, exist_ok=True)
    else:
        path.touch(exist_ok=True)
    path.chmod(mode)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def psql(sql: str, *, name: str = "pg-primary", database: str = "postgres") -> str:
    """One statement through psql over TCP (trust authentication on loopback); its unaligned output."""
    command = [str(pg_bindir() / "psql"), "-h", "127.0.0.1", "-p", str(PORTS[name]), "-U", "postgres"]
    return _run([*command, "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql]).stdout.strip()


def _pg_settings(name: str) -> str:
    archive = f"test ! -f {WAL_ARCHIVE}/%f && cp %p {WAL_ARCHIVE}/%f"
    return f"""
# --- cluster.py ---
cluster_name = '{name}'
listen_addresses = '127.0.0.1'
port = {PORTS[name]}
unix_socket_directories = '{SOCKETS}'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
archive_mode = on
archive_command = '{archive}'
"""


HBA = """# cluster.py: trust on loopback only (a demo cluster on one machine)
local   all          all                 trust
host    all          all   127.0.0.1/32  trust
local   replication  all                 trust
host    replication  all   127.0.0.1/32  trust
"""


def _init_primary(data: Path) -> None:
    """initdb, trust on loopback, WAL for a streaming replica and archived for backups."""
    if "'" in str(STATE):
        raise SystemExit(f"{STATE}: a quote in the path would break postgresql.conf")
    say(f"==> initdb {data}")
    _owned_by_postgres(data)
    bindir = pg_bindir()
    _run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--auth=trust"]))
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(_pg_settings("pg-primary"))
    (data / "pg_hba.conf").write_text(HBA)


def _init_replica(data: Path) -> None:
    """A base backup of the primary through its replication slot, configured (-R) to stream from it."""
    say(f"==> pg_basebackup {data} from 127.0.0.1:{PORTS['pg-primary']}")
    psql(
        f"SELECT pg_create_physical_replication_slot('{REPLICATION_SLOT}') WHERE NOT EXISTS "  # noqa: S608 - constants
        f"(SELECT 1 FROM pg_replication_slots WHERE slot_name = '{REPLICATION_SLOT}')"
    )
    shutil.rmtree(data, ignore_errors=True)
    _owned_by_postgres(data)
    basebackup = [str(pg_bindir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(PORTS["pg-primary"])]
    _run(_as_postgres([*basebackup, "-U", "postgres", "-D", str(data), "-R", "-X", "stream", "-S", REPLICATION_SLOT]))
    # The primary's settings came along; later lines win, so the replica only names itself and its port.
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(f"cluster_name = 'pg-replica'\nport = {PORTS['pg-replica']}\n")


def _start_postgres(name: str) -> None:
    data = STATE / name
    for path in (SOCKETS, WAL_ARCHIVE):
        _owned_by_postgres(path, 0o755)
    if not (data / "PG_VERSION").exists():
        _init_primary(data) if name == "pg-primary" else _init_replica(data)
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    _owned_by_postgres(log, 0o644, directory=False)
    # pg_ctl runs the postmaster in a session of its own, so its pid is its backends' process group.
    _run(_as_postgres([str(pg_bindir() / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start"]))


def _stop_postgres(name: str) -> bool:
    data = STATE / name
    command = [str(pg_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "30", "stop"]
    return _run(_as_postgres(command), check=False).returncode == 0


def wait_streaming(timeout: float = 30.0) -> None:
    """Until the primary's pg_stat_replication shows the replica streaming."""
    deadline = time.monotonic() + timeout
    query = "SELECT state FROM pg_stat_replication WHERE application_name = 'pg-replica'"
    while time.monotonic() < deadline:
        if psql(query) == "streaming":
            return
        time.sleep(0.5)
    raise SystemExit(f"the replica does not stream after {timeout:.0f} s (see {LOGS / 'pg-replica.log'})")


def _ensure_database() -> None:
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):  # noqa: S608 - a constant
        say(f"==> CREATE DATABASE {DATABASE}")
        psql(f"CREATE DATABASE {DATABASE}")


# --- the app's environment and data -----------------------------------------------------------------------


def _secret(path: Path, make) -> str:
    """A secret made once per cluster and kept (mode 0600), so restarts keep sessions and signatures valid."""
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text()


def _signing_key() -> str:
    """The OIDC signing key, made by the project's own development_signing_key (needs the virtualenv)."""
    path = STATE / "oidc-rsa.pem"
    if not path.exists():
        code = (
            "import sys, pathlib; from mpp.sso.keys import development_signing_key as k; k(pathlib.Path(sys.argv[1]))"
        )
        _run([PYTHON, "-c", code, str(path)])
    return path.read_text()


def django_env() -> dict:
    """The production-like environment of every node, worker and manage.py command (bench/run.py's, plus the
    cluster's databases, cache, shared media and simulators wired as `make run` wires them)."""
    return {
        **os.environ,
        "DEBUG": "false",
        "MPP_DEMO_MODE": "true",  # the demo accounts and regions of `make run`
        "SECRET_KEY": _secret(STATE / "secret-key", lambda: secrets.token_urlsafe(50)),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",  # plain HTTP on loopback
        "MPP_VAR_DIR": str(APP_VAR),
        "STATIC_ROOT": str(APP_VAR / "static"),
        "MEDIA_ROOT": str(MEDIA),
        "OIDC_RSA_PRIVATE_KEY": _signing_key(),
        "DATABASE_URL": database_url("pg-primary"),
        "DATABASE_REPLICA_URL": database_url("pg-replica"),
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": redis_url(),
        "SITE_URL": f"http://127.0.0.1:{PORTS['lb']}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(PORTS["mail"]),
        "DUKCAPIL_URL": f"http://127.0.0.1:{PORTS['dukcapil']}",
        "DUKCAPIL_API_KEY": DUKCAPIL_API_KEY,
        "SMS_GATEWAY_URL": f"http://127.0.0.1:{PORTS['gateway']}",
        "SMS_GATEWAY_API_KEY": GATEWAY_API_KEY,
        "DOCUMENT_SIGNING_TSA_URL": f"http://127.0.0.1:{PORTS['trust']}/tsa",
    }


def manage(*args: str) -> None:
    started = time.monotonic()
    _run([PYTHON, "manage.py", *args], env=django_env())
    say(f"==> manage.py {' '.join(args)} ({time.monotonic() - started:.1f} s)")


# `make run`'s demo data (Makefile). Signing the demo agreements needs the demo CA's trust services running,
# so the data comes in two parts, before and after the simulators start.
SEED_BEFORE_SIMULATORS = [
    ["load_regions"],
    ["seed_catalog"],
    ["seed_onboarding"],
    ["create_demo_ca", "--services-url", f"http://127.0.0.1:{PORTS['trust']}"],
]
SEED_AFTER_SIMULATORS = [
    ["seed_demo"],
    ["seed_sso_demo"],
    ["seed_surveys"],
    ["rebuild_statistics"],
    ["rebuild_surveys"],
]


def seed_database(commands: list[list[str]]) -> None:
    """Demo data, only the first time: a restarted cluster keeps its data (the marker file says it is there)."""
    if not SEEDED.exists():
        for command in commands:
            manage(*command)


def seed_simulators() -> None:
    """The simulators' own SQLite data, once each: a population of DUKCAPIL_PERSONS, MPP Digital's keys."""
    dukcapil = STATE / "dukcapil.sqlite3"
    if not dukcapil.exists():
        say(f"==> dukcapil: {DUKCAPIL_PERSONS:,} persons")
        seed = ["seed", "--persons", str(DUKCAPIL_PERSONS), "--seed", "42", "--db", str(dukcapil)]
        _run([PYTHON, "-m", "simulators.dukcapil", *seed])
        institution = ["--name", "MPP Digital", "--fields", "all", "--quota", "100000", "--key", DUKCAPIL_API_KEY]
        _run([PYTHON, "-m", "simulators.dukcapil", "add-institution", "--db", str(dukcapil), *institution])
    gateway = STATE / "gateway.sqlite3"
    if not gateway.exists():
        client = ["--name", "MPP Digital", "--api-key", GATEWAY_API_KEY]
        _run([PYTHON, "-m", "simulators.gateway", "add-client", "--db", str(gateway), *client])


def _command(name: str) -> list[str]:
    """The command line of a component started as a plain process."""
    port = str(PORTS.get(name, ""))
    if name.startswith("node-"):
        granian = [str(VENV_BIN / "granian"), "--interface", "wsgi", "--workers", "1", "--blocking-threads", "4"]
        return [
            *granian,
            "--no-ws",
            "--log-level",
            "warning",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "mpp.wsgi:application",
        ]
    if name.startswith("worker-"):
        return [PYTHON, "manage.py", "db_worker", "--interval", "1"]
    simulator = {
        "notifier": ["manage.py", "deliver_notifications"],
        # A Maildir sink: each message one file in var/cluster/mail/new, so the drills can count them.
        "mail": [
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Mailbox",
            str(STATE / "mail"),
        ],
        "dukcapil": ["-m", "simulators.dukcapil", "serve", "--port", port, "--db", str(STATE / "dukcapil.sqlite3")],
        "gateway": ["-m", "simulators.gateway", "serve", "--port", port, "--db", str(STATE / "gateway.sqlite3")],
        "trust": ["-m", "simulators.trust", "serve", "--port", port, "--db", str(STATE / "trust.sqlite3")],
    }
    if name in simulator:
        return [PYTHON, *simulator[name]]
    if name == "lb":
        return [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f", str(_write_haproxy_config())]
    raise KeyError(name)


def _write_haproxy_config() -> Path:
    template = string.Template(HAPROXY_TEMPLATE.read_text())
    ports = {"lb_port": PORTS["lb"], "node1_port": PORTS["node-1"], "node2_port": PORTS["node-2"]}
    path = STATE / "haproxy.cfg"
    errorfile = HAPROXY_TEMPLATE.with_name("503.http")
    path.write_text(template.substitute(**ports, stats_port=PORTS["stats"], errorfile_503=errorfile))
    return path


def _env(name: str) -> dict:
    if name.startswith(("node-", "worker-")) or name == "notifier":
        return django_env()
    return {
        **os.environ,
        "DUKCAPIL_ADMIN_TOKEN": ADMIN_TOKEN,
        "GATEWAY_ADMIN_TOKEN": ADMIN_TOKEN,
        "TRUST_ADMIN_TOKEN": ADMIN_TOKEN,
        "TRUST_CA_DIR": str(APP_VAR / "signing"),  # the demo CA create_demo_ca made for the nodes
    }


# --- one component ----------------------------------------------------------------------------------------


def _get(port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def is_up(name: str) -> bool:
    """Running and answering: its health URL says 200, its port accepts, PostgreSQL answers a query."""
    spec = component(name)
    if spec.kind == "redis":
        return redis_answers("127.0.0.1", spec.port)
    if spec.kind == "postgres":
        if main_pid(name) is None:
            return False
        command = [str(pg_bindir() / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(spec.port), "-U", "postgres"]
        return _run(command, check=False).returncode == 0
    if not component_pids(name):
        return False
    if spec.kind == "http":
        try:
            return _get(spec.port, spec.health)[0] == 200
        except OSError:
            return False
    if spec.kind == "tcp":
        return _port_open(spec.port)
    return True


def wait_up(name: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_up(name):
            return
        if not component_pids(name):
            raise SystemExit(f"{name} exited while starting; see {LOGS / (name + '.log')}")
        time.sleep(0.3)
    raise SystemExit(f"{name} is not up after {timeout:.0f} s; see {LOGS / (name + '.log')}")


def start_component(name: str, *, wait: bool = True) -> None:
    """Start one component unless it is running already; with ``wait``, until it answers.
    Its data must exist: `start` makes it the first time (a restarted replica makes its own)."""
    if main_pid(name) is not None:
        if wait:
            wait_up(name)
        return
    if component_pids(name):  # what outlived a leader killed alone (granian's workers) goes first
        stop_component(name, signal.SIGKILL)
    spec = component(name)
    if spec.kind == "postgres":
        _start_postgres(name)
    elif spec.kind == "redis":
        (STATE / "redis").mkdir(parents=True, exist_ok=True)
        redis = [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(spec.port)]
        redis += ["--bind", "127.0.0.1", "--daemonize", "yes", "--dir", str(STATE / "redis")]
        _run([*redis, "--pidfile", str(PIDS / "redis.pid"), "--logfile", str(LOGS / "redis.log")])
    else:
        _spawn(name, _command(name), _env(name))
    if wait:
        wait_up(name)


def _signal(pids: list[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def stop_component(name: str, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Send ``sig`` to the component's process group and descendants (SIGTERM to PostgreSQL: a fast shutdown
    by pg_ctl instead). SIGTERM and SIGINT wait up to ``timeout`` and then kill; SIGKILL (a crash) waits until
    every process is gone; other signals (SIGSTOP, to freeze a node) are only sent."""
    pid = _recorded_pid(name)
    family = component_pids(name)
    if pid is None or not family:
        return
    if name.startswith("pg-") and sig == signal.SIGTERM and _stop_postgres(name):
        return
    # Graceful signals go to the leader alone when it lives (granian and haproxy stop their workers themselves).
    graceful = sig not in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCONT) and family[0] == pid
    _signal([pid] if graceful else family, sig)
    if sig not in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        return
    deadline = time.monotonic() + timeout
    while family := _family(pid):
        if time.monotonic() > deadline:
            if sig == signal.SIGKILL:
                raise SystemExit(f"{name}: processes {family} survive SIGKILL")
            sig, deadline = signal.SIGKILL, time.monotonic() + timeout
            _signal(family, sig)
        time.sleep(0.1)
    (PIDS / f"{name}.pid").unlink(missing_ok=True)


# --- the whole cluster ------------------------------------------------------------------------------------


def listening_ports() -> set[int]:
    """The TCP ports something listens on, on any address (from /proc/net/tcp and tcp6)."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def cluster_ports() -> dict[str, int]:
    """Every port the cluster listens on, by name (Redis's only when the cluster runs its own)."""
    return {name: port for name, port in PORTS.items() if name != "redis" or own_redis()}


def nodes_up_at_lb() -> dict[str, str]:
    """Each node's status on haproxy's stats page (its CSV export): {"node-1": "UP", ...}."""
    try:
        status, body = _get(PORTS["stats"], "/;csv")
    except OSError:
        return {}
    if status != 200:
        return {}
    rows = [line.split(",") for line in body.decode().splitlines() if line and not line.startswith("#")]
    return {row[1]: row[17] for row in rows if row[0] == "nodes" and row[1].startswith("node-")}


def wait_lb_ready(timeout: float = 30.0) -> None:
    """Until haproxy answers /readyz through the front port and has both nodes UP."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = nodes_up_at_lb()
        if is_up("lb") and states and all(state == "UP" for state in states.values()):
            return
        time.sleep(0.3)
    raise SystemExit(f"haproxy: nodes {nodes_up_at_lb() or 'unknown'} after {timeout:.0f} s; see {stats_url()}")


def start() -> None:
    started = time.monotonic()
    busy = {name: port for name, port in cluster_ports().items() if port in listening_ports()}
    running = {spec.name for spec in components() if component_pids(spec.name)}
    if busy and not running:
        raise SystemExit(f"ports in use by something else: {busy}")
    for path in (STATE, LOGS, PIDS, APP_VAR, MEDIA):
        path.mkdir(parents=True, exist_ok=True)
    (STATE / "redis-mode").write_text("own\n" if own_redis() else "shared\n")
    for spec in components():
        if spec.kind in ("redis", "postgres"):
            say(f"==> {spec.name}")
            start_component(spec.name)
        if spec.name == "pg-primary":
            _ensure_database()
    wait_streaming()
    # As a deploy would, every time: migrations, then the static files of the code at hand.
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    seed_database(SEED_BEFORE_SIMULATORS)
    seed_simulators()
    for name in SIMULATORS:
        say(f"==> {name}")
        start_component(name)
    seed_database(SEED_AFTER_SIMULATORS)
    if not SEEDED.exists():
        SEEDED.write_text(f"seeded {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    manage("schedule_clock")  # the periodic jobs; idempotent
    for spec in components():
        if not component_pids(spec.name):
            say(f"==> {spec.name}")
            start_component(spec.name)
    wait_lb_ready()
    status()
    say(f"Cluster up in {time.monotonic() - started:.0f} s: http://127.0.0.1:{PORTS['lb']}/")


def stop() -> int:
    """Everything in reverse order; non-zero when a cluster port is still listened on afterwards."""
    for spec in reversed(components()):
        if component_pids(spec.name):
            say(f"==> stop {spec.name}")
            stop_component(spec.name)
    left = {name: port for name, port in cluster_ports().items() if port in listening_ports()}
    survivors = {spec.name: pids for spec in components() if (pids := component_pids(spec.name))}
    if left or survivors:
        say(f"still listening: {left or 'nothing'}; still running: {survivors or 'nothing'}")
        return 1
    say("cluster stopped; nothing listens on its ports")
    return 0


def status() -> int:
    """A table of components, their state, pids and addresses; non-zero when one is down."""
    rows = [("COMPONENT", "STATE", "PIDS", "ADDRESS")]
    down = 0
    for spec in components():
        pids = component_pids(spec.name)
        if not pids:
            state = "down"
        elif main_pid(spec.name) is None:
            state = "orphaned"  # its leader was killed alone; its children live on
        else:
            state = "up" if is_up(spec.name) else "starting"
        down += state != "up"
        shown = " ".join(map(str, pids[:4])) + (" …" if len(pids) > 4 else "")
        rows.append((spec.name, state, shown or "-", spec.url))
    if not own_redis():
        state = "up" if redis_answers(*SHARED_REDIS) else "down"
        rows.append(("redis", state, "(shared)", redis_url()))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    lb_nodes = nodes_up_at_lb()
    if lb_nodes:
        say("haproxy: " + ", ".join(f"{node} {state}" for node, state in sorted(lb_nodes.items())))
    return 1 if down else 0


def main(argv: list[str]) -> int:
    commands = {"start": lambda: start() or 0, "stop": stop, "status": status}
    if len(argv) != 1 or argv[0] not in commands:
        say(f"usage: {Path(__file__).name} start|stop|status")
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
