"""The documents scenarios: signing issued documents, the verification page, verifying an uploaded PDF.

Data comes from documents_seed.py (the demo CA in the benchmark's var dir, 10,000 issued
documents for approved applications, 40 of them really signed), run with the benchmark's
environment before VACUUM ANALYZE. The run first measures signing in-process
(documents_signing.py: one core, then two processes, each with its own signer; every
signature checked with ``validation.validate``), then loads a granian server with the
benchmark's settings: the ceiling (``/healthz``) on that same server, the verification
page and the upload. Each page is checked with one request of its own before wrk runs (the
"Sah." answer and the document's number); the upload's answers are all read during the
load, and one that is not "Sah." fails the scenario.

The per-IP rate limits of both pages (120 and 30 a minute) stay on, as in production: the
server counts them on X-Forwarded-For (as behind the load balancer) and wrk sends each
request from another address, so the limit costs what it costs and refuses nothing.
"""

import functools
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import applications
import loadtest
import servers
from scenarios import CEILING

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent

# Targets of the issue.
MIN_SIGNING_PER_S = 20.0  # on 2 cores
SIGNING_PROCESSES = 2
MAX_VERIFY_P99_MS = 50.0  # at 32 connections

ISSUED_DOCUMENTS = 10_000
SIGNED_PDFS = 40
SIGNING_DOCUMENTS = 200  # per process
# Both pages limit requests per client address; this server reads the address from X-Forwarded-For
# (django-ratelimit's RATELIMIT_IP_META_KEY), where wrk puts another one on each request.
SERVER_ENV = {"RATELIMIT_IP_META_KEY": "HTTP_X_FORWARDED_FOR"}
SUCCESS = b'class="success-box"'
CSRF_COOKIE = re.compile(r"csrftoken=([^;\s]+)")
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
BOUNDARY = "----mpp-bench-check"


def say(message: str) -> None:
    print(message, flush=True)


VERIFY_PAGE = applications.Scenario(
    "verify_page",
    "GET",
    "/verify/<code>",
    f"p99 < {MAX_VERIFY_P99_MS:.0f} ms at {loadtest.CONNECTIONS} connections",
    note=f" another of {ISSUED_DOCUMENTS:,} issued documents and client addresses per request",
)
VERIFY_UPLOAD = applications.Scenario(
    "verify_upload", "POST", "/verify/", "—", note=f" multipart, one of {SIGNED_PDFS} signed KK PDFs in turn"
)
CEILING_HERE = applications.Scenario(CEILING.name, "GET", CEILING.path, "—", note=" on this server")


def seed(env: dict, var_dir: Path) -> dict:
    """The demo CA and the issued documents, in the benchmark's database; returns documents_seed.py's JSON."""
    command = [sys.executable, str(BENCH_DIR / "documents_seed.py"), str(var_dir / "documents")]
    command += ["--documents", str(ISSUED_DOCUMENTS), "--signed", str(SIGNED_PDFS)]
    say(f"==> documents data: demo CA, {ISSUED_DOCUMENTS:,} issued documents ({SIGNED_PDFS} signed PDFs)")
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"documents_seed.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    say(f"    {data['counts']['issued']:,} issued documents in {data['seed_s']} s")
    return data


# Without the rest of the run (`run.py --only documents`): approved applications to issue for.
ONLY_APPLICATIONS = 30_000  # about 14,000 approved of services that issue a document
ONLY_CITIZENS = 2_000
ONLY_SUBMITTERS = 10


def seed_applications(env: dict, var_dir: Path) -> None:
    """A small applications seed (applications_seed.py), for a run of the documents scenarios alone."""
    command = [sys.executable, str(BENCH_DIR / "applications_seed.py"), str(var_dir / "applications")]
    command += ["--applications", str(ONLY_APPLICATIONS), "--citizens", str(ONLY_CITIZENS)]
    command += ["--submitters", str(ONLY_SUBMITTERS)]
    say(f"==> applications data for the documents: {ONLY_APPLICATIONS:,} applications")
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"applications_seed.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")


# --- signing, in-process ----------------------------------------------------------------------


def measure_signing(env: dict) -> dict:
    """documents_signing.py's JSON, judged: documents/s on SIGNING_PROCESSES cores against the target."""
    command = [sys.executable, str(BENCH_DIR / "documents_signing.py")]
    command += ["--documents", str(SIGNING_DOCUMENTS), "--processes", str(SIGNING_PROCESSES)]
    say(
        f"==> documents: render and sign {SIGNING_DOCUMENTS} KK on one core, then {SIGNING_DOCUMENTS} per process "
        f"on {SIGNING_PROCESSES}; validate the signatures"
    )
    result = subprocess.run(command, cwd=BENCH_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"documents_signing.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    single, several, checked = data["one_core"], data["several_cores"], data["validation"]
    failure = None
    if checked["valid"] != checked["documents"]:
        failure = f"{checked['documents'] - checked['valid']} of {checked['documents']} signatures not valid"
        failure += f" ({', '.join(checked['invalid'])})"
    data["name"], data["failure"] = "signing", failure
    data["target_met"] = failure is None and several["per_s"] >= MIN_SIGNING_PER_S
    say(
        f"    one core {single['per_s']:.1f} documents/s ({single['cpu_ms']:.1f} ms CPU each: render "
        f"{single['render_ms']:.1f} ms, sign {single['sign_ms']:.1f} ms); {several['processes']} cores "
        f"{several['per_s']:.1f} documents/s; validate {checked['per_document_ms']:.1f} ms, "
        f"{checked['valid']}/{checked['documents']} valid"
    )
    return data


# --- checks: one request before the load, answering what a citizen expects ---------------------


def _forwarded(address: str) -> dict:
    return {"X-Forwarded-For": address}


def _check_page(port: int, data: dict) -> str | None:
    check = data["check"]
    response = servers.request(port, "GET", f"/verify/{check['code']}", headers=_forwarded(check["address"]))
    if response.status != 200 or b"Sah." not in response.body or SUCCESS not in response.body:
        return f'verify page answered {response.status} without its "Sah."'
    if check["number"].encode() not in response.body:
        return f"verify page did not show the document's number {check['number']}"
    return None


def csrf_pair(port: int) -> tuple[str, str]:
    """The CSRF cookie and the form's token, as a browser gets them from the upload page."""
    response = servers.request(port, "GET", VERIFY_UPLOAD.path)
    cookie = CSRF_COOKIE.search(" ".join(response.headers.get_all("Set-Cookie") or []))
    field = CSRF_FIELD.search(response.body)
    if response.status != 200 or not cookie or not field:
        raise RuntimeError(f"GET {VERIFY_UPLOAD.path} gave no CSRF cookie and token (status {response.status})")
    return cookie.group(1), field.group(1).decode()


def _post_pdf(port: int, pdf: bytes, csrf: tuple[str, str], address: str) -> servers.Response:
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf[1]}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="dokumen.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Cookie": f"csrftoken={csrf[0]}",
        **_forwarded(address),
    }
    return servers.request(port, "POST", VERIFY_UPLOAD.path, headers=headers, body=body, timeout=10.0)


def _check_upload(port: int, data: dict, csrf: tuple[str, str]) -> str | None:
    check = data["check"]
    response = _post_pdf(port, Path(check["pdf"]).read_bytes(), csrf, check["address"])
    if response.status != 200 or b"Sah." not in response.body or SUCCESS not in response.body:
        return f'upload answered {response.status} without its "Sah."'
    if check["pdf_number"].encode() not in response.body:
        return f"upload did not show the document's number {check['pdf_number']}"
    return None


def _upload_alone_ms(port: int, data: dict, csrf: tuple[str, str], count: int = 7) -> float:
    """The median time of one upload on the idle server (one after another, each from its own address)."""
    pdf, times = Path(data["check"]["pdf"]).read_bytes(), []
    for n in range(count):
        started = time.perf_counter()
        _post_pdf(port, pdf, csrf, f"10.4.0.{n + 1}")
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _reaped_children_cpu_s(pids: list[int]) -> float:
    """CPU seconds of the workers' children that ended (cutime + cstime): the forked validations."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[13]) + int(fields[14])
    return total / CLOCK_TICKS


# --- running ---------------------------------------------------------------------------------


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> dict:
    """Signing in-process, then the ceiling, the verification page and the upload on one granian server."""
    signing = measure_signing(env)
    files, threads = data["files"], str(loadtest.THREADS)
    port = servers.free_port()
    say(f"==> granian (documents) on 127.0.0.1:{port}")
    server = servers.Server(
        "documents",
        servers.granian_command(port),
        port=port,
        env={**env, **SERVER_ENV},
        cwd=PROJECT_DIR,
        log_path=var_dir / "granian-documents.log",
    )
    with server:
        measure = functools.partial(applications.measure, server, wrk_path, seconds)
        ceiling = applications.judge(measure(CEILING_HERE, lambda: None, loadtest.PLAIN_GET), None)

        page_load = loadtest.Load(BENCH_DIR / "verify_page.lua", args=(files["page"], threads))
        page = measure(VERIFY_PAGE, functools.partial(_check_page, port, data), page_load)
        page = applications.judge(page, page["p99_ms"] < MAX_VERIFY_P99_MS)

        csrf = csrf_pair(port)
        failures_path = var_dir / f"verify-upload-failures-{secrets.token_hex(3)}.txt"
        upload_load = loadtest.Load(
            BENCH_DIR / "verify_upload.lua", args=(files["upload"], threads, *csrf, str(failures_path))
        )
        check_upload = functools.partial(_check_upload, port, data, csrf)
        alone_ms = _upload_alone_ms(port, data, csrf)
        # loadtest counts the workers' own CPU; the validations run in children they fork and reap.
        workers, started = server.worker_pids(), time.monotonic()
        children_before = _reaped_children_cpu_s(workers)
        upload = measure(VERIFY_UPLOAD, check_upload, upload_load)
        children_cores = (_reaped_children_cpu_s(workers) - children_before) / (time.monotonic() - started)
        upload["alone_ms"] = alone_ms
        upload["validation_children_cores"] = round(children_cores, 2)
        not_verified = int(failures_path.read_text() or 0)
        upload["not_verified"] = not_verified
        upload = applications.judge(upload, None, f'{not_verified} answers not "Sah."' if not_verified else None)

    for row in (page, upload):
        row["share_of_ceiling"] = round(row["rps"] / ceiling["rps"], 3) if ceiling["rps"] else 0.0
    # The upload's own ceiling: validations one after another, in-process, on every core of the machine.
    cores = len(os.sched_getaffinity(0))
    upload["validation_ceiling_per_s"] = round(cores * 1000 / signing["validation"]["per_document_ms"], 1)
    return {
        "signing": signing,
        "scenarios": [ceiling, page, upload],
        "seed": {key: data[key] for key in ("seed_s", "counts", "pdf_bytes")},
        "server_env": SERVER_ENV,
    }
