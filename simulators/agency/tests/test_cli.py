"""`serve` refuses settings it cannot work with before it starts anything."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from simulators.processes import REPO

from .conftest import SECRET


@pytest.mark.parametrize(
    ("arguments", "environ", "message"),
    [
        ([], {}, "the webhook secret is required"),
        (["--webhook-secret", "whsec_!!!"], {}, "the webhook secret is not whsec_<base64>"),
        (["--webhook-secret", SECRET, "--client-id", ""], {}, "the OAuth2 client id and secret are required"),
        (["--webhook-secret", SECRET, "--reject-rate", "1.5"], {}, "the reject rate must be from 0 to 1"),
        (["--webhook-secret", SECRET, "--retry-base", "0"], {}, "the retry base must be more than 0"),
        (["--webhook-secret", SECRET, "--processing-delay", "-1"], {}, "the processing delay must be from 0"),
        (["--webhook-secret", SECRET], {"AGENCY_ERROR_RATE": "often"}, "AGENCY_ERROR_RATE must be a number"),
        (["--webhook-secret", SECRET], {"AGENCY_REJECT_RATE": "half"}, "AGENCY_REJECT_RATE must be a number"),
    ],
)
def test_serve_refuses_a_bad_setting(tmp_path, arguments, environ, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENCY_")}
    env.update({"AGENCY_CLIENT_ID": "siak", "AGENCY_CLIENT_SECRET": "secret", **environ})
    result = subprocess.run(
        [sys.executable, "-m", "simulators.agency", "serve", "--db", str(tmp_path / "a.sqlite3"), *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
