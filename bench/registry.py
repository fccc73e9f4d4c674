"""The registry simulator (simulators/dukcapil): data verification under load, and the time of a face check.

The simulator stands in for Dukcapil, so its numbers say how fast the stand-in is (and
whether tests and demos can lean on it), not how fast the real registry is.
"""

import json
import random
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import loadtest
import servers

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))  # the simulators package lives beside src/, not in it

from simulators.dukcapil.testing import prepare_database, running_simulator  # noqa: E402

PERSONS = 100_000
SEED = 42
API_KEY = "bench-registry-key-0123456789abcdef"
QUOTA = 100_000_000  # a day's calls: never the limit here
WORKERS = 2  # one per core; `serve` gives each 4 threads
VERIFY_BODIES = 5_000
FACE_CHECKS = 10
FACE_NIK = "6472030309870001"  # BUDI SANTOSO, a demo person present in every seed
MAX_FACE_CHECK_S = 1.0
VERIFY_PATH = "/api/v1/verify"


def say(message: str) -> None:
    print(message, flush=True)


def verify_bodies(db: Path, count: int) -> list[str]:
    """What the platform sends at registration (NIK, name, birth date) for ``count`` random persons."""
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute("SELECT nik, name, birth_date FROM persons").fetchall()
    finally:
        connection.close()
    sample = random.Random(SEED).sample(rows, min(count, len(rows)))
    return [
        json.dumps({"nik": nik, "elements": {"name": name, "birth_date": birth_date}}, separators=(",", ":"))
        for nik, name, birth_date in sample
    ]


def simulator_workers(port: int) -> list[int]:
    """The simulator's granian workers on ``port`` (running_simulator hands out no pids): by command line."""
    args = ["simulators.dukcapil.app:create_app", "--host", "127.0.0.1", "--port", str(port), ""]
    marker = "\x00".join(args).encode()  # /proc/<pid>/cmdline separates arguments with NUL
    found = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker in cmdline.read_bytes():
                stat = (cmdline.parent / "stat").read_text()
                found[int(cmdline.parent.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return sorted(pid for pid, parent in found.items() if parent in found)  # not the supervising process


def _check_verify(port: int, body: str) -> str | None:
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
    response = servers.request(port, "POST", VERIFY_PATH, headers=headers, body=body)
    if response.status != 200:
        return f"verify answered {response.status}: {response.body[:200]!r}"
    matches = json.loads(response.body).get("matches", {})
    return None if matches and all(matches.values()) else f"a registered person did not match: {matches}"


def measure_verify(url: str, wrk_path: str, seconds: int, bodies_path: Path, check_body: str) -> dict:
    port = urlsplit(url).port
    problem = _check_verify(port, check_body)
    say(f"==> simulator registry_verify: POST {VERIFY_PATH} (check: {problem or 'ok'}), {seconds} s")
    load = loadtest.Load(BENCH_DIR / "verify.lua", args=(str(bodies_path), str(loadtest.THREADS), API_KEY))
    row = loadtest.run_scenario(wrk_path, f"{url}{VERIFY_PATH}", seconds, lambda: simulator_workers(port), load)
    problems = [problem] if problem else []
    if row["non_2xx"]:
        problems.append(f"{row['non_2xx']} responses ≥ 400")
    if sum(row["socket_errors"].values()):
        problems.append(f"{sum(row['socket_errors'].values())} socket errors")
    say(f"    {row['rps']:,.0f} req/s, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms")
    return {
        "name": "registry_verify",
        "method": "POST",
        "path": VERIFY_PATH,
        "failure": ", ".join(problems) or None,
        **row,
    }


def time_face_checks(url: str, checks: int = FACE_CHECKS) -> dict:
    """Enrol a face, then ``checks`` blink checks of 4 frames one after another; seconds per check."""
    try:
        from simulators.dukcapil.tests import photos

        sequences = photos.sequences()
    except Exception as exc:  # the test photos come from PyPI on first use
        return {"error": f"no test photos ({exc})"}
    say(f"==> simulator face_verify: enrol {FACE_NIK}, then {checks} checks of {len(sequences.blink)} frames")
    auth = {"Authorization": f"Bearer {API_KEY}", "X-Purpose": "Uji beban verifikasi wajah"}
    frames = [("frames", (f"frame{index}.jpg", frame, "image/jpeg")) for index, frame in enumerate(sequences.blink)]
    seconds, answers = [], []
    with httpx.Client(base_url=url, headers=auth, timeout=60) as client:
        enrolled = client.post(
            "/api/v1/faces/enroll", data={"nik": FACE_NIK}, files={"photo": ("ktp.jpg", sequences.enrol, "image/jpeg")}
        )
        if enrolled.status_code != 201:
            return {"error": f"enrolment answered {enrolled.status_code}: {enrolled.text[:200]}"}
        for _ in range(checks):
            started = time.perf_counter()
            response = client.post("/api/v1/faces/verify", data={"nik": FACE_NIK, "challenge": "blink"}, files=frames)
            seconds.append(time.perf_counter() - started)
            answers.append(response.json() if response.status_code == 200 else {"status": response.status_code})
    passed = sum(1 for answer in answers if answer.get("match") and answer.get("liveness", {}).get("passed"))
    mean = sum(seconds) / len(seconds)
    say(f"    mean {mean:.2f} s, max {max(seconds):.2f} s, {passed}/{checks} matched and live")
    return {
        "checks": checks,
        "frames": len(sequences.blink),
        "frame_bytes": sum(len(frame) for frame in sequences.blink),
        "mean_s": round(mean, 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
        "passed": passed,
        "target_s": MAX_FACE_CHECK_S,
        "met": passed == checks and max(seconds) < MAX_FACE_CHECK_S,
    }


def run(var_dir: Path, wrk_path: str, seconds: int) -> dict:
    db = var_dir / "dukcapil.sqlite3"
    say(f"==> registry simulator: seed {PERSONS:,} persons (seed {SEED}) into {db.name}")
    started = time.perf_counter()
    prepare_database(db, persons=PERSONS, seed=SEED, institutions=[("MPP Digital", "all", QUOTA, API_KEY)])
    seed_s = time.perf_counter() - started
    bodies = verify_bodies(db, VERIFY_BODIES + 1)
    bodies_path = var_dir / "verify-bodies.txt"
    bodies_path.write_text("".join(f"{body}\n" for body in bodies[1:]), encoding="utf-8")
    with running_simulator(db, workers=WORKERS) as simulator:
        verify = measure_verify(simulator.url, wrk_path, seconds, bodies_path, bodies[0])
        face = time_face_checks(simulator.url)
    return {
        "persons": PERSONS,
        "seed_s": round(seed_s, 1),
        "workers": WORKERS,
        "verify": verify,
        "face": face,
    }
