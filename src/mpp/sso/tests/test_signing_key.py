"""The ID-token signing key: generated once for development, required in production."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from mpp.sso.keys import development_signing_key

REPO_ROOT = Path(__file__).resolve().parents[4]


def test_development_key_is_created_private_and_then_reused(tmp_path):
    path = tmp_path / "var" / "oidc-rsa.pem"
    first = development_signing_key(path)
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert development_signing_key(path) == first
    assert [p.name for p in path.parent.iterdir()] == ["oidc-rsa.pem"]  # no temporary file left behind


def _settings_in_production(**env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OIDC_", "DEBUG", "MPP_TESTING", "PYTEST", "DJANGO_SETTINGS"))
    }
    environment |= {"DEBUG": "false", "SECRET_KEY": "s" * 50, "PYTHONPATH": str(REPO_ROOT / "src"), **env}
    return subprocess.run(
        [sys.executable, "-c", "import mpp.settings as s; print(s.OIDC_RSA_PRIVATE_KEY.splitlines()[0])"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_signing_key(tmp_path):
    result = _settings_in_production(MPP_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "OIDC_RSA_PRIVATE_KEY (or OIDC_RSA_PRIVATE_KEY_FILE) must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "oidc-rsa.pem").exists()  # and never makes one up


def test_production_reads_the_key_from_a_mounted_file(tmp_path):
    key_file = tmp_path / "oidc.pem"
    key_file.write_text(development_signing_key(tmp_path / "source.pem"))
    result = _settings_in_production(MPP_VAR_DIR=str(tmp_path / "var"), OIDC_RSA_PRIVATE_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "-----BEGIN PRIVATE KEY-----"
