"""The tools the benchmark needs beyond the project's own dependencies: wrk, pgbench, for the record gunicorn,
and for the queue's servers the Redis client and a Redis server."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

GUNICORN_VERSION = "27.0.1"


class MissingTool(RuntimeError):
    """A tool is missing and cannot be installed from here."""


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian's package when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise MissingTool("wrk is not installed: run `sudo apt-get install wrk` (Debian package), then retry.")
    print("wrk is missing: installing the Debian package (apt-get install wrk)", flush=True)
    # Wait for another apt run instead of failing on its lock.
    lock = ["-o", "DPkg::Lock::Timeout=300"]
    subprocess.run(["apt-get", *lock, "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", *lock, "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    found = shutil.which("wrk")
    if not found:
        raise MissingTool("apt-get installed wrk but it is not on PATH")
    return found


def ensure_pgbench() -> str:
    """The path of pgbench (PostgreSQL's client tools), which measures the database's own ceiling."""
    found = shutil.which("pgbench")
    if not found:
        raise MissingTool("pgbench is not installed: run `sudo apt-get install postgresql-client`, then retry.")
    return found


def venv_bin(name: str) -> Path:
    """A console script of the virtualenv that runs this benchmark."""
    return Path(sys.executable).parent / name


def ensure_gunicorn() -> Path:
    """gunicorn in the benchmark's virtualenv, installed when missing (it is not a project dependency)."""
    path = venv_bin("gunicorn")
    if path.exists():
        return path
    print(f"gunicorn is missing: installing gunicorn=={GUNICORN_VERSION} into {sys.prefix}", flush=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", f"gunicorn=={GUNICORN_VERSION}"],
        check=True,
    )
    return path


def ensure_redis(url: str) -> None:
    """A Redis server answering at ``url`` (the queue's server shares its cache there, as production does)."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            answer = sock.recv(64)
    except OSError as exc:
        raise MissingTool(f"no Redis server answers at {url} ({exc}): start one, or set BENCH_REDIS_URL") from None
    if not answer.startswith(b"+PONG"):
        raise MissingTool(f"Redis at {url} answered {answer!r} to PING")
