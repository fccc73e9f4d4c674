"""Two platform nodes (granian processes) on one PostgreSQL database and one Redis share what a cluster must share:
a sign-in limit reached through one node holds on the other, a session made on one is good on the other, and a
catalog change made through one clears the public page cache the other serves from (issue #16)."""

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from mpp.catalog.models import Agency
from mpp.core.testing import REPO_ROOT, free_port
from mpp.identity import login_throttle
from mpp.identity.models import Role, RoleAssignment
from mpp.identity.tests.factories import UserFactory, make_citizen
from mpp.regions.models import Region
from mpp.villages.services import village_agency

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 4  # the cluster uses 3; other work on a machine 0–2
RIGHT, WRONG = "correct-horse-battery", "wrong-password-1"
AIR_PUTIH = "64.72.03.1004"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(f"SELECT {REDIS_DB}\r\nFLUSHDB\r\n".encode())  # a clean slate for the nodes' cache
            return sock.recv(64).startswith(b"+OK")
    except OSError:
        return False


@pytest.fixture
def redis_url():
    if not _redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Redis on 127.0.0.1:6379 for the two-node test")
        pytest.skip("needs Redis on 127.0.0.1:6379 (CI has it)")
    return f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}"


@contextmanager
def node(env: dict, log: Path):
    """One platform node: granian with one worker, as `make cluster` runs them; its base URL."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("granian")), "--interface", "wsgi", "--workers", "1"]
    command += ["--blocking-threads", "2", "--no-ws", "--host", "127.0.0.1", "--port", str(port)]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*command, "mpp.wsgi:application"], cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"node did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def nodes(redis_url, tmp_path):
    database = connection.settings_dict
    env = {
        **os.environ,
        "MPP_TESTING": "true",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url,
        "MPP_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_CACHE_SECONDS": "300",
        "LOG_LEVEL": "WARNING",
    }
    with ExitStack() as stack:
        yield [stack.enter_context(node(env, tmp_path / f"node-{name}.log")) for name in "ab"]
    _redis_answers()  # flushed again: nothing left for the next run


def _form_token(page: httpx.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_a_sign_in_limit_reached_through_one_node_holds_on_the_other(nodes):
    node_a, node_b = nodes
    citizen = make_citizen()
    with httpx.Client() as browser:
        token = _form_token(browser.get(f"{node_a}/akun/masuk/"))
        for _ in range(login_throttle.PAIR_LIMIT):
            wrong = browser.post(
                f"{node_a}/akun/masuk/", data={"csrfmiddlewaretoken": token, "username": citizen.nik, "password": WRONG}
            )
            assert wrong.status_code == 400
        # The right password, through the other node: refused, the failures were counted in the shared cache.
        refused = browser.post(
            f"{node_b}/akun/masuk/", data={"csrfmiddlewaretoken": token, "username": citizen.nik, "password": RIGHT}
        )
    assert refused.status_code == 429 and "Terlalu banyak percobaan" in refused.text
    assert int(refused.headers["Retry-After"]) > 0


def test_a_change_through_one_node_clears_the_page_the_other_serves_from_the_shared_cache(nodes):
    node_a, node_b = nodes
    village = Region.objects.get(code=AIR_PUTIH)
    officer = UserFactory(username="petugas.kelurahan", staff=True)
    # Hashed as the nodes hash (the tests' own settings use a fast hasher the nodes do not know).
    officer.password = PBKDF2PasswordHasher().encode(RIGHT, PBKDF2PasswordHasher().salt(), iterations=1000)
    officer.save(update_fields=["password"])
    region_agency = Agency.objects.get(region_id="64.72", kind__code="pemdes", village=None)
    agency = village_agency(village, region_agency=region_agency)
    RoleAssignment.objects.create(user=officer, role=Role.VILLAGE_OFFICER, region_id="64.72", agency=agency)
    page = f"/wilayah/{AIR_PUTIH}/"

    with httpx.Client() as visitor:
        assert visitor.get(f"{node_b}{page}").headers.get("X-Cache") == "miss"
        assert visitor.get(f"{node_b}{page}").headers.get("X-Cache") == "hit"
        assert visitor.get(f"{node_a}{page}").headers.get("X-Cache") == "hit"  # one cache for both nodes

    with httpx.Client() as browser:  # signs in on one node, works on the other: sessions are in the database
        token = _form_token(browser.get(f"{node_b}/akun/masuk/"))
        credentials = {"csrfmiddlewaretoken": token, "username": officer.username, "password": RIGHT}
        signed_in = browser.post(f"{node_b}/akun/masuk/", data=credentials)
        assert signed_in.status_code == 302
        keep = browser.get(f"{node_a}/desa-saya/{AIR_PUTIH}/")
        assert keep.status_code == 200
        changed = browser.post(
            f"{node_a}/desa-saya/{AIR_PUTIH}/",
            data={"csrfmiddlewaretoken": _form_token(keep), "head_name": "Hj. Rahmawati Lurah Baru"},
        )
        assert changed.status_code == 302

    with httpx.Client() as visitor:
        fresh = visitor.get(f"{node_b}{page}")
    assert fresh.headers.get("X-Cache") == "miss" and "Hj. Rahmawati Lurah Baru" in fresh.text
