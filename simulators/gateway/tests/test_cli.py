"""The command line: add-client is safe to repeat and can rotate a key on a running
gateway; serve refuses to start without its admin token; a delivery delay is honoured."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from simulators.gateway.testing import running_gateway
from simulators.processes import REPO

from .conftest import cli, client, send, sms


def test_add_client_twice_with_the_same_name_and_key_is_harmless(gateway, tmp_path):
    db = tmp_path / "clients.sqlite3"
    key = "repeatable-key-0123456789"
    first = cli("add-client", "--name", "Dinas Sosial", "--api-key", key, db=db)
    again = cli("add-client", "--name", "Dinas Sosial", "--api-key", key, db=db)
    assert first.stdout.strip() == again.stdout.strip() == key
    assert "created" in first.stderr and "unchanged" in again.stderr


def test_add_client_without_a_key_issues_one(tmp_path):
    issued = cli("add-client", "--name", "Dinas Sosial", db=tmp_path / "c.sqlite3").stdout.strip()
    assert len(issued) >= 40


def test_add_client_refuses_a_short_key_or_another_clients_key(tmp_path):
    db = tmp_path / "c.sqlite3"
    short = cli("add-client", "--name", "A", "--api-key", "short", db=db, check=False)
    assert short.returncode == 2 and "at least 16" in short.stderr
    cli("add-client", "--name", "A", "--api-key", "key-of-client-a-0123", db=db)
    taken = cli("add-client", "--name", "B", "--api-key", "key-of-client-a-0123", db=db, check=False)
    assert taken.returncode == 2 and "belongs to 'A'" in taken.stderr


def test_a_new_key_for_a_client_takes_effect_on_the_running_gateway(gateway):
    old, new = "rotating-key-old-0123456789", "rotating-key-new-0123456789"
    cli("add-client", "--name", "Rotating", "--api-key", old, db=gateway.db)
    with client(gateway, old) as http:
        assert send(http, sms()).status_code == 202
    assert "updated" in cli("add-client", "--name", "Rotating", "--api-key", new, db=gateway.db).stderr
    with client(gateway, old) as http:
        assert send(http, sms()).status_code == 401
    with client(gateway, new) as http:
        assert send(http, sms()).status_code == 202


def test_serve_refuses_to_start_without_an_admin_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    result = subprocess.run(
        [sys.executable, "-m", "simulators.gateway", "serve", "--db", str(tmp_path / "g.sqlite3"), "--port", "1"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2 and "GATEWAY_ADMIN_TOKEN" in result.stderr


def test_a_message_stays_accepted_for_the_delivery_delay(tmp_path):
    with running_gateway(tmp_path, delivery_delay=1) as slow, client(slow, slow.api_key) as http:
        sent = send(http, sms()).json()
        pending = http.get(f"/v1/messages/{sent['id']}").json()
        assert pending["status"] == "accepted" and pending["delivered_at"] is None
        time.sleep(1.1)
        delivered = http.get(f"/v1/messages/{sent['id']}").json()
        assert delivered["status"] == "delivered" and delivered["delivered_at"] > delivered["accepted_at"]
        assert slow.messages(to=pending["to"])[0]["status"] == "delivered"
        assert httpx.get(f"{slow.url}/healthz").status_code == 200
