"""One real set of trust services for the tests: a demo CA made by the platform's own command
(`manage.py create_demo_ca`, run as a program: the simulators never import the platform) with
its OCSP address on a port chosen first, then the server on that port."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from simulators.processes import REPO, free_port
from simulators.trust.testing import RunningTrust, running_trust


@pytest.fixture(scope="session")
def trust(tmp_path_factory) -> Iterator[RunningTrust]:
    directory = tmp_path_factory.mktemp("trust-simulator")
    port = free_port()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create_demo_ca",
            "--directory",
            str(directory / "ca"),
            "--services-url",
            f"http://127.0.0.1:{port}",
        ],
        cwd=REPO,
        env={**os.environ, "DEBUG": "true", "DATABASE_URL": "sqlite://:memory:"},
        check=True,
        capture_output=True,
    )
    with running_trust(directory, ca_dir=directory / "ca", port=port) as running:
        yield running


@pytest.fixture(autouse=True)
def _no_faults(trust):
    trust.clear_faults()
    yield
    trust.clear_faults()
