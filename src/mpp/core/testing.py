"""Test support, like Django's own ``django.test``.

The platform as its own process, for tests that drive it from outside (browsers, OIDC clients):
``running_platform`` starts ``manage.py runserver`` on a free loopback port with the environment
the test gives (a fresh SQLite database in a temp dir, the registry simulator's URL, an SMTP
server), and stops it afterwards. And ``at_once``, for the races only a server database shows.
"""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from threading import Barrier

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
COMMAND_TIMEOUT_S = 300  # load_regions writes every desa in the country: seconds, usually
HEALTH_TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict[str, str]) -> str:
    """Run a management command in the platform's environment ``env``; fail the test (with its output) if it fails."""
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(  # noqa: S603 - our interpreter, our arguments
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"`{' '.join(command[1:])}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}", False)
    return result.stdout


def _is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - our loopback URL
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def running_platform(env: dict[str, str], log_path: Path, port: int | None = None) -> Iterator[str]:
    """``manage.py runserver`` with ``env`` until the block ends; yields its base URL. Fails the test,
    showing the server's log, when it does not answer /healthz within HEALTH_TIMEOUT_S."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=REPO_ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while not _is_healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                state = f"exited {server.returncode}" if server.poll() is not None else "not healthy"
                pytest.fail(f"runserver {state}; its log ({log_path}):\n{log_path.read_text(errors='replace')}", False)
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def at_once(count: int, work: Callable[[int], object]) -> list:
    """``work(0)`` … ``work(count - 1)`` in ``count`` threads released together (a barrier), each on its own
    database connection (closed after): what each returned, or the exception it raised, in order."""
    from django.db import connection

    barrier = Barrier(count)

    def run(index):
        barrier.wait()
        try:
            return work(index)
        except Exception as error:  # the test looks at it
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))
