"""The command line: `keys` writes the four PEM files once and keeps them; `serve` refuses
settings it cannot work with before it starts anything."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from simulators.paynet.keys import load_private_key, load_public_key
from simulators.processes import REPO


def paynet(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PAYNET_")}
    return subprocess.run(
        [sys.executable, "-m", "simulators.paynet", *arguments],
        cwd=REPO,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_keys_writes_both_pairs_with_private_keys_readable_by_the_owner_only(tmp_path):
    directory = tmp_path / "paynet"
    result = paynet("keys", "--dir", str(directory))
    assert result.returncode == 0, result.stderr
    names = ["platform-private.pem", "platform-public.pem", "network-private.pem", "network-public.pem"]
    assert sorted(p.name for p in directory.iterdir()) == sorted(names)
    assert result.stdout.count("wrote") == 4
    for name in ("platform", "network"):
        private = directory / f"{name}-private.pem"
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
        assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")  # PKCS8, unencrypted
        key = load_private_key(private, source="test")
        assert key.key_size == 2048
        assert (
            key.public_key().public_numbers()
            == load_public_key(directory / f"{name}-public.pem", source="t").public_numbers()
        )


def test_keys_leaves_existing_keys_alone_and_completes_a_missing_public_half(tmp_path):
    assert paynet("keys", "--dir", str(tmp_path)).returncode == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    (tmp_path / "network-public.pem").unlink()
    again = paynet("keys", "--dir", str(tmp_path))
    assert again.returncode == 0 and again.stdout.count("wrote") == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_keys_refuses_a_public_key_without_its_private_one(tmp_path):
    assert paynet("keys", "--dir", str(tmp_path)).returncode == 0
    (tmp_path / "platform-private.pem").unlink()
    result = paynet("keys", "--dir", str(tmp_path))
    assert result.returncode == 2 and "exists without platform-private.pem" in result.stderr


@pytest.mark.parametrize(
    ("arguments", "environ", "message"),
    [
        ([], {"PAYNET_CLIENT_KEY": ""}, "the platform's client key and secret are required"),
        ([], {"PAYNET_PLATFORM_PUBLIC_KEY_FILE": "/nonexistent.pem"}, "cannot read the RSA public key"),
        ([], {"PAYNET_PLATFORM_PUBLIC_KEY_FILE": "{private}"}, "cannot read the RSA public key"),
        (["--platform-url", "ftp://x"], {}, "must be an http(s) URL"),
        (["--platform-url", "http://127.0.0.1:9"], {"PAYNET_NETWORK_PRIVATE_KEY_FILE": ""}, "RSA private key"),
        (["--platform-url", "http://127.0.0.1:9"], {"PAYNET_BANK_CLIENT_KEY": ""}, "--bank-client-key"),
        (["--partner-service-id", "88-01"], {}, "1 to 8 digits"),
        (["--merchant-city", "KOTA SAMARINDA BARU"], {}, "merchant city must be 1 to 15"),
        (["--retry-base", "0"], {}, "the retry base must be more than 0"),
        (["--max-attempts", "0"], {}, "attempts must be from 1 to 100"),
        ([], {"PAYNET_MAX_ATTEMPTS": "many"}, "PAYNET_MAX_ATTEMPTS must be a whole number"),
        ([], {"PAYNET_LOST_NOTIFICATION_RATE": "often"}, "PAYNET_LOST_NOTIFICATION_RATE must be a number"),
        ([], {"PAYNET_LATE_NOTIFICATION_MS": "1.5"}, "PAYNET_LATE_NOTIFICATION_MS must be a whole number"),
        ([], {"PAYNET_HANG_SECONDS": "0"}, "PAYNET_HANG_SECONDS must be more than 0"),
    ],
)
def test_serve_refuses_a_bad_setting(tmp_path, key_files, arguments, environ, message):
    env = {
        "PAYNET_CLIENT_KEY": "client",
        "PAYNET_CLIENT_SECRET": "secret",
        "PAYNET_PLATFORM_PUBLIC_KEY_FILE": str(key_files.platform_public),
        "PAYNET_NETWORK_PRIVATE_KEY_FILE": str(key_files.network_private),
        "PAYNET_BANK_CLIENT_KEY": "bank",
        "PAYNET_BANK_CLIENT_SECRET": "bank-secret",
        **{name: value.format(private=key_files.platform_private) for name, value in environ.items()},
    }
    result = paynet("serve", "--db", str(tmp_path / "p.sqlite3"), *arguments, env=env)
    assert result.returncode == 2
    assert message in result.stderr
