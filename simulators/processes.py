"""A simulator as an operating-system process, run from the repository root (REPO): `serve`'s
last step replaces the CLI process with granian (exec_granian), and tests start a real
simulator as a child process on a free loopback port (running_server).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

#: The repository root: the working directory of every simulator process.
REPO = Path(__file__).resolve().parents[1]

# --- serving -------------------------------------------------------------------------


def exec_granian(factory: str, *, host: str, port: int, workers: int, threads: int) -> NoReturn:
    """Replace this process with granian serving the WSGI app made by `factory`
    ("package.module:function"), so a supervisor's signals reach the server."""
    argv = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--factory",
        factory,
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        # Each request holds a thread; simulated timeouts hold theirs for seconds.
        "--blocking-threads",
        str(threads),
        "--workers-kill-timeout",
        "5",
        "--no-ws",
        "--log-level",
        "warning",
        "--working-dir",
        str(REPO),
    ]
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter and arguments, no shell


# --- a real simulator process for tests ----------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310 - our loopback URL
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # The process group this module started (start_new_session), nothing else.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextmanager
def running_server(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    log_path: Path,
    startup_seconds: float = 60,
    port: int | None = None,
) -> Iterator[str]:
    """Run `python <command> --port <port>` from the repository root until the block ends, and
    yield its base URL once GET /healthz answers 200. Without `port`, a free one (retried if
    it is taken meanwhile); with it, that one only (a server whose URL is written elsewhere first).

    The output goes to `log_path`. Raises RuntimeError if the server does not come up.
    """
    chosen = port
    with log_path.open("ab") as log:
        for _attempt in range(1 if chosen else 3):  # a free port can be taken between probing and binding
            port = chosen or free_port()
            url = f"http://127.0.0.1:{port}"
            process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
                [sys.executable, *command, "--port", str(port)],
                cwd=REPO,
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            deadline = time.monotonic() + startup_seconds
            while time.monotonic() < deadline and process.poll() is None and not _is_up(url):
                time.sleep(0.2)
            if process.poll() is None and _is_up(url):
                break
            _stop(process)
        else:
            raise RuntimeError(f"`{' '.join(command)}` did not start; see {log_path}")
        try:
            yield url
        finally:
            _stop(process)
