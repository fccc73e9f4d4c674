"""One scenario: a wrk warm-up, a measured wrk run, and the workers' memory and CPU while it runs."""

import json
import os
import resource
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import profiles

REPORTER = Path(__file__).resolve().parent / "report.lua"
THREADS = 2
CONNECTIONS = 32
WARM_UP_S = 3


@dataclass(frozen=True)
class Load:
    """What wrk sends: by default a plain GET of the URL (the reporter alone).

    ``script`` is a scenario's Lua script (bench/*.lua, which load the reporter themselves)
    and ``args`` its arguments. Single-use values (codes, refresh tokens) must not be sent
    twice, so the warm-up may get arguments of its own (``warm_up_args``, e.g. another file), and so may the
    profiling pass of a scenario with a CPU budget (``profile_args``; the warm-up's when not given).
    A script that keeps state per connection runs with as many ``threads`` as connections
    (wrk's Lua state is per thread). A request unanswered after ``timeout_s`` counts as an error.
    """

    script: Path = REPORTER
    args: tuple[str, ...] = ()
    warm_up_args: tuple[str, ...] | None = None
    profile_args: tuple[str, ...] | None = None
    connections: int = CONNECTIONS
    threads: int = THREADS
    timeout_s: int = 5


PLAIN_GET = Load()


def rss_mb(pid: int) -> float | None:
    """VmRSS of a process in MB, or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None


class RssSampler(threading.Thread):
    """Samples the RSS of each worker every ``interval`` seconds and keeps the maximum per pid."""

    def __init__(self, find_workers: Callable[[], list[int]], interval: float = 0.5):
        super().__init__(daemon=True)
        self.find_workers, self.interval = find_workers, interval
        self.max_mb: dict[int, float] = {}
        self._finished = threading.Event()

    def run(self):
        while not self._finished.is_set():
            for pid in self.find_workers():
                mb = rss_mb(pid)
                if mb is not None:
                    self.max_mb[pid] = max(mb, self.max_mb.get(pid, 0.0))
            self._finished.wait(self.interval)

    def stop(self) -> dict[int, float]:
        self._finished.set()
        self.join()
        return {pid: round(mb, 1) for pid, mb in sorted(self.max_mb.items())}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far, 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15 of stat


def _postgres_cpu_seconds(pid: int) -> float:
    """A PostgreSQL process's CPU seconds, with those of its children that ended (cutime, cstime).

    Backends that end during a run (pgbench's, a pool's) are reaped by the postmaster: their
    CPU moves into its children's fields, where the sum over live processes would lose it.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS  # utime, stime, cutime, cstime


def _postgres_pids() -> list[int]:
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


def _machine_busy_seconds() -> float:
    """CPU seconds all cores spent on anything but idle and I/O wait since boot (/proc/stat)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
    return usage.ru_utime + usage.ru_stime


class CpuUse:
    """Cores used during a run by the server's workers, PostgreSQL, wrk and everything else on the machine.

    Shows what holds a scenario back on a shared machine: a server that uses its cores
    while PostgreSQL and wrk take the rest is CPU-bound; "other" is work that is not ours.
    """

    def __init__(self, find_workers: Callable[[], list[int]]):
        self.find_workers = find_workers

    def __enter__(self):
        self.workers = {pid: _cpu_seconds(pid) for pid in self.find_workers()}
        self.postgres = {pid: _postgres_cpu_seconds(pid) for pid in _postgres_pids()}
        self.children, self.busy, self.started = _children_cpu_seconds(), _machine_busy_seconds(), time.monotonic()
        return self

    def __exit__(self, *exc_info):
        elapsed = time.monotonic() - self.started
        workers = sum(_cpu_seconds(pid) - self.workers.get(pid, 0.0) for pid in self.find_workers())
        postgres = sum(_postgres_cpu_seconds(pid) - self.postgres.get(pid, 0.0) for pid in _postgres_pids())
        wrk = _children_cpu_seconds() - self.children
        busy = _machine_busy_seconds() - self.busy
        self.cores = {
            "server": round(workers / elapsed, 2),
            "postgres": round(postgres / elapsed, 2),
            "wrk": round(wrk / elapsed, 2),
            "other": round(max(busy - workers - postgres - wrk, 0.0) / elapsed, 2),
            "idle": round(max(len(os.sched_getaffinity(0)) - busy / elapsed, 0.0), 2),
        }


def wrk(wrk_path: str, url: str, seconds: int, load: Load = PLAIN_GET, args: tuple[str, ...] | None = None) -> dict:
    """Run wrk against ``url`` and return report.lua's JSON line (with the script's own JSON lines merged in, such
    as statuses.lua's counts by status)."""
    command = [
        wrk_path,
        f"--threads={load.threads}",
        f"--connections={load.connections}",
        f"--duration={seconds}s",
        f"--timeout={load.timeout_s}s",
        f"--script={load.script}",
        "--",  # the script's arguments may start with "-"
        url,
        *(load.args if args is None else args),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    reported = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    if reported and "requests" in reported[-1]:
        return {key: value for line in reported for key, value in line.items()}
    raise RuntimeError(f"wrk printed no JSON line for {url}:\n{result.stdout}\n{result.stderr}")


#: A directory for flame graphs: when set, py-spy samples each worker during every measured run and writes
#: ``<scenario>-<n>.svg`` there (the sampling costs the server a little CPU: compare figures without it).
FLAMEGRAPHS = os.environ.get("BENCH_FLAMEGRAPHS", "")


def flame_graphs(name: str, pids: list[int]) -> profiles.Recording:
    """py-spy on each worker for the measured run, one SVG per worker in FLAMEGRAPHS (none when it is unset)."""
    if FLAMEGRAPHS:
        Path(FLAMEGRAPHS).mkdir(parents=True, exist_ok=True)
    return profiles.Recording(
        [("flamegraph", Path(FLAMEGRAPHS) / f"{name}-{n}.svg", pid) for n, pid in enumerate(pids, 1)]
        if FLAMEGRAPHS
        else []
    )


def figures(raw: dict, load: Load) -> dict:
    """wrk's rate, counts and latencies (in ms) of one measured run."""
    return {
        "rps": round(raw["rps"], 1),
        "requests": raw["requests"],
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "mean_ms": round(raw["mean_us"] / 1000, 2),
        "connections": load.connections,
        "non_2xx": raw["non_2xx"],
        "socket_errors": raw["socket_errors"],
    }


def run_scenario(
    wrk_path: str,
    url: str,
    seconds: int,
    find_workers: Callable[[], list[int]],
    load: Load = PLAIN_GET,
    name: str = "",
    profile: bool = False,
) -> dict:
    """Warm up (not recorded), then measure; returns wrk's numbers in ms, max RSS per worker, cores used.
    With BENCH_FLAMEGRAPHS set, a scenario given a ``name`` also leaves its flame graphs there. A script that
    counts its answers by status (statuses.lua) adds the counts, the warm-up's apart: the writes a scenario
    counts in the database afterwards come from both runs. With ``profile`` (and a ``name``), a pass of the same
    load after the measured run samples the workers (``profiles``): its layers in ``profile``, its flame graph
    in docs/profiles."""
    sampler = RssSampler(find_workers)
    sampler.start()
    try:
        warm_up = wrk(wrk_path, url, WARM_UP_S, load, load.warm_up_args)
        with CpuUse(find_workers) as cpu, flame_graphs(name, find_workers() if name else []):
            raw = wrk(wrk_path, url, seconds, load)
    finally:
        worker_rss = sampler.stop()
    layers = None
    if profile and name:
        with profiles.Sampling(name, find_workers()) as sampling:
            wrk(wrk_path, url, profiles.SECONDS, load, load.profile_args or load.warm_up_args)
        layers = sampling.layers()
    return {
        **figures(raw, load),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "worker_max_rss_mb": worker_rss,
        "cpu_cores": cpu.cores,
        **({"statuses": raw["statuses"], "warm_up_statuses": warm_up["statuses"]} if "statuses" in raw else {}),
        **({"profile": layers} if layers else {}),
    }
