"""Fault drills against `make cluster` (issue #16 §2): each drill breaks one thing while a load works, repairs it,
and checks what must hold against the database and the simulators' own records.

    .venv/bin/python deploy/drills/drills.py [drill ...]     # no argument: all of them, in order
    make drills DRILL=app-node

Each drill: start the load, wait a few seconds, inject the fault, keep the load going, repair, let it settle,
stop the load, then check. The load goes through the load balancer: citizens submitting birth-certificate
applications (a unique submit_key each, retried on a failure as a browser would), and per drill the pages,
sign-ups or uploads the fault is about. Results: a table on stdout, var/cluster/drills/<time>.json and
var/cluster/drills/last.json. Exit status 1 when a "must hold" did not hold. Needs root for disk-full (a mount).
"""

from __future__ import annotations

import abc
import argparse
import contextlib
import email.parser
import io
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cluster"))
import cluster

ROOT = cluster.ROOT
STATE = cluster.STATE
OUT = STATE / "drills"
SEED = OUT / "seed.json"
#: Registry persons without an account the registry drill needs for its sign-ups (each run signs some up).
MIN_SIGNUPS_LEFT = 20
LB = f"http://127.0.0.1:{cluster.PORTS['lb']}"
DUKCAPIL = f"http://127.0.0.1:{cluster.PORTS['dukcapil']}"
REQUEST_TIMEOUT = 30.0  # longer than any fault, so a hang is measured, not cut short
SLOW = 5.0  # "never a hang longer than 5 s"
RETRIES = 3  # a browser's retries of one submission (the same submit_key), after the first try
SUBMITTERS = 2  # threads, each about 2 submissions a second
PUBLIC_PAGES = ["/wilayah/64.72/", "/statistik/64.72/", "/statistik/", "/cari/?q=akta"]
REGISTRY_DOWN_TEXT = "Dukcapil sedang tidak dapat dihubungi"


def say(message: str) -> None:
    print(message, flush=True)


# --- the load ---------------------------------------------------------------------------------------------


@dataclass
class Attempt:
    """One HTTP request of the load."""

    kind: str  # submit, read, signup, upload
    at: float  # seconds since the drill started
    duration: float
    status: int  # 0: no answer (a network error or our timeout)
    key: str = ""  # submit_key, NIK of a sign-up, …
    error: str = ""
    retry_after: str = ""
    location: str = ""
    excerpt: str = ""  # of the body, when the answer was not the expected one
    registry_down: bool = False  # the page says the registry cannot be reached


def _excerpt(body: str) -> str:
    """The visible text of an error page from its <main> on, shortened: what a citizen would read."""
    start = body.find("<main")
    body = body[start:] if start >= 0 else body
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())[:300]


class Load:
    """Threads sending requests through the load balancer until stopped; every attempt is kept."""

    def __init__(self, seed: dict, started: float):
        self.seed = seed
        self.started = started
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.attempts: list[Attempt] = []
        self.submitted: dict[str, int] = {}  # submit_key -> user id, every key sent
        self.threads: list[threading.Thread] = []
        self.csrf = self._csrf_pair()

    def now(self) -> float:
        return time.monotonic() - self.started

    def record(self, attempt: Attempt) -> Attempt:
        with self.lock:
            self.attempts.append(attempt)
        return attempt

    def _csrf_pair(self) -> tuple[str, str]:
        """A CSRF cookie and form token, fetched once (Django accepts the pair on every request)."""
        citizen = self.seed["citizens"][0]
        for _try in range(30):
            try:
                cookie = {"Cookie": f"sessionid={citizen['session']}"}
                page = httpx.get(f"{LB}/layanan/{self.seed['service']}/ajukan/", headers=cookie)
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
                if page.status_code == 200 and token and page.cookies.get("csrftoken"):
                    return page.cookies["csrftoken"], token.group(1)
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise SystemExit("no CSRF token from the apply page: is the cluster up and seeded?")

    def request(self, client: httpx.Client, kind: str, method: str, path: str, key: str = "", **kwargs) -> Attempt:
        begun = self.now()
        clock = time.monotonic()
        try:
            response = client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            return self.record(
                Attempt(kind, begun, time.monotonic() - clock, 0, key, error=f"{type(error).__name__}: {error}"[:200])
            )
        attempt = Attempt(
            kind,
            begun,
            time.monotonic() - clock,
            response.status_code,
            key,
            retry_after=response.headers.get("retry-after", ""),
            location=response.headers.get("location", ""),
        )
        if response.status_code >= 400:
            attempt.excerpt = _excerpt(response.text)
            attempt.registry_down = REGISTRY_DOWN_TEXT in response.text
        return self.record(attempt)

    def spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT * (RETRIES + 2))

    def pause(self, seconds: float) -> None:
        self.stop_event.wait(seconds)

    # Submissions: a citizen at random, a new key; a failed or 5xx answer is retried with the same key.
    def submitter(self, interval: float = 0.5) -> None:
        cookie, token = self.csrf
        path = f"/layanan/{self.seed['service']}/ajukan/"
        with httpx.Client(base_url=LB, timeout=REQUEST_TIMEOUT) as client:
            while not self.stop_event.is_set():
                citizen = random.choice(self.seed["citizens"])
                key = uuid.uuid4().hex
                with self.lock:
                    self.submitted[key] = citizen["user_id"]
                form = {**self.seed["form"], "csrfmiddlewaretoken": token, "submit_key": key}
                headers = {"Cookie": f"sessionid={citizen['session']}; csrftoken={cookie}"}
                for _try in range(1 + RETRIES):
                    client.cookies.clear()
                    attempt = self.request(client, "submit", "POST", path, key, data=form, headers=headers)
                    if 0 < attempt.status < 500:
                        break
                    time.sleep(1)  # a citizen presses the button again
                self.pause(interval)

    # Public pages, anonymous.
    def reader(self, interval: float = 0.25) -> None:
        with httpx.Client(base_url=LB, timeout=REQUEST_TIMEOUT) as client:
            while not self.stop_event.is_set():
                for page in PUBLIC_PAGES:
                    client.cookies.clear()
                    self.request(client, "read", "GET", page, page)
                    self.pause(interval)

    # Sign-ups of registry persons without an account (the registry checks NIK, name and birth date).
    def signer_up(self, interval: float = 2.0) -> None:
        registered = {nik for (nik,) in query("SELECT nik FROM identity_user WHERE nik LIKE '6472%%'")}
        people = [person for person in self.seed["signups"] if person["nik"] not in registered]
        random.shuffle(people)
        with httpx.Client(base_url=LB, timeout=REQUEST_TIMEOUT) as client:
            while people and not self.stop_event.is_set():
                person = people.pop()
                clear_rate_limits()  # every client is 127.0.0.1: its 10 sign-ups an hour are not what we test
                client.cookies.clear()
                page = client.get("/akun/daftar/")
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
                form = {
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                    "nik": person["nik"],
                    "name": person["name"],
                    "birth_date": person["birth_date"],
                    "email": f"daftar-{person['nik']}@drill.mpp.test",
                    "phone": f"08114{person['nik'][-7:]}",
                    "password": "Sandi-Uji-Ketahanan-2026!",
                    "password2": "Sandi-Uji-Ketahanan-2026!",
                }
                self.request(client, "signup", "POST", "/akun/daftar/", person["nik"], data=form)
                self.pause(interval)

    # Uploads to the citizen's vault: a small PNG each.
    def uploader(self, interval: float = 1.0) -> None:
        with httpx.Client(base_url=LB, timeout=REQUEST_TIMEOUT) as client:
            while not self.stop_event.is_set():
                citizen = random.choice(self.seed["citizens"])
                headers = {"Cookie": f"sessionid={citizen['session']}"}
                client.cookies.clear()
                page = client.get("/brankas/", headers=headers)
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
                form = {"csrfmiddlewaretoken": token.group(1) if token else "", "document_type": "pas-foto"}
                headers["Cookie"] += f"; csrftoken={page.cookies.get('csrftoken', '')}"
                files = {"file": ("pas-foto.png", tiny_png(), "image/png")}
                key = uuid.uuid4().hex
                form["title"] = f"drill {key}"
                self.request(client, "upload", "POST", "/brankas/", key, data=form, files=files, headers=headers)
                self.pause(interval)


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (random.randrange(256), 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def run(*command: str, check: bool = False) -> subprocess.CompletedProcess:
    """A command of ours (no shell), its program found on PATH; output captured."""
    program = shutil.which(command[0]) or command[0]
    return subprocess.run([program, *command[1:]], capture_output=True, text=True, check=check)  # noqa: S603


def clear_rate_limits() -> None:
    """Forget django-ratelimit's counters in the cluster's Redis database (keys with "rl:")."""
    host, port = "127.0.0.1", cluster.PORTS["redis"] if cluster.own_redis() else cluster.SHARED_REDIS[1]
    base = ["redis-cli", "-h", host, "-p", str(port), "-n", str(cluster.REDIS_DB)]
    keys = run(*base, "--scan", "--pattern", "*rl:*").stdout.split()
    if keys:
        run(*base, "DEL", *keys)


# --- what the database and the simulators say ---------------------------------------------------------------


def db() -> psycopg.Connection:
    return psycopg.connect(cluster.database_url(), autocommit=True, connect_timeout=5)


def query(sql: str, params=()) -> list[tuple]:
    for _try in range(30):  # the primary may still be coming back
        try:
            with db() as connection:
                return connection.execute(sql, params).fetchall()
        except psycopg.OperationalError:
            time.sleep(1)
    raise SystemExit("the cluster's database does not answer")


def application_counts(keys: list[str]) -> dict[str, int]:
    """submit_key -> number of applications with it (keys are unique per drill run: uuid4)."""
    rows = query(
        "SELECT submit_key, count(*) FROM applications_application WHERE submit_key = ANY(%s) GROUP BY submit_key",
        (keys,),
    )
    return dict(rows)


def mail_message_ids() -> dict[str, int]:
    """Message-ID -> how many files in the SMTP sink's Maildir carry it."""
    counts: dict[str, int] = {}
    parser = email.parser.BytesHeaderParser()
    for folder in ("new", "cur"):
        for path in (STATE / "mail" / folder).glob("*"):
            with contextlib.suppress(OSError):
                with path.open("rb") as handle:
                    message_id = (parser.parse(handle).get("Message-ID") or "").strip()
                counts[message_id] = counts.get(message_id, 0) + 1
    return counts


def gateway_keys(keys: list[str]) -> dict[str, int]:
    """Idempotency key -> messages the SMS gateway stored with it (its own SQLite, read only)."""
    if not keys:
        return {}
    with sqlite3.connect(f"file:{STATE / 'gateway.sqlite3'}?mode=ro", uri=True, timeout=10) as gateway:
        marks = ",".join("?" * len(keys))
        rows = gateway.execute(
            f"SELECT idempotency_key, count(*) FROM messages WHERE idempotency_key IN ({marks}) "  # noqa: S608
            "GROUP BY idempotency_key",
            keys,
        ).fetchall()
    return dict(rows)


def drill_outbox(user_ids: list[int], since: str) -> list[tuple]:
    """(id, channel, status, attempts, last_error) of the outbox messages to the drill's citizens since ``since``."""
    return query(
        """
        SELECT DISTINCT o.id::text, o.channel, o.status, o.attempts, o.last_error FROM notifications_outboxmessage o
        JOIN identity_user u ON o.recipient IN (u.email, u.phone)
        WHERE u.id = ANY(%s) AND o.created_at >= %s AND o.channel IN ('email', 'sms', 'whatsapp')
        """,
        (user_ids, since),
    )


def wait_outbox_drained(user_ids: list[int], since: str, timeout: float) -> float:
    """Until none of the drill's outbox messages is pending; returns how long it took (or ``timeout``)."""
    begun = time.monotonic()
    while time.monotonic() - begun < timeout:
        if not any(status == "pending" for _id, _ch, status, *_rest in drill_outbox(user_ids, since)):
            break
        time.sleep(2)
    return round(time.monotonic() - begun, 1)


def db_now() -> str:
    return query("SELECT now()::text")[0][0]


# --- one drill --------------------------------------------------------------------------------------------


@dataclass
class Result:
    drill: str
    fault: str = ""
    started_at: str = ""
    requests: int = 0  # HTTP requests of the load (every try)
    submissions: int = 0  # submit keys sent
    acknowledged: int = 0  # keys answered with the redirect to the new application
    in_database: int = 0  # acknowledged keys with an application
    duplicates: int = 0  # keys with more than one application
    lost: int = 0  # acknowledged keys without an application
    server_errors: int = 0  # 5xx answers
    other_failures: int = 0  # no answer, or a 4xx where success was expected
    slowest_s: float = 0.0
    recovery_s: float | None = None
    numbers: dict = field(default_factory=dict)
    must_hold: list = field(default_factory=list)
    samples: list = field(default_factory=list)  # failing requests, a few

    def check(self, what: str, held: bool, evidence: str = "") -> None:
        self.must_hold.append({"what": what, "held": bool(held), "evidence": evidence})
        say(f"    {'held    ' if held else 'NOT HELD'}  {what}{f' — {evidence}' if evidence else ''}")

    @property
    def held(self) -> bool:
        return all(item["held"] for item in self.must_hold)


def _show(attempt: Attempt) -> str:
    return f"{attempt.kind} {attempt.status or attempt.error}"


def ok_submit(attempt: Attempt) -> bool:
    return attempt.status == 302 and "/permohonan/" in attempt.location


def sample(result: Result, attempts: list[Attempt], limit: int = 3) -> None:
    for attempt in attempts[:limit]:
        result.samples.append(asdict(attempt))


def summarize(result: Result, load: Load, since: str) -> dict[str, int]:
    """The submission numbers every drill reports; returns submit_key -> applications found."""
    attempts = load.attempts
    result.requests = len(attempts)
    result.submissions = len(load.submitted)
    acked = {a.key for a in attempts if a.kind == "submit" and ok_submit(a)}
    found = application_counts(list(load.submitted))
    result.acknowledged = len(acked)
    result.in_database = sum(1 for key in acked if found.get(key, 0) >= 1)
    result.lost = len(acked) - result.in_database
    result.duplicates = sum(1 for count in found.values() if count > 1)
    result.server_errors = sum(1 for a in attempts if a.status >= 500)
    expected_ok = {"submit": (302,), "read": (200,), "upload": (302,), "signup": (302,)}
    result.other_failures = sum(
        1 for a in attempts if a.status == 0 or (a.status < 500 and a.status not in expected_ok[a.kind])
    )
    result.slowest_s = round(max((a.duration for a in attempts), default=0.0), 2)
    statuses: dict[str, int] = {}
    for a in attempts:
        name = f"{a.kind} {a.status or a.error.split(':')[0]}"
        statuses[name] = statuses.get(name, 0) + 1
    result.numbers["answers"] = dict(sorted(statuses.items()))
    result.numbers["found_not_acknowledged"] = sum(1 for key in found if key not in acked)
    result.check(
        "every submission answered 2xx is in the database exactly once",
        result.lost == 0 and not any(found.get(key, 0) > 1 for key in acked),
        f"{result.acknowledged} acknowledged, {result.in_database} found, {result.lost} lost, "
        f"{result.duplicates} keys with two or more applications",
    )
    result.check("no submit_key has two applications", result.duplicates == 0, f"{result.duplicates} such keys")
    return found


def notifications_once(result: Result, load: Load, since: str, settle: float = 30.0) -> None:
    """Every outbox message to the drill's citizens sent, and received exactly once by the sink or gateway."""
    users = sorted(set(load.submitted.values()))
    waited = wait_outbox_drained(users, since, settle)
    messages = drill_outbox(users, since)
    mail = mail_message_ids()
    ids_sms = [mid for mid, channel, *_rest in messages if channel != "email"]
    sms = gateway_keys(ids_sms)
    received = {}
    for mid, channel, *_rest in messages:
        received[mid] = mail.get(f"<{mid}@mpp-digital>", 0) if channel == "email" else sms.get(mid, 0)
    by_status: dict[str, int] = {}
    for _mid, _channel, status, *_rest in messages:
        by_status[status] = by_status.get(status, 0) + 1
    sent = [mid for mid, _channel, status, *_rest in messages if status == "sent"]
    missing = [mid for mid in sent if received[mid] == 0]
    twice = [mid for mid, count in received.items() if count > 1]
    unsent = [m for m in messages if m[2] != "sent"]
    result.numbers["outbox"] = {
        "messages": len(messages),
        "email": sum(1 for m in messages if m[1] == "email"),
        "sms": len(ids_sms),
        **by_status,
        "received_once": sum(1 for count in received.values() if count == 1),
        "received_twice_or_more": len(twice),
        "sent_but_not_received": len(missing),
        "drain_wait_s": waited,
    }
    result.check(
        "every notification delivered exactly once (SMTP sink and gateway count)",
        not missing and not twice and not unsent,
        f"{len(messages)} outbox messages: {by_status}; received once {result.numbers['outbox']['received_once']}, "
        f"twice or more {len(twice)} {twice[:3]}, sent but not received {len(missing)} {missing[:3]}; "
        f"not sent {[(m[0], m[2], m[3], m[4][:80]) for m in unsent[:3]]}",
    )


def tasks_once(result: Result, since: str) -> None:
    """Every task run by the workers since the drill began finished once: no task claimed by two workers,
    none left RUNNING, none FAILED, and each periodic task has one successor waiting (not two chains)."""
    rows = query(
        "SELECT id::text, task_path, status, jsonb_array_length(worker_ids), exception_class_path "
        "FROM django_tasks_database_dbtaskresult WHERE started_at >= %s OR enqueued_at >= %s",
        (since, since),
    )
    counts: dict[str, int] = {}
    for _id, _path, status, *_rest in rows:
        counts[status] = counts.get(status, 0) + 1
    twice = [(path, workers) for _id, path, _status, workers, _exc in rows if workers > 1]
    running = [path for _id, path, status, *_rest in rows if status == "RUNNING"]
    failed = [(path, exc) for _id, path, status, _workers, exc in rows if status == "FAILED"]
    chains = query(
        "SELECT task_path, count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY' "
        "GROUP BY task_path HAVING count(*) > 1"
    )
    result.numbers["tasks"] = {**counts, "claimed_by_two_workers": len(twice), "periodic_doubled": dict(chains)}
    result.check(
        "every task done exactly once",
        not twice and not running and not failed and not chains,
        f"{len(rows)} tasks {counts}; claimed twice {twice[:3]}; still RUNNING {running[:3]}; "
        f"FAILED {failed[:3]}; periodic tasks with two successors {dict(chains)}",
    )


def log_lines(name: str, pattern: str, since_bytes: int, limit: int = 3) -> list[str]:
    path = cluster.LOGS / f"{name}.log"
    with contextlib.suppress(OSError), path.open("rb") as handle:
        handle.seek(since_bytes)
        lines = [line.decode(errors="replace").strip() for line in handle if re.search(pattern, line.decode("latin-1"))]
        return [line[:400] for line in lines[:limit]] + ([f"… {len(lines)} in all"] if len(lines) > limit else [])
    return []


def log_sizes() -> dict[str, int]:
    return {path.stem: path.stat().st_size for path in cluster.LOGS.glob("*.log")}


class Drill(abc.ABC):
    """Run one fault under load: ``fault`` injects and repairs it (returning when repaired); ``extra`` names the
    load's other kinds; ``check`` adds the drill's own must-holds."""

    name = ""
    fault_text = ""
    extra: tuple[str, ...] = ()
    warmup = 5.0
    settle = 8.0

    def run(self) -> Result:
        say(f"==> {self.name}: {self.fault_text}")
        result = Result(self.name, self.fault_text, time.strftime("%Y-%m-%d %H:%M:%S"))
        ensure_cluster()
        self.logs = log_sizes()
        self.since = db_now()
        started = time.monotonic()
        load = Load(json.loads(SEED.read_text()), started)
        for _thread in range(SUBMITTERS):
            load.spawn(load.submitter)
        for kind in self.extra:
            load.spawn(getattr(load, kind))
        time.sleep(self.warmup)
        self.fault_at = load.now()
        try:
            self.fault(load, result)
        finally:
            self.repair()
        self.repaired_at = load.now()
        time.sleep(self.settle)
        load.stop()
        say(f"    load stopped after {load.now():.0f} s: {len(load.attempts)} requests; checking")
        result.numbers["fault_at_s"] = round(self.fault_at, 1)
        result.numbers["repaired_at_s"] = round(self.repaired_at, 1)
        summarize(result, load, self.since)
        self.check(load, result)
        failures = [a for a in load.attempts if a.status >= 500 or a.status == 0]
        sample(result, failures)
        return result

    @abc.abstractmethod
    def fault(self, load: Load, result: Result) -> None:
        """Inject the fault and wait out its time (``repair`` undoes it)."""

    @abc.abstractmethod
    def repair(self) -> None:
        """Undo the fault whatever happened (also after an exception)."""

    def check(self, load: Load, result: Result) -> None:
        notifications_once(result, load, self.since)

    def first_success_after(self, load: Load, moment: float, kind: str = "submit") -> float | None:
        """Seconds from ``moment`` to the first request of ``kind`` started after it that succeeded."""
        good = {"submit": ok_submit, "read": lambda a: a.status == 200, "signup": lambda a: a.status == 302}[kind]
        times = [a.at for a in load.attempts if a.kind == kind and a.at >= moment and good(a)]
        return round(min(times) - moment, 1) if times else None


class AppNode(Drill):
    name = "app-node"
    fault_text = "kill -9 node-1 (its whole process group) mid-load, restart it after 10 s"
    extra = ("reader",)

    def fault(self, load, result):
        inter, fall = 1.0, 2  # haproxy.cfg: check inter 1s fall 2
        cluster.stop_component("node-1", signal.SIGKILL)
        killed = load.now()
        down_at = None
        while load.now() - killed < 10:
            if down_at is None and cluster.nodes_up_at_lb().get("node-1", "").startswith("DOWN"):
                down_at = load.now()
            time.sleep(0.1)
        self.killed, self.down_at = killed, down_at
        detect = None if down_at is None else round(down_at - killed, 2)
        result.numbers["down_at_lb_after_s"] = detect
        limit = fall * inter + inter  # two failed checks one interval apart, plus the interval being waited out
        result.check(
            f"haproxy marks the dead node DOWN within its health checks ({limit:.0f} s: fall {fall} × inter "
            f"{inter:.0f} s + one interval)",
            detect is not None and detect <= limit,
            f"DOWN on the stats page {detect} s after the kill",
        )
        cluster.start_component("node-1")
        begun = load.now()
        while load.now() - begun < 20 and cluster.nodes_up_at_lb().get("node-1") != "UP":
            time.sleep(0.2)
        result.numbers["node_back_up_at_lb_after_restart_s"] = round(load.now() - begun, 1)
        result.recovery_s = round(load.now() - killed, 1)

    def repair(self):
        cluster.start_component("node-1")

    def check(self, load, result):
        after = [a for a in load.attempts if self.down_at is not None and a.at >= self.down_at]
        failed_after = [a for a in after if a.status == 0 or a.status >= 500]
        result.check(
            "no failed request and no 5xx after haproxy marked the node DOWN",
            self.down_at is not None and not failed_after,
            f"{len(failed_after)} of {len(after)} requests after DOWN failed"
            + (
                f"; first: {failed_after[0].status or failed_after[0].error} at {failed_after[0].at:.1f} s"
                if failed_after
                else ""
            ),
        )
        during = [a for a in load.attempts if self.killed <= a.at < (self.down_at or self.killed)]
        result.numbers["failed_between_kill_and_down"] = sum(1 for a in during if a.status == 0 or a.status >= 500)
        super().check(load, result)


class Worker(Drill):
    name = "worker"
    fault_text = "kill -9 worker-1 and the notifier mid-batch, restart them after 5 s"
    warmup = 6.0
    settle = 65.0  # the periodic tasks run every minute: at least one round after the restart

    def fault(self, load, result):
        pending = query("SELECT count(*) FROM notifications_outboxmessage WHERE status = 'pending'")[0][0]
        result.numbers["outbox_pending_at_kill"] = pending
        cluster.stop_component("worker-1", signal.SIGKILL)
        cluster.stop_component("notifier", signal.SIGKILL)
        self.killed = load.now()
        time.sleep(5)
        cluster.start_component("worker-1")
        cluster.start_component("notifier")

    def repair(self):
        cluster.start_component("worker-1")
        cluster.start_component("notifier")

    def check(self, load, result):
        # A notifier killed mid-send leaves its claim to expire (NOTIFIER_LEASE_SECONDS, 60 s): wait that out.
        notifications_once(result, load, self.since, settle=150.0)
        result.recovery_s = round(
            result.numbers["outbox"]["drain_wait_s"] + self.settle + (self.repaired_at - self.killed), 1
        )
        tasks_once(result, self.since)


class PrimaryRestart(Drill):
    name = "primary-restart"
    fault_text = "restart PostgreSQL's primary mid-load (fast shutdown, 5 s down, start)"
    extra = ("reader",)
    settle = 12.0

    def fault(self, load, result):
        cluster.stop_component("pg-primary")
        self.down = load.now()
        time.sleep(5)
        cluster.start_component("pg-primary")
        self.up = load.now()
        result.numbers["primary_down_s"] = round(self.up - self.down, 1)

    def repair(self):
        cluster.start_component("pg-primary")
        with contextlib.suppress(SystemExit):
            cluster.wait_streaming(60)

    def check(self, load, result):
        dead = [name for name in ("worker-1", "worker-2", "notifier") if not cluster.component_pids(name)]
        result.check(
            "the task workers and the notifier survive the restart",
            not dead,
            f"exited: {dead}; "
            + " | ".join(line for name in dead for line in log_lines(name, r"Error", self.logs.get(name, 0), 1)),
        )
        back = self.first_success_after(load, self.up)
        result.recovery_s = back
        nodes = {name: _readyz(name) for name in ("node-1", "node-2")}
        lb = cluster.nodes_up_at_lb()
        result.check(
            "the nodes reconnect by themselves",
            all(status == 200 for status in nodes.values())
            and all(s == "UP" for s in lb.values())
            and back is not None,
            f"/readyz after: {nodes}; haproxy {lb}; first acknowledged submission {back} s after the primary was up",
        )
        gap = [a for a in load.attempts if self.down - 1 <= a.at <= self.up + (back or 0)]
        bad = [a for a in gap if a.status >= 500 and not (a.status == 503 and a.retry_after)]
        no_answer = [a for a in gap if a.status == 0]
        five_hundred = [a for a in gap if a.status == 500]
        slow = [a for a in load.attempts if a.duration > SLOW]
        result.numbers["gap_requests"] = len(gap)
        result.numbers["gap_503_with_retry_after"] = sum(1 for a in gap if a.status == 503 and a.retry_after)
        result.check(
            "requests during the gap fail cleanly: 503 with Retry-After, never a 500 page",
            not bad and not no_answer,
            f"{len(gap)} requests in the gap: {result.numbers['gap_503_with_retry_after']} 503+Retry-After, "
            f"{len(five_hundred)} 500, {len(bad) - len(five_hundred)} other 5xx without Retry-After, "
            f"{len(no_answer)} without an answer"
            + (f"; e.g. {bad[0].kind} {bad[0].status}: {bad[0].excerpt[:160]!r}" if bad else ""),
        )
        result.check(
            f"no request hangs longer than {SLOW:.0f} s",
            not slow,
            f"{len(slow)} slower than {SLOW:.0f} s, slowest {result.slowest_s} s",
        )
        sample(result, bad or slow)
        result.numbers["node_log_errors"] = log_lines(
            "node-1", r"ERROR|Traceback|OperationalError", self.logs.get("node-1", 0)
        )
        super().check(load, result)


def _readyz(name: str) -> int:
    try:
        return httpx.get(f"http://127.0.0.1:{cluster.PORTS[name]}/readyz", timeout=5).status_code
    except httpx.HTTPError:
        return 0


class Replica(Drill):
    name = "replica"
    fault_text = "stop the streaming replica for 15 s, then start it"
    extra = ("reader",)

    def fault(self, load, result):
        cluster.stop_component("pg-replica")
        self.down = load.now()
        time.sleep(15)
        cluster.start_component("pg-replica")
        cluster.wait_streaming(60)
        self.up = load.now()
        result.recovery_s = round(self.up - self.down, 1)

    def repair(self):
        cluster.start_component("pg-replica")

    def check(self, load, result):
        reads = [a for a in load.attempts if a.kind == "read" and self.down <= a.at <= self.up + 2]
        bad = [a for a in reads if a.status != 200]
        result.numbers["reads_during"] = len(reads)
        result.check(
            "reads fall back to the primary: every public page 200 while the replica is down",
            reads and not bad,
            f"{len(reads) - len(bad)} of {len(reads)} public page loads 200"
            + (f"; e.g. {bad[0].key} {bad[0].status or bad[0].error}: {bad[0].excerpt[:160]!r}" if bad else ""),
        )
        slow = [a for a in reads if a.duration > SLOW]
        result.check(f"no page takes longer than {SLOW:.0f} s", not slow, f"slowest {result.slowest_s} s")
        sample(result, bad)
        super().check(load, result)


class Registry(Drill):
    name = "registry"
    fault_text = "the Dukcapil simulator stops answering (timeout_rate 1: every call hangs) for 45 s, then returns"
    extra = ("signer_up",)
    settle = 45.0  # the breaker stays open 30 s after the last failure

    def faults(self, body: dict | None) -> None:
        headers = {"X-Sim-Admin": cluster.ADMIN_TOKEN}
        if body is None:
            httpx.delete(f"{DUKCAPIL}/_sim/faults", headers=headers, timeout=10).raise_for_status()
        else:
            httpx.post(f"{DUKCAPIL}/_sim/faults", json=body, headers=headers, timeout=10).raise_for_status()

    def fault(self, load, result):
        self.calls_before = _dukcapil_calls()
        self.faults({"timeout_rate": 1.0})
        self.down = load.now()
        time.sleep(45)
        self.faults(None)
        self.up = load.now()

    def repair(self):
        self.faults(None)

    def check(self, load, result):
        signups = [a for a in load.attempts if a.kind == "signup"]
        # One second of grace: a sign-up already on its way when the fault was switched on may still pass.
        during = [a for a in signups if self.down + 1 <= a.at < self.up]
        errors = [a for a in signups if a.status >= 500 or a.status == 0]
        unclear = [a for a in during if a.status == 400 and not a.registry_down]
        result.numbers["signups"] = len(signups)
        result.numbers["signup_durations_during_fault_s"] = [round(a.duration, 1) for a in during]
        result.check(
            "sign-ups while the registry is down get a clear message, not a 500",
            during and not errors and not unclear and all(a.status == 400 for a in during),
            f"{len(during)} sign-ups during the fault: {sorted({a.status for a in during})}; "
            f"{sum(1 for a in during if a.registry_down)} with the registry-down message; "
            f"{len(errors)} 5xx/no answer"
            + (f"; e.g. {errors[0].status or errors[0].error}: {errors[0].excerpt[:160]!r}" if errors else ""),
        )
        # Open: after the failures, a sign-up is refused at once, without calling the registry (a few calls
        # only reach the simulator, not one per sign-up and retry).
        fast = [a for a in during if a.duration < 1.0]
        calls = _dukcapil_calls() - self.calls_before
        tries = len(during) * 3  # reads retried three times; verify once or more
        result.numbers["registry_calls_during_fault"] = calls
        result.check(
            "the breaker opens (sign-ups refused at once, the registry no longer called)",
            bool(fast) and calls < tries,
            f"{len(fast)} of {len(during)} refused in under 1 s; the simulator logged {calls} calls",
        )
        back = self.first_success_after(load, self.up, "signup")
        result.recovery_s = back
        result.check(
            "the breaker closes: sign-ups succeed again after the registry returns",
            back is not None,
            f"first successful sign-up {back} s after the registry answered again (breaker reset 30 s)",
        )
        # Nothing half-created: every account of a sign-up has the registry's check recorded as a match; no
        # account for a sign-up that was refused.
        niks = [a.key for a in signups]
        created = dict(
            query("SELECT nik, id FROM identity_user WHERE nik = ANY(%s) AND date_joined >= %s", (niks, self.since))
        )
        checked = {
            nik
            for (nik,) in query(
                "SELECT DISTINCT subject_nik FROM audit_dataaccess WHERE subject_nik = ANY(%s) "
                "AND kind = 'registry_verify' AND outcome = 'cocok'",
                (list(created),),
            )
        }
        succeeded = {a.key for a in signups if a.status == 302}
        orphans = [nik for nik in created if nik not in checked]
        refused_but_created = [nik for nik in created if nik not in succeeded]
        result.numbers["accounts_created"] = len(created)
        result.check(
            "nothing half-created: no account without its registry check, none for a refused sign-up",
            not orphans and not refused_but_created,
            f"{len(created)} accounts for {len(succeeded)} successful sign-ups; without a matching registry check "
            f"{orphans[:3]}; created though refused {refused_but_created[:3]}",
        )
        result.numbers["node_log_registry_lines"] = log_lines(
            "node-1", r"dukcapil unavailable|circuit", self.logs.get("node-1", 0)
        )
        sample(result, errors or unclear)
        super().check(load, result)


def _dukcapil_calls() -> int:
    with sqlite3.connect(f"file:{STATE / 'dukcapil.sqlite3'}?mode=ro", uri=True, timeout=10) as registry:
        return registry.execute("SELECT count(*) FROM access_log").fetchone()[0]


class DiskFull(Drill):
    name = "disk-full"
    fault_text = "the upload directory is full (a full 1 MB tmpfs over var/cluster/media) for 15 s"
    extra = ("uploader",)

    def fault(self, load, result):
        media = cluster.MEDIA
        self.mounted = False
        self.before = {p.relative_to(media) for p in media.rglob("*") if p.is_file()}
        size = sum((media / p).stat().st_size for p in self.before)
        mb = max(1, (size * 2) // (1 << 20) + 1)
        run("mount", "-t", "tmpfs", "-o", f"size={mb}m,mode=0755", "tmpfs", str(media), check=True)
        self.mounted = True
        hidden = Path(tempfile.mkdtemp(prefix="drill-media-"))
        # The files stay readable: copy them in (from a second view of the directory under the mount), then fill.
        run("mount", "--bind", str(media.parent), str(hidden), check=True)
        try:
            shutil.copytree(hidden / media.name, media, dirs_exist_ok=True)
        finally:
            run("umount", str(hidden), check=True)
            hidden.rmdir()
        with contextlib.suppress(OSError), open(media / ".drill-filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 65536)
        result.numbers["tmpfs_mb"] = mb
        self.down = load.now()
        time.sleep(15)
        self.up = load.now()

    def repair(self):
        media = cluster.MEDIA
        if not getattr(self, "mounted", False):
            return
        # What was written meanwhile (if anything) goes back onto the real directory.
        staging = Path(tempfile.mkdtemp(prefix="drill-media-new-"))
        for path in media.rglob("*"):
            relative = path.relative_to(media)
            if path.is_file() and relative not in self.before and path.name != ".drill-filler":
                (staging / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, staging / relative)
        run("umount", str(media), check=True)
        self.mounted = False
        shutil.copytree(staging, media, dirs_exist_ok=True)
        shutil.rmtree(staging)

    def check(self, load, result):
        uploads = [a for a in load.attempts if a.kind == "upload"]
        during = [a for a in uploads if self.down <= a.at < self.up]
        bad = [a for a in during if a.status >= 500 or a.status == 0 or a.status == 302]
        result.numbers["uploads_during_fault"] = len(during)
        result.check(
            "the citizen gets a clear error while storage is full (not a 500, not a false success)",
            during and not bad,
            f"{len(during)} uploads during the fault: answers {sorted({a.status for a in during})}"
            + (f"; e.g. {bad[0].status or bad[0].error}: {bad[0].excerpt[:200]!r}" if bad else ""),
        )
        missing = missing_files()
        result.numbers["upload_rows_without_file"] = len(missing)
        result.check(
            "no application or document row points at a missing file",
            not missing,
            f"{len(missing)} applications_upload rows whose file is not on disk, e.g. {missing[:3]}",
        )
        titles = [f"drill {a.key}" for a in during]
        half = query(
            "SELECT d.id::text FROM documents_vaultdocument d WHERE d.title = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM documents_vaultversion v WHERE v.document_id = d.id)",
            (titles,),
        )
        result.check(
            "no vault document left without its version (nothing half-created)",
            not half,
            f"{len(half)} vault documents of failed uploads without a version",
        )
        sample(result, bad)
        result.numbers["node_log_errors"] = log_lines(
            "node-1", r"OSError|No space|Errno 28", self.logs.get("node-1", 0)
        )
        super().check(load, result)


def missing_files() -> list[str]:
    rows = query("SELECT id::text, file FROM applications_upload")
    return [f"{pk} {name}" for pk, name in rows if not (cluster.MEDIA / name).is_file()]


DRILLS = {drill.name: drill for drill in (AppNode, Worker, PrimaryRestart, Replica, Registry, DiskFull)}


# --- the cluster and the report ---------------------------------------------------------------------------


def ensure_cluster() -> None:
    """Start the cluster when something of it is down (a drill leaves it whole; this is for the first one)."""
    if all(cluster.is_up(spec.name) for spec in cluster.components()):
        return
    say("==> the cluster is not (all) up: starting it")
    run(cluster.PYTHON, str(ROOT / "deploy" / "cluster" / "cluster.py"), "start", check=True)


def ensure_seed() -> None:
    if SEED.exists():
        seed = json.loads(SEED.read_text())
        sessions = [citizen["session"] for citizen in seed["citizens"][:5]]
        registered = {nik for (nik,) in query("SELECT nik FROM identity_user WHERE nik LIKE '6472%%'")}
        left = [person for person in seed["signups"] if person["nik"] not in registered]
        valid = len(query("SELECT 1 FROM django_session WHERE session_key = ANY(%s)", (sessions,))) == len(sessions)
        if valid and len(left) >= MIN_SIGNUPS_LEFT:  # earlier runs signed some up: fresh persons when few are left
            return
    say("==> seeding the drills' citizens and sessions (deploy/drills/seed.py)")
    command = [cluster.PYTHON, str(Path(__file__).with_name("seed.py")), str(SEED)]
    done = subprocess.run(command, env=cluster.django_env(), cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"seeding failed:\n{done.stderr[-3000:]}")


COLUMNS = [
    ("drill", "drill"),
    ("requests", "requests"),
    ("submissions", "sent"),
    ("acknowledged", "2xx"),
    ("in_database", "in db"),
    ("duplicates", "dup"),
    ("lost", "lost"),
    ("server_errors", "5xx"),
    ("other_failures", "other"),
    ("slowest_s", "slowest s"),
    ("recovery_s", "recovery s"),
]


def table(results: list[dict]) -> str:
    """A Markdown table: the numbers and, per drill, its must-holds held / not held."""
    head = [title for _key, title in COLUMNS] + ["must hold"]
    rows = []
    for result in results:
        held = sum(item["held"] for item in result["must_hold"])
        verdict = f"{held}/{len(result['must_hold'])} held"
        rows.append(["–" if result[key] is None else str(result[key]) for key, _title in COLUMNS] + [verdict])
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drills", nargs="*", metavar="drill", help=f"any of {', '.join(DRILLS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.drills if name not in DRILLS]
    if unknown:
        parser.error(f"unknown drill(s) {unknown}; known: {', '.join(DRILLS)}")
    if os.geteuid() != 0 and (not args.drills or "disk-full" in args.drills):
        say("note: disk-full mounts a tmpfs and needs root")
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_cluster()
    ensure_seed()
    results = []
    for name in args.drills or list(DRILLS):
        result = DRILLS[name]().run()
        results.append(asdict(result))
    report = {"run_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "results": results}
    path = OUT / f"drills-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=1))
    (OUT / "last.json").write_text(json.dumps(report, indent=1))
    say("")
    say(table(results))
    say("")
    for result in results:
        for item in result["must_hold"]:
            if not item["held"]:
                say(f"NOT HELD [{result['drill']}] {item['what']}: {item['evidence']}")
    say(f"\nresults: {path.relative_to(ROOT)}")
    return 0 if all(item["held"] for result in results for item in result["must_hold"]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
