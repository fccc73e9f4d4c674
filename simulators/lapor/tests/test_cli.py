"""`serve` refuses settings it cannot work with before it starts anything."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from simulators.lapor.testing import TEST_API_KEY, TEST_WEBHOOK_SECRET
from simulators.processes import REPO


@pytest.mark.parametrize(
    ("arguments", "environ", "message"),
    [
        ([], {"LAPOR_API_KEY": ""}, "the API key is required, at least 16 characters"),
        (["--api-key", "short"], {}, "the API key is required"),
        (["--callback-url", "http://127.0.0.1:9/cb"], {}, "the webhook secret is required"),
        (["--webhook-secret", "whsec_!!!"], {}, "the webhook secret is not whsec_<base64>"),
        (["--webhook-secret", TEST_WEBHOOK_SECRET, "--callback-url", "ftp://x"], {}, "must be an http(s) URL"),
        (["--retry-base", "0"], {}, "the retry base must be more than 0"),
        (["--max-attempts", "0"], {}, "attempts must be from 1 to 100"),
        ([], {"LAPOR_MAX_ATTEMPTS": "many"}, "LAPOR_MAX_ATTEMPTS must be a whole number"),
        ([], {"LAPOR_ERROR_RATE": "often"}, "LAPOR_ERROR_RATE must be a number"),
        ([], {"LAPOR_DUPLICATE_CALLBACK_RATE": "1.5"}, "LAPOR_DUPLICATE_CALLBACK_RATE must be a number from 0 to 1"),
        ([], {"LAPOR_HANG_SECONDS": "0"}, "LAPOR_HANG_SECONDS must be more than 0"),
    ],
)
def test_serve_refuses_a_bad_setting(tmp_path, arguments, environ, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_")}
    env.update({"LAPOR_API_KEY": TEST_API_KEY, **environ})
    result = subprocess.run(
        [sys.executable, "-m", "simulators.lapor", "serve", "--db", str(tmp_path / "l.sqlite3"), *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
