"""Start a WSGI server on a free port, wait until it answers, find its workers, stop it for sure."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from prerequisites import venv_bin

WSGI_APP = "mpp.wsgi:application"
# Chosen by measurement on 2 cores: one worker process per core, two Python threads each.
# The second thread runs while the first waits for PostgreSQL (userinfo, token exchange):
# with one thread the cores sat partly idle; with two, every scenario served more (the
# ceiling included) and each worker holds two database connections. --blocking-threads
# must be explicit: granian's WSGI default is backpressure/2 = 256 threads per worker, each
# holding its own PostgreSQL connection (CONN_MAX_AGE), which ran past max_connections (100)
# and answered 500s. Three or four threads, or more workers than cores, were not better.
GRANIAN_ARGS = [
    "--interface", "wsgi",
    "--workers", "2",
    "--blocking-threads", "2",
    "--no-ws",
    "--log-level", "warning",
]  # fmt: skip
GUNICORN_ARGS = ["-w", "2"]


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer /healthz in time."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """One GET without following redirects: (status, body)."""
    response = request(port, "GET", path, timeout=timeout)
    return response.status, response.body


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def request(
    port: int, method: str, path: str, *, headers: dict | None = None, body: str | bytes | None = None, timeout=5.0
) -> Response:
    """One request to 127.0.0.1:``port`` without following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def granian_command(port: int) -> list[str]:
    return [str(venv_bin("granian")), *GRANIAN_ARGS, "--host", "127.0.0.1", "--port", str(port), WSGI_APP]


def gunicorn_command(port: int) -> list[str]:
    return [str(venv_bin("gunicorn")), *GUNICORN_ARGS, "-b", f"127.0.0.1:{port}", WSGI_APP]


def granian_server(name: str, env: dict, *, cwd: Path, log_dir: Path) -> "Server":
    """A family's own app server: granian with the benchmark's settings on a free port, its log in
    ``log_dir/granian-<name>.log``; start it with ``with``."""
    port = free_port()
    return Server(name, granian_command(port), port=port, env=env, cwd=cwd, log_path=log_dir / f"granian-{name}.log")


class Server:
    """A server process in its own process group, so stopping it also stops its workers."""

    def __init__(self, name: str, command: list[str], *, port: int, env: dict, cwd: Path, log_path: Path):
        self.name, self.command, self.port = name, command, port
        self.env, self.cwd, self.log_path = env, cwd, log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self, timeout: float = 30.0) -> None:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._fail(f"exited with status {self.process.returncode}")
            try:
                if get(self.port, "/healthz", timeout=1.0)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self._fail(f"did not answer GET /healthz with 200 within {timeout:.0f} s")

    def _fail(self, reason: str) -> None:
        tail = self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""
        self.stop()
        raise ServerDidNotStart(f"{self.name} {reason}. Last output:\n{tail}")

    def worker_pids(self) -> list[int]:
        """The server's child processes (its workers), found by parent pid in /proc."""
        if self.process is None:
            return []
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmdline = (stat.parent / "cmdline").read_bytes()
            except (OSError, IndexError):
                continue  # the process ended while we looked
            if int(fields[1]) == self.process.pid and b"resource_tracker" not in cmdline:
                workers.append(int(stat.parent.name))
        return sorted(workers)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to the server's process group, SIGKILL after ``grace`` seconds."""
        if self.process is None or self.process.returncode is not None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # Workers that outlived the leader still belong to its group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
