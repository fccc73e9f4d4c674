"""The queue scenarios (issue #15, ``mpp.queueing``): the physical MPP's kiosk, its counters, its display board and
booking a slot, each beside the ceiling (``GET /healthz``) measured on the same granian server at the same
connections in the same run.

Data comes from queue_seed.py (Kota Samarinda's MPP: 20 more Disdukcapil counters and their officers, 200,000
tickets waiting in Disdukcapil's line today, 10,000 bookings held over the next 14 days; Kota Surakarta's MPP with
a morning's line for the board), then one granian server with the benchmark's settings, the client address read
from X-Forwarded-For (as behind the load balancer, so the kiosk's per-address limit sees many kiosks) and the
shared Redis cache (SERVER_ENV) serves:

- ``queue_ticket``: a walk-in takes a number at Samarinda's kiosk (queue_ticket.lua), the agencies in turn, each
  request from another address; every answered POST must have made a ticket, and every agency's numbers of the
  day must run 1 … n without a gap, ``DayNumber.last`` = n;
- ``queue_booking``: a signed-in citizen books a slot (queue_booking.lua), each fresh citizen twice at most (the
  policy's limit), with 10,000 bookings already held; every answered POST must have made a booking, no slot may
  hold more than its capacity, and every slot's count must equal its bookings;
- ``queue_call_next``: 20 officers, each at their own counter (101–120), press "finish and call the next"
  (queue_call.lua, one wrk thread per officer); no ticket may be called twice, every ticket out of the line must
  have been called once, and every answered press must have called one;
- ``queue_display``: 500 of the board's clients poll Surakarta's ``layar.json`` once a second with the ETag they
  last saw (queue_display.lua, one wrk thread per client), while a probe in this process (``Probe``) calls the
  next visitor at a counter every 2 s through the console and reads the board every 50 ms until the call shows:
  the worst a client can see is the probe's slowest propagation + the poll interval + the poll's p99.

Each scenario is checked with one request of its own before the load. The board is one cache entry per MPP that
every worker must see dropped when the line changes, so the server uses Redis as production does with more than
one worker (``REDIS_URL``, decision 0013; BENCH_REDIS_URL: a database of the bench's own, emptied first), which
also makes the rate limits count across both workers. BENCH_QUEUE_WAITING seeds a shorter (or longer) line for
the officers.
"""

import dataclasses
import functools
import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import applications
import identity
import loadtest
import prerequisites
import psycopg
import servers
from complaints_bench import cpu_ms, table_rows
from scenarios import (
    MAX_QUEUE_BOOKING_P99_MS,
    MAX_QUEUE_CALL_P99_MS,
    MAX_QUEUE_DISPLAY_S,
    MAX_QUEUE_TICKET_P99_MS,
    QUEUE_BOOKING_CONNECTIONS,
    QUEUE_BOOKING_HOLDERS,
    QUEUE_BOOKINGS_HELD,
    QUEUE_CALL_CONNECTIONS,
    QUEUE_DISPLAY_CLIENTS,
    QUEUE_DISPLAY_POLL_MS,
    QUEUE_PROBE_CALL_S,
    QUEUE_PROBE_POLL_MS,
    QUEUE_TICKET_CONNECTIONS,
    QUEUE_WAITING,
)

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
WAITING = int(os.environ.get("BENCH_QUEUE_WAITING", str(QUEUE_WAITING)))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
#: Fresh citizens are made for this many bookings a second (two each), well above what 2 cores book.
BOOKINGS_PER_S = 400
SERVER_ENV = {"RATELIMIT_IP_META_KEY": "HTTP_X_FORWARDED_FOR", "REDIS_URL": REDIS_URL}
# The kiosk's per-address limit counts the address from X-Forwarded-For, where queue_ticket.lua puts another one
# on each request: <block>.<x>.<y>, one block for the warm-up, one for the measured run, one for the check.
WARM_UP_BLOCK, MEASURED_BLOCK, CHECK_ADDRESS = "10.30", "10.31", "10.32.0.1"
#: Open files: wrk and granian each hold a socket per client (and wrk an event loop per thread), 500 of each.
OPEN_FILES = 4096
#: wrk waits this long for a call (instead of 5 s): a press answered late is measured, not counted as an error.
CALL_TIMEOUT_S = 30
#: How long the probe waits for a call to show on the board before it counts the call as never shown.
PROBE_GIVE_UP_S = 10.0
TICKET_PAGE = re.compile(r"^/antrean/tiket/([0-9a-f-]{36})/\?kios=1$")
BOOKING_PAGE = re.compile(r"^/antrean/pesanan/([0-9a-f-]{36})/$")

Scenario = applications.Scenario
TICKET = Scenario(
    "queue_ticket",
    "POST",
    "/antrean/<mpp>/kios/",
    f"p99 < {MAX_QUEUE_TICKET_P99_MS:.0f} ms at {QUEUE_TICKET_CONNECTIONS} connections",
    note=" a walk-in's number, six agencies in turn, no service chosen; another client address per request",
    unit="tickets/s",
    connections=QUEUE_TICKET_CONNECTIONS,
)
BOOKING = Scenario(
    "queue_booking",
    "POST",
    "/antrean/<mpp>/pesan/",
    f"p99 < {MAX_QUEUE_BOOKING_P99_MS:.0f} ms at {QUEUE_BOOKING_CONNECTIONS} connections",
    note=" a slot of the next 14 days, another signed-in citizen per request",
    unit="bookings/s",
    connections=QUEUE_BOOKING_CONNECTIONS,
)
CALL = Scenario(
    "queue_call_next",
    "POST",
    "/loket/antrean/<counter>/selesai-panggil/",
    f"p99 < {MAX_QUEUE_CALL_P99_MS:.0f} ms, {QUEUE_CALL_CONNECTIONS} officers at once",
    note=" finish and call the next, each officer at their own counter",
    unit="calls/s",
    connections=QUEUE_CALL_CONNECTIONS,
)
DISPLAY = Scenario(
    "queue_display",
    "GET",
    "/antrean/<mpp>/layar.json",
    f"a call on every client within {MAX_QUEUE_DISPLAY_S:.0f} s, {QUEUE_DISPLAY_CLIENTS} clients",
    note=f" each client once a second after its last answer, If-None-Match; a call every {QUEUE_PROBE_CALL_S:.0f} s",
    unit="polls/s",
    connections=QUEUE_DISPLAY_CLIENTS,
)
CEILING = Scenario(
    "queue_ceiling", "GET", "/healthz", "—", note=" on this server", connections=QUEUE_TICKET_CONNECTIONS
)
CEILING_CALL = Scenario(
    "queue_ceiling_20", "GET", "/healthz", "—", note=" on this server", connections=QUEUE_CALL_CONNECTIONS
)
CEILING_DISPLAY = Scenario(
    "queue_ceiling_paced",
    "GET",
    "/healthz",
    "—",
    note=" on this server, paced as the board's clients",
    connections=QUEUE_DISPLAY_CLIENTS,
)


def say(message: str) -> None:
    print(message, flush=True)


def seed(env: dict, var_dir: Path, seconds: int) -> dict:
    """queue_seed.py's JSON: the scenarios' data and files, a call's queries in-process, the seeding's times."""
    citizens = math.ceil(BOOKINGS_PER_S * seconds / 2)
    warm_up_citizens = math.ceil(BOOKINGS_PER_S * loadtest.WARM_UP_S / 2)
    command = [sys.executable, str(BENCH_DIR / "queue_seed.py"), str(var_dir / "queue")]
    command += ["--waiting", str(WAITING), "--bookings", str(QUEUE_BOOKINGS_HELD)]
    command += ["--holders", str(QUEUE_BOOKING_HOLDERS), "--citizens", str(citizens)]
    command += ["--warm-up-citizens", str(warm_up_citizens)]
    say(
        f"==> queue data: {WAITING:,} tickets waiting, 20 officers, {QUEUE_BOOKINGS_HELD:,} bookings held, "
        f"{citizens + warm_up_citizens:,} citizens to book"
    )
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"queue_seed.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    for line in result.stderr.strip().splitlines():
        say(line)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _form(csrf: tuple[str, str], session: str = "", **fields) -> tuple[dict, str]:
    cookie = f"csrftoken={csrf[0]}" + (f"; sessionid={session}" if session else "")
    body = "&".join([f"csrfmiddlewaretoken={csrf[1]}", *(f"{name}={value}" for name, value in fields.items())])
    return {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}, body


def _settled(database_url: str, statement: str, params: list) -> int:
    """``statement``'s count once it stops moving: requests still in flight when wrk stops are finished by the
    server a moment later."""
    last = -1
    with psycopg.connect(database_url, connect_timeout=5, autocommit=True) as connection:
        while True:
            (count,) = connection.execute(statement, params).fetchone()
            if count == last:
                return count
            last = count
            time.sleep(1.0)


def _answered(row: dict, status: int) -> int:
    """Answers with ``status`` in the warm-up and the measured run together (statuses.lua's counts)."""
    return row["statuses"].get(str(status), 0) + row["warm_up_statuses"].get(str(status), 0)


def _short(made: int, answered: int, what: str) -> str | None:
    """Why ``made`` writes fall short of the ``answered`` POSTs (more is fine: requests in flight when wrk stops,
    or that it gave up on, are finished by the server unanswered)."""
    return f"{made:,} {what} for {answered:,} answered POSTs" if made < answered else None


# --- queue_ticket ----------------------------------------------------------------------------------------------


def _check_ticket(port: int, database_url: str, data: dict, csrf: tuple[str, str]) -> str | None:
    agency = data["kiosk_agencies"]["check"]
    headers, body = _form(csrf, agency=agency, service="", priority="")
    path = f"/antrean/{data['mpp']}/kios/"
    response = servers.request(port, "POST", path, headers=headers | {"X-Forwarded-For": CHECK_ADDRESS}, body=body)
    location = response.headers.get("Location", "")
    page = TICKET_PAGE.match(location)
    if response.status != 303 or not page:
        return f"kiosk answered {response.status} (Location {location!r}), not 303 to the ticket's page"
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        found = connection.execute(
            """
            SELECT t.agency_id::text, t.status, t.number = d.last,
                   (SELECT count(*) FROM queueing_ticketevent e WHERE e.ticket_id = t.id AND e.kind = 'issued')
            FROM queueing_ticket t
            JOIN queueing_daynumber d ON d.mpp_id = t.mpp_id AND d.agency_id = t.agency_id AND d.day = t.day
            WHERE t.id = %s
            """,
            [page.group(1)],
        ).fetchone()
    if found != (agency, "waiting", True, 1):
        return f"ticket {page.group(1)}: (agency, status, number is the day's last, issued events) {found}"
    ticket = servers.request(port, "GET", location)
    if ticket.status != 200:
        return f"GET {location} answered {ticket.status}"
    return None


def _numbering(database_url: str, mpp: str) -> list[str]:
    """Each agency's numbers of a day that do not run 1 … n without a gap, or whose DayNumber is not n."""
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        rows = connection.execute(
            """
            SELECT t.agency_id::text, t.day, count(*), count(DISTINCT t.number), min(t.number), max(t.number),
                   d.last
            FROM queueing_ticket t
            LEFT JOIN queueing_daynumber d ON d.mpp_id = t.mpp_id AND d.agency_id = t.agency_id AND d.day = t.day
            WHERE t.mpp_id = %s GROUP BY t.agency_id, t.day, d.last
            """,
            [mpp],
        ).fetchall()
    return [
        f"agency {agency} on {day}: {count} tickets, {distinct} numbers {low}–{high}, DayNumber {last}"
        for agency, day, count, distinct, low, high, last in rows
        if not count == distinct == high == last or low != 1
    ]


def _issued(database_url: str, data: dict) -> int:
    agencies = [*data["kiosk_agencies"]["warm_up"], *data["kiosk_agencies"]["measured"]]
    return _settled(
        database_url,
        "SELECT count(*) FROM queueing_ticket WHERE mpp_id = %s AND agency_id = ANY(%s::uuid[])",
        [data["mpp"], agencies],
    )


# --- queue_booking ---------------------------------------------------------------------------------------------


def _check_booking(port: int, database_url: str, data: dict, csrf: tuple[str, str]) -> str | None:
    check = data["check"]
    headers, body = _form(
        csrf, check["citizen_session"], layanan=check["service"], hari=check["day"], mulai=check["time"]
    )
    response = servers.request(port, "POST", f"/antrean/{data['mpp']}/pesan/", headers=headers, body=body)
    location = response.headers.get("Location", "")
    page = BOOKING_PAGE.match(location)
    if response.status != 302 or not page:
        return f"booking answered {response.status} (Location {location!r}), not 302 to the booking"
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        found = connection.execute(
            """
            SELECT b.citizen_id, b.service_id::text, b.status, b.starts_at = %s::timestamptz,
                   (SELECT s.booked FROM queueing_slotcount s WHERE s.mpp_id = b.mpp_id AND s.service_id = b.service_id
                       AND s.starts_at = b.starts_at)
                   = (SELECT count(*) FROM queueing_booking o WHERE o.mpp_id = b.mpp_id
                       AND o.service_id = b.service_id AND o.starts_at = b.starts_at AND o.status = 'booked')
            FROM queueing_booking b WHERE b.id = %s
            """,
            [check["starts_at"], page.group(1)],
        ).fetchone()
    expected = (check["citizen_id"], check["service"], "booked", True, True)
    if found != expected:
        return f"booking {page.group(1)}: (citizen, service, status, slot, slot count agrees) {found}"
    return None


def _booked(database_url: str, data: dict) -> int:
    """Bookings of the fresh citizens of the warm-up and the measured run (not the check's)."""
    first, last = data["booking"]["citizen_ids"]
    return _settled(
        database_url, "SELECT count(*) FROM queueing_booking WHERE citizen_id BETWEEN %s AND %s", [first, last]
    )


def _slot_problems(database_url: str, mpp: str) -> list[str]:
    """Slots above their capacity, and slots whose count differs from their bookings."""
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        (over,) = connection.execute(
            """
            SELECT count(*) FROM queueing_slotcount s
            JOIN queueing_capacity c ON c.mpp_id = s.mpp_id AND c.service_id = s.service_id
            WHERE s.mpp_id = %s AND s.booked > c.per_slot
            """,
            [mpp],
        ).fetchone()
        (differ,) = connection.execute(
            """
            SELECT count(*) FROM queueing_slotcount s
            FULL JOIN (SELECT mpp_id, service_id, starts_at, count(*) AS n FROM queueing_booking
                       WHERE mpp_id = %s AND status = 'booked' GROUP BY mpp_id, service_id, starts_at) b
              ON b.mpp_id = s.mpp_id AND b.service_id = s.service_id AND b.starts_at = s.starts_at
            WHERE (s.mpp_id = %s OR b.mpp_id = %s) AND coalesce(s.booked, 0) <> coalesce(b.n, 0)
            """,
            [mpp, mpp, mpp],
        ).fetchone()
    problems = [f"{over} slots above their capacity"] if over else []
    return problems + ([f"{differ} slots whose count differs from their bookings"] if differ else [])


# --- queue_call_next ------------------------------------------------------------------------------------------


def _open_ticket(connection, counter: int) -> tuple[str, int] | None:
    """The label of the ticket called to ``counter`` and not finished, and how often it was called."""
    return connection.execute(
        """
        SELECT t.letter || '-' || lpad(t.number::text, 3, '0'),
               (SELECT count(*) FROM queueing_ticketevent e WHERE e.ticket_id = t.id AND e.kind = 'called')
        FROM queueing_ticket t WHERE t.counter_id = %s AND t.status = 'called'
        ORDER BY t.last_called_at DESC LIMIT 1
        """,
        [counter],
    ).fetchone()


def _check_call(port: int, database_url: str, data: dict, csrf: tuple[str, str]) -> str | None:
    check = data["check"]
    counter = check["officer_counter"]
    headers, body = _form(csrf, check["officer_session"])
    response = servers.request(port, "POST", f"/loket/antrean/{counter}/selesai-panggil/", headers=headers, body=body)
    location = response.headers.get("Location", "")
    if response.status != 302 or location != f"/loket/antrean/{counter}/":
        return f"the console answered {response.status} (Location {location!r}), not 302 to the console"
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        called = _open_ticket(connection, counter)
    if called is None or called[1] != 1:
        return f"counter {counter} has no ticket called once after the press: {called}"
    return None


def _calls(database_url: str, counters: list[int]) -> int:
    return _settled(
        database_url,
        "SELECT count(*) FROM queueing_ticketevent WHERE kind = 'called' AND counter_id = ANY(%s)",
        [counters],
    )


def _call_problems(database_url: str, data: dict) -> list[str]:
    """Tickets called twice; tickets out of the line that were not called once; counters with two visitors."""
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        twice, events, out_of_line, crowded, today = connection.execute(
            """
            WITH line AS (SELECT id, status FROM queueing_ticket
                          WHERE mpp_id = %(mpp)s AND agency_id = %(agency)s),
                 calls AS (SELECT e.ticket_id, count(*) AS n FROM queueing_ticketevent e
                           JOIN line ON line.id = e.ticket_id WHERE e.kind = 'called' GROUP BY e.ticket_id)
            SELECT (SELECT count(*) FROM calls WHERE n > 1), (SELECT coalesce(sum(n), 0) FROM calls),
                   (SELECT count(*) FROM line WHERE status <> 'waiting'),
                   (SELECT count(*) FROM (SELECT counter_id FROM queueing_ticket WHERE counter_id = ANY(%(counters)s)
                       AND status IN ('called', 'serving') GROUP BY counter_id HAVING count(*) > 1) c),
                   (now() AT TIME ZONE %(zone)s)::date::text
            """,
            {"mpp": data["mpp"], "agency": data["dukcapil"], "counters": data["counters"], "zone": data["zone"]},
        ).fetchone()
    problems = [f"{twice} tickets called twice"] if twice else []
    if events != out_of_line:
        problems.append(f"{events} calls for {out_of_line} tickets out of the line")
    if crowded:
        problems.append(f"{crowded} counters with two open tickets")
    if today != data["day"]:
        problems.append(f"the MPP's day changed during the run ({data['day']} → {today}): its line was yesterday's")
    return problems


def _cold_board(port: int, mpp: str) -> dict:
    """Samarinda's board read once after the officers' calls dropped it: the rebuild with its long line, and the
    size of the snapshot every later poll reads from the cache (a 304 too)."""
    started = time.perf_counter()
    status, _body = servers.get(port, f"/antrean/{mpp}/layar.json", timeout=60)
    cold_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    servers.get(port, f"/antrean/{mpp}/layar.json")
    return {"status": status, "cold_ms": round(cold_ms, 1), "warm_ms": round((time.perf_counter() - started) * 1000, 1)}


def _snapshot_bytes(mpp: str) -> int:
    """The size of the MPP's board snapshot in the cache (Django's Redis cache stores it pickled)."""
    import redis  # installed by prerequisites.ensure_redis

    return redis.Redis.from_url(REDIS_URL).strlen(f":1:queueing:board:{mpp}")


# --- queue_display ---------------------------------------------------------------------------------------------


def _check_display(port: int, display: dict) -> str | None:
    path = f"/antrean/{display['mpp']}/layar.json"
    response = servers.request(port, "GET", path)
    etag = response.headers.get("ETag", "")
    if response.status != 200 or not etag:
        return f"GET {path} answered {response.status} (ETag {etag!r})"
    board = json.loads(response.body)
    if {"current", "recent", "lines", "announcement"} - set(board) or not board["lines"]:
        return f"GET {path}: a board without its lines: {sorted(board)}"
    again = servers.request(port, "GET", path, headers={"If-None-Match": etag})
    if again.status != 304:
        return f"GET {path} with If-None-Match {etag} answered {again.status}, not 304"
    return None


class Probe(threading.Thread):
    """Every QUEUE_PROBE_CALL_S: an officer presses "finish and call the next" at the display MPP's counter (HTTP,
    the officer's session), then the board is read every QUEUE_PROBE_POLL_MS until it shows that call at that
    counter; the time from sending the press to the answer that showed it is the call's propagation."""

    def __init__(self, port: int, database_url: str, display: dict, csrf: tuple[str, str]):
        super().__init__(daemon=True)
        self.port, self.database_url, self.display = port, database_url, display
        self.press = _form(csrf, display["probe_session"])
        self.propagation_ms: list[float] = []
        self.problems: list[str] = []
        self._finished = threading.Event()
        self._etag = ""

    def run(self):
        with psycopg.connect(self.database_url, connect_timeout=5, autocommit=True) as connection:
            started = time.monotonic()
            calls = 0
            while not self._finished.wait(max(started + calls * QUEUE_PROBE_CALL_S - time.monotonic(), 0)):
                calls += 1
                self._call(connection)

    def _call(self, connection) -> None:
        counter = self.display["probe_counter"]
        headers, body = self.press
        sent = time.monotonic()
        response = servers.request(
            self.port, "POST", f"/loket/antrean/{counter}/selesai-panggil/", headers=headers, body=body
        )
        called = _open_ticket(connection, counter)
        if response.status != 302 or called is None:
            self.problems.append(f"the probe's press answered {response.status}, called {called}")
            return
        expected = {"ticket": called[0], "counter": self.display["probe_counter_number"]}
        while time.monotonic() - sent < PROBE_GIVE_UP_S:
            polled = time.monotonic()
            if self._shows(expected):
                self.propagation_ms.append((time.monotonic() - sent) * 1000)
                return
            time.sleep(max(polled + QUEUE_PROBE_POLL_MS / 1000 - time.monotonic(), 0))
        self.problems.append(f"{called[0]} not on the board after {PROBE_GIVE_UP_S:.0f} s")

    def _shows(self, expected: dict) -> bool:
        path = f"/antrean/{self.display['mpp']}/layar.json"
        response = servers.request(self.port, "GET", path, headers={"If-None-Match": self._etag} if self._etag else {})
        if response.status == 304:
            return False
        if response.status != 200:
            self.problems.append(f"the probe's poll answered {response.status}")
            return False
        self._etag = response.headers.get("ETag", "")
        board = json.loads(response.body)
        return any(
            call["ticket"] == expected["ticket"] and call["counter"] == expected["counter"] for call in board["current"]
        )

    def stop(self) -> dict:
        self._finished.set()
        self.join()
        found = sorted(self.propagation_ms)
        # The nearest-rank percentile: with a call every 2 s, the p99 of a run is its slowest call or close to it.
        p99 = found[math.ceil(0.99 * len(found)) - 1] if found else None
        return {
            "calls": len(found),
            "propagation_p50_ms": round(statistics.median(found), 1) if found else None,
            "propagation_p99_ms": round(p99, 1) if found else None,
            "propagation_max_ms": round(found[-1], 1) if found else None,
            "problems": self.problems,
        }


def _display_outcome(row: dict, probe: dict) -> dict:
    """The display row's own figures: 304 share, CPU per poll, and the worst delay a client can see."""
    polls = sum(row["statuses"].values())
    worst = (probe["propagation_max_ms"] or 0.0) + QUEUE_DISPLAY_POLL_MS + row["p99_ms"]
    seconds = row["requests"] / row["rps"] if row["rps"] else 0.0
    return {
        "not_modified_share": round(row["statuses"].get("304", 0) / polls, 3) if polls else 0.0,
        # Whole boards (200s) a client fetched a second; each call changes the board once.
        "boards_per_client_s": round(row["statuses"].get("200", 0) / seconds / row["connections"], 2)
        if seconds
        else 0.0,
        "probe": probe,
        "worst_case_ms": round(worst, 1),
    }


# --- running ---------------------------------------------------------------------------------------------------


def _open_files() -> int:
    """Raise this process's open-file limit (wrk and granian inherit it) to OPEN_FILES when it is lower; returns
    the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES if hard == resource.RLIM_INFINITY else min(OPEN_FILES, hard)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    if soft < 3 * QUEUE_DISPLAY_CLIENTS:
        raise RuntimeError(f"open files are limited to {soft} (ulimit -n): the board's scenario needs about 1,500")
    return soft


def _empty_cache() -> None:
    """The bench's own Redis database, emptied: rate limits and boards of an earlier run would count here."""
    import redis  # installed by prerequisites.ensure_redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def measure(server, wrk_path: str, seconds: int, scenario: Scenario, path: str, check, load) -> dict:
    """``scenario`` on ``path``: its check, then wrk (the Lua script sets a POST's path itself)."""
    load = dataclasses.replace(load, connections=scenario.connections)
    problem = check()
    say(f"==> {server.name} {scenario.name}: {scenario.method} {path} (check: {problem or 'ok'}), {seconds} s")
    url = f"http://127.0.0.1:{server.port}{path}"
    row = loadtest.run_scenario(wrk_path, url, seconds, server.worker_pids, load, name=scenario.name)
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


def _with_share(row: dict, ceiling: dict) -> dict:
    return row | {"share_of_ceiling": round(row["rps"] / ceiling["rps"], 3) if ceiling["rps"] else 0.0}


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> dict:
    """The four scenarios and their ceilings on one granian server (SERVER_ENV); ``data`` is queue_seed.py's JSON."""
    database_url = env["DATABASE_URL"]
    prerequisites.ensure_redis(REDIS_URL)
    open_files = _open_files()
    _empty_cache()
    out = var_dir / "queue"
    files = data["files"]
    kiosk = {name: out / f"kiosk-{name}.txt" for name in ("warm_up", "measured")}
    for name, path in kiosk.items():
        path.write_text("".join(f"{agency}\n" for agency in data["kiosk_agencies"][name]))
    port = servers.free_port()
    say(f"==> granian (queue, Redis cache) on 127.0.0.1:{port}")
    server = servers.Server(
        "queue",
        servers.granian_command(port),
        port=port,
        env={**env, **SERVER_ENV},
        cwd=PROJECT_DIR,
        log_path=var_dir / "granian-queue.log",
    )
    with server:
        measured = functools.partial(measure, server, wrk_path, seconds)
        ceiling = applications.judge(measured(CEILING, "/healthz", lambda: None, loadtest.PLAIN_GET), None)
        csrf = identity.csrf_pair(port)
        threads = str(loadtest.THREADS)

        # A walk-in's number: the warm-up and the measured run take numbers of different agencies.
        args = (data["mpp"], *csrf)
        load = loadtest.Load(
            BENCH_DIR / "queue_ticket.lua",
            args=(str(kiosk["measured"]), *args, MEASURED_BLOCK),
            warm_up_args=(str(kiosk["warm_up"]), *args, WARM_UP_BLOCK),
        )
        check = functools.partial(_check_ticket, port, database_url, data, csrf)
        ticket = measured(TICKET, f"/antrean/{data['mpp']}/kios/", check, load)
        issued = _issued(database_url, data)
        gaps = _numbering(database_url, data["mpp"])
        short = _short(issued, _answered(ticket, 303), "tickets")
        ticket = applications.judge(
            _with_share(ticket | {"issued": issued, "numbering": gaps}, ceiling),
            ticket["p99_ms"] < MAX_QUEUE_TICKET_P99_MS,
            ", ".join([*([short] if short else []), *gaps[:3]]) or None,
        )
        say(f"    {issued:,} tickets issued, numbering: {'; '.join(gaps[:3]) or 'gapless'}")

        # Booking a slot, with 10,000 bookings held.
        args = (threads, data["mpp"], *csrf)
        load = loadtest.Load(
            BENCH_DIR / "queue_booking.lua",
            args=(files["bookings"], *args),
            warm_up_args=(files["bookings_warm_up"], *args),
        )
        check = functools.partial(_check_booking, port, database_url, data, csrf)
        booking = measured(BOOKING, f"/antrean/{data['mpp']}/pesan/", check, load)
        booked = _booked(database_url, data)
        slots = _slot_problems(database_url, data["mpp"])
        short = _short(booked, _answered(booking, 302), "bookings")
        booking = applications.judge(
            _with_share(booking | {"booked": booked, "slot_problems": slots}, ceiling),
            booking["p99_ms"] < MAX_QUEUE_BOOKING_P99_MS,
            ", ".join([*([short] if short else []), *slots]) or None,
        )
        say(f"    {booked:,} bookings made, slots: {'; '.join(slots) or 'none above capacity, all counts agree'}")

        # 20 officers calling at once: one wrk thread per officer.
        ceiling_call = applications.judge(measured(CEILING_CALL, "/healthz", lambda: None, loadtest.PLAIN_GET), None)
        calls_before = _calls(database_url, data["counters"])
        load = loadtest.Load(
            BENCH_DIR / "queue_call.lua",
            args=(files["officers"], str(QUEUE_CALL_CONNECTIONS), *csrf),
            threads=QUEUE_CALL_CONNECTIONS,
            timeout_s=CALL_TIMEOUT_S,
        )
        check = functools.partial(_check_call, port, database_url, data, csrf)
        call = measured(CALL, f"/loket/antrean/{data['counters'][0]}/selesai-panggil/", check, load)
        called = _calls(database_url, data["counters"]) - calls_before
        problems = _call_problems(database_url, data)
        short = _short(called, _answered(call, 302), "calls")
        call = applications.judge(
            _with_share(call | {"called": called, "call_problems": problems}, ceiling_call),
            call["p99_ms"] < MAX_QUEUE_CALL_P99_MS,
            ", ".join([*([short] if short else []), *problems]) or None,
        )
        say(f"    {called:,} calls, {'; '.join(problems) or 'no ticket called twice'}")
        board = _cold_board(port, data["mpp"]) | {"bytes": _snapshot_bytes(data["mpp"]), "waiting": data["waiting"]}
        say(f"    Samarinda's board after the calls: rebuilt in {board['cold_ms']} ms, {board['bytes']:,} bytes cached")

        # The board's 500 clients, one wrk thread each, and the probe's calls.
        display = data["display"]
        paced = loadtest.Load(
            BENCH_DIR / "queue_display.lua", args=(str(QUEUE_DISPLAY_POLL_MS),), threads=QUEUE_DISPLAY_CLIENTS
        )
        ceiling_display = applications.judge(measured(CEILING_DISPLAY, "/healthz", lambda: None, paced), None)
        problem = _check_display(port, display)  # before the probe's first call changes the board
        probe = Probe(port, database_url, display, csrf)
        probe.start()
        try:
            shown = measured(DISPLAY, f"/antrean/{display['mpp']}/layar.json", lambda: problem, paced)
        finally:
            probed = probe.stop()
        shown |= _display_outcome(shown, probed) | {"snapshot_bytes": _snapshot_bytes(display["mpp"])}
        problems = probed["problems"][:3] + ([] if probed["calls"] else ["the probe saw no call"])
        shown = applications.judge(
            _with_share(shown, ceiling_display),
            shown["worst_case_ms"] < MAX_QUEUE_DISPLAY_S * 1000,
            ", ".join(problems) or None,
        )
        say(
            f"    {shown['not_modified_share']:.0%} answered 304; {probed['calls']} calls shown after "
            f"p50 {probed['propagation_p50_ms']} ms, max {probed['propagation_max_ms']} ms; "
            f"worst case {shown['worst_case_ms']:,.0f} ms"
        )
        if any(row["failure"] for row in (ticket, booking, call, shown)):  # the server's log says why
            say(server.log_path.read_text(errors="replace")[-3000:])

    return {
        "scenarios": [ceiling, ticket, booking, ceiling_call, call, ceiling_display, shown],
        "server_env": SERVER_ENV,
        "open_files": open_files,
        "board": board,
        "seed": {key: data[key] for key in ("seed_s", "steps_s", "sessions_s", "waiting", "call_queries", "mpp_name")}
        | {
            "display": {key: value for key, value in data["display"].items() if key != "probe_session"},
            "booking": {key: value for key, value in data["booking"].items() if key != "citizen_ids"},
        },
    }


# --- the report ------------------------------------------------------------------------------------------------


def _missed(row: dict, target_ms: float, cores: int, why: str) -> list[str]:
    """What bounds a missed p99 target: the CPU each request cost, with ``connections`` of them in flight."""
    if row["target_met"] is not False or row["failure"] or not row["rps"]:
        return []
    server_ms, postgres_ms = cpu_ms(row, "server"), cpu_ms(row, "postgres")
    spread = row["p99_ms"] / row["mean_ms"] if row["mean_ms"] else 1.0
    # Latency ≈ connections / rate: the rate at which this run's tail (p99 = spread × mean) ends under the target.
    needed = row["connections"] * 1000 / target_ms * spread
    allowed = cores * 1000 / (server_ms + postgres_ms) if server_ms + postgres_ms else 0.0
    alone = cores * 1000 / server_ms if server_ms else 0.0
    if allowed < needed:
        verdict = (
            f"The target is beyond these {cores} cores: it takes about {cores * 1000 / needed:.1f} ms of CPU per "
            f"request in all (server and PostgreSQL), or more cores. {why}"
        )
    else:
        verdict = (
            "The CPU per request allows the target on these cores: what held the tail back is the machine's other "
            "work, the GIL each worker's two threads share, or waiting on locks."
        )
    return [
        f"- **{row['name']}** missed p99 < {target_ms:.0f} ms (p99 {row['p99_ms']:.0f} ms, mean "
        f"{row['mean_ms']:.0f} ms). At {row['connections']} connections a request waits behind the others "
        f"(latency ≈ {row['connections']} / rate): with the tail of this run (p99 = {spread:.2f} × mean) the target "
        f"needs about {needed:.0f} {row['unit']}. Each cost {server_ms:.1f} ms of server CPU and "
        f"{postgres_ms:.1f} ms of PostgreSQL CPU, so {cores} cores allow at most {allowed:,.0f} {row['unit']} with "
        f"PostgreSQL on them ({alone:,.0f} for the server alone); during the run other work used "
        f"{row['cpu_cores']['other']:.2f} cores. " + verdict,
        "",
    ]


def _plan(queries: dict) -> str:
    """The slowest query's plan in a line: its nodes, and how the sort was done."""
    steps = [line.strip().removeprefix("->").strip() for line in queries["plan"]]
    kept = [step.split("  (")[0] for step in steps if "(cost=" in step]
    sort = next((step for step in steps if step.startswith("Sort Method")), "")
    return " → ".join(kept) + (f" ({sort})" if sort else "")


def _refetched(row: dict) -> str:
    """Whether the clients fetched each new board once, as the ETag means them to."""
    changes = 1 / QUEUE_PROBE_CALL_S
    fetched = row.get("boards_per_client_s", 0.0)
    said = (
        f"A call every {QUEUE_PROBE_CALL_S:.0f} s changes the board {changes:g} times a second, and each client "
        f"fetched {fetched:g} whole boards a second"
    )
    if fetched <= changes * 1.1:
        return said + ": each new board once. "
    return (
        said + ": after a change the requests that find no snapshot in the cache each build one with a version "
        "of its own (and the last one stored wins), so clients fetch the same board again under a new ETag. "
    )


def section(results: dict) -> list[str]:
    """The queue section of a report (``run.py --only queue`` prints it alone)."""
    data = results["queue"]
    cores = results["machine"]["nproc"]
    ceiling, ticket, booking, ceiling_call, call, ceiling_display, shown = data["scenarios"]
    seed_data = data["seed"]
    held, display, board = seed_data["booking"], seed_data["display"], data["board"]
    probe = shown.get("probe", {})
    queries = seed_data["call_queries"]
    server_env = ", ".join(f"`{name}={value}`" for name, value in data["server_env"].items())
    polls = sum(shown.get("statuses", {}).values())
    return [
        "## Queue: the MPP's kiosk, counters, board and bookings",
        "",
        f"Targets of the issue, in {seed_data['mpp_name']}: a walk-in's ticket at the kiosk with p99 < "
        f"{MAX_QUEUE_TICKET_P99_MS:.0f} ms at {TICKET.connections} connections; {CALL.connections} officers calling "
        f"the next visitor at once with p99 < {MAX_QUEUE_CALL_P99_MS:.0f} ms; {DISPLAY.connections} display boards "
        f"and phones of one MPP on these {cores} cores, a call reaching all of them within "
        f"{MAX_QUEUE_DISPLAY_S:.0f} s; booking a slot with p99 < {MAX_QUEUE_BOOKING_P99_MS:.0f} ms at "
        f"{BOOKING.connections} connections with {held['held']:,} bookings held. On a granian server of its own with "
        f"the settings above and {server_env} (the shared cache a deployment with more than one worker uses: "
        "the board is one cache entry per MPP that every worker must see dropped when the line changes, decision "
        "0013), each beside the ceiling (`GET /healthz`) measured on that server at the same connections in the same "
        "run (for the board: paced as its clients). *Server CPU ms/req* and *PostgreSQL CPU ms/req* are the CPU the "
        "granian workers and the PostgreSQL processes used per answered request.",
        "",
        *table_rows(data["scenarios"]),
        "",
        *_missed(
            ticket,
            MAX_QUEUE_TICKET_P99_MS,
            cores,
            "Besides, numbers are given one after another per agency (the day's `DayNumber` row stays locked until "
            "the ticket commits), so six agencies' lines take at most six tickets at a time.",
        ),
        *_missed(
            call,
            MAX_QUEUE_CALL_P99_MS,
            cores,
            f"The line is read in three index ranges (due bookings, priority, the rest), never sorted whole: with "
            f"{seed_data['waiting']:,} waiting, the slowest of a press's {queries['queries']} queries took "
            f"{queries['slowest_ms']:.1f} ms in-process ({_plan(queries)}), so what a press costs is the "
            "request's own work, not the line's length.",
        ),
        *_missed(booking, MAX_QUEUE_BOOKING_P99_MS, cores, ""),
        f"- **queue_ticket**: `POST /antrean/<mpp>/kios/` as the kiosk's form sends it (`agency`, empty `service` and "
        f"`priority`, the CSRF pair fetched once), six of the MPP's agencies in turn (`bench/queue_ticket.lua`; the "
        "warm-up takes numbers of two others), each request from another client address in X-Forwarded-For, so the "
        "kiosk's limit of 300 an hour per address costs its cache count and refuses nothing. Before the load one "
        "POST of its own must answer 303 to the ticket's page (which must answer 200) and leave a waiting ticket "
        'whose number is its agency\'s `DayNumber` with its "issued" event; after it, every answered POST must have '
        f"made a ticket ({ticket.get('issued', 0):,} made in the warm-up and the run) and every agency's numbers "
        "of the day must run 1 … n without a gap with `DayNumber.last` = n "
        f"({'all did' if not ticket.get('numbering') else '; '.join(ticket['numbering'][:3])}).",
        f"- **queue_booking**: `POST /antrean/<mpp>/pesan/` with `layanan`, `hari` and `mulai` (the slot's local "
        f"start), as one of {held['citizens']:,} fresh signed-in citizens (sessions made through Django's session "
        f"engine), each on two lines far apart (`Policy.max_future_bookings` is 2; the warm-up has "
        f"{held['warm_up_citizens']:,} others), in the {held['slots_from_tomorrow']} slots from tomorrow of "
        f"{len(held['services'])} services ({', '.join(held['services'])}), while {held['holders']:,} seeded "
        f"citizens hold {held['held']:,} bookings spread over all {held['slots']} open slots of the next "
        f"{held['days']} open days (Friday until 11:30, weekends and holidays closed, from `mpp.queueing.slots`). "
        f"Each slot takes {held['per_slot']} (set in the database: enough that no slot fills whatever the run "
        "books). Before the load one POST must answer 302 to the booking, whose "
        "slot's count agrees; after it, every answered POST must have made a booking "
        f"({booking.get('booked', 0):,} made), no slot may hold more than its capacity and every `SlotCount` must "
        "equal its slot's bookings.",
        f"- **queue_call_next**: `POST /loket/antrean/<counter>/selesai-panggil/` (finish the counter's visitor and "
        f"call the next, in one transaction) by {CALL.connections} counter officers of Disdukcapil (a "
        "`RoleAssignment` each, sessions through the session engine), each at their own counter 101–120, "
        f"{CALL.connections} connections on as many wrk threads so that no officer has two presses in flight "
        f"(`bench/queue_call.lua`), with {seed_data['waiting']:,} tickets waiting in the line today. Before the "
        "load one press must answer 302 to the console and leave a ticket called once at the counter; after it, no "
        "ticket may have been called twice, the calls must equal the tickets out of the line, no counter may hold "
        f"two visitors, and every answered press must have called one ({call.get('called', 0):,} calls in the "
        f"warm-up and the run; {call['rps']:,.1f} calls a second measured). In-process, one press costs "
        f"{queries['queries']} queries and {queries['wall_ms']:.0f} ms with this line.",
        f"- **queue_display**: `GET /antrean/<mpp>/layar.json` at {display['mpp_name']} (a morning's line: "
        f"{display['tickets']} tickets, {display['served']} served, {display['waiting']} waiting; the board's "
        f"snapshot is {shown.get('snapshot_bytes', 0):,} bytes in the cache) by {DISPLAY.connections} clients, one "
        "connection and one wrk thread each (`bench/queue_display.lua`): each waits "
        f"{QUEUE_DISPLAY_POLL_MS} ms after its answer and sends `If-None-Match` with the ETag it last saw, so "
        f"{shown.get('not_modified_share', 0):.0%} of the {polls:,} polls answered 304. {_refetched(shown)}"
        "The server used "
        f"{shown['cpu_cores']['server']:.2f} cores, {cpu_ms(shown, 'server'):.2f} ms of CPU per poll (the probe's "
        f"polls included) against {cpu_ms(ceiling_display, 'server'):.2f} ms for `/healthz` paced alike. "
        'Meanwhile a probe in the bench process presses "finish and call the next" at the '
        f"MPP's counter 1 every {QUEUE_PROBE_CALL_S:.0f} s through the console (HTTP, an officer's session) and "
        f"reads the board every {QUEUE_PROBE_POLL_MS} ms until it shows that call: {probe.get('calls', 0)} calls, "
        f"shown after p50 {probe.get('propagation_p50_ms')} ms, p99 {probe.get('propagation_p99_ms')} ms, max "
        f"{probe.get('propagation_max_ms')} ms from sending the press. The worst a client sees is that max + its "
        f"poll interval ({QUEUE_DISPLAY_POLL_MS} ms) + the poll's p99 ({shown['p99_ms']:.0f} ms) = "
        f"**{shown.get('worst_case_ms', 0):,.0f} ms** (target < {MAX_QUEUE_DISPLAY_S * 1000:.0f} ms, with no "
        f"error: {'met' if shown['target_met'] else 'not met'}). wrk and granian each hold a socket per client, "
        "wrk an event loop per thread too: the bench "
        f"raises its open-file limit (`ulimit -n`) to {OPEN_FILES:,} when it is lower and the hard limit allows "
        f"(it was {data['open_files']:,} here), and stops when it stays under 1,500.",
        f"- Samarinda's board after the officers' calls, read once: rebuilt in {board['cold_ms']:,.0f} ms with "
        f"{board['waiting']:,} tickets waiting, then {board['warm_ms']:.0f} ms from the cache; its snapshot "
        f"({board['bytes']:,} bytes) holds what the board shows and the counts per line, never the line itself, "
        "so its size does not grow with the line.",
        f"- Ceilings on this server: {ceiling['rps']:,.0f} req/s at {ceiling['connections']} connections (p99 "
        f"{ceiling['p99_ms']:.0f} ms), {ceiling_call['rps']:,.0f} req/s at {ceiling_call['connections']} (p99 "
        f"{ceiling_call['p99_ms']:.0f} ms), and paced as the board's clients {ceiling_display['rps']:,.0f} req/s "
        f"(p99 {ceiling_display['p99_ms']:.0f} ms).",
        "",
    ]
