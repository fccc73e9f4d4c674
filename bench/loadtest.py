"""One scenario: a wrk warm-up, a measured wrk run, and the workers' resident memory while it runs."""

import json
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

REPORTER = Path(__file__).resolve().parent / "report.lua"
THREADS = 2
CONNECTIONS = 32
WARM_UP_S = 3


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


def wrk(wrk_path: str, url: str, seconds: int) -> dict:
    """Run wrk against ``url`` and return report.lua's JSON line."""
    command = [
        wrk_path,
        f"--threads={THREADS}",
        f"--connections={CONNECTIONS}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={REPORTER}",
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"wrk printed no JSON line for {url}:\n{result.stdout}\n{result.stderr}")


def run_scenario(wrk_path: str, url: str, seconds: int, find_workers: Callable[[], list[int]]) -> dict:
    """Warm up (not recorded), then measure; returns wrk's numbers in ms plus max RSS per worker."""
    sampler = RssSampler(find_workers)
    sampler.start()
    try:
        wrk(wrk_path, url, WARM_UP_S)
        raw = wrk(wrk_path, url, seconds)
    finally:
        worker_rss = sampler.stop()
    return {
        "rps": round(raw["rps"], 1),
        "requests": raw["requests"],
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "mean_ms": round(raw["mean_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "non_2xx": raw["non_2xx"],
        "socket_errors": raw["socket_errors"],
        "worker_max_rss_mb": worker_rss,
    }
