"""External processing end to end: the platform forwards a birth certificate to the agency simulator
(SIAK) by signed webhook, and SIAK posts its decision back through the status API with a
client-credentials token. Over real HTTP both ways, each side its own process and database.

- the platform: ``manage.py runserver`` on a fresh SQLite database loaded as ``make run`` loads
  it (regions, catalog, demo accounts), reading the registry simulator, mailing a test SMTP server;
- its notifier: ``manage.py deliver_notifications``, the process that delivers the webhook;
- SIAK: ``python -m simulators.agency serve`` (``running_agency``), registered at the platform
  with the same webhook secret and client credentials it was started with.

The citizen (the demo Siti Rahmawati) signs in and applies through the web form, like anyone;
the test then waits until her application page shows it approved with SIAK's registration number.
"""

import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import httpx
import pytest

from mpp.core.testing import REPO_ROOT, free_port, manage, running_platform
from mpp.demo.accounts import DEMO_PASSWORD
from mpp.notifications.models import new_webhook_secret
from simulators.agency.testing import running_agency
from simulators.dukcapil.testing import PLATFORM_TEST_KEY as DUKCAPIL_TEST_KEY

SITI = "6472035204900001"  # the demo citizen (seed_demo), on the registry simulator's demo KK
SITI_EMAIL = "siti@demo.mpp.go.id"
CLIENT_ID = "siak-disdukcapil-samarinda"
SYSTEM_NAME = "SIAK Disdukcapil Kota Samarinda"
LOOP_TIMEOUT_S = 120
#: SIAK's registration number of a birth certificate (simulators/agency/decision.py).
REGISTRATION_NUMBER = re.compile(r"474\.1/\d{5}/DISDUKCAPIL/\d{4}")

REGISTER = """
import os
from mpp.applications import forwarding
from mpp.catalog.models import Agency, Service
agency = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
service = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")
system = forwarding.register_external_system(
    name=os.environ["SIAK_NAME"],
    agency=agency,
    webhook_url=os.environ["SIAK_WEBHOOK_URL"],
    client_id=os.environ["SIAK_CLIENT_ID"],
    client_secret=os.environ["SIAK_CLIENT_SECRET"],
    webhook_secret=os.environ["SIAK_WEBHOOK_SECRET"],
).system
forwarding.forward_service(service=service, external_system=system)
print(service.pk)
"""

TIMELINE = """
import json, os
from mpp.applications.models import Application
application = Application.objects.get(tracking_number=os.environ["NUMBER"])
events = application.events.order_by("at", "id")
print(json.dumps({
    "status": application.status,
    "events": [[e.action, e.to_status, e.actor_label, e.note] for e in events],
    "reference": application.external_case.external_reference,
    "keys": sorted(application.status_updates.values_list("idempotency_key", flat=True)),
}))
"""


@contextmanager
def running_notifier(env: dict[str, str], log_path: Path) -> Iterator[None]:
    """``manage.py deliver_notifications`` (the notifier, which sends the webhooks) until the block ends."""
    with open(log_path, "wb") as log:
        notifier = subprocess.Popen(
            [sys.executable, "manage.py", "deliver_notifications", "--interval", "0.1"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        notifier.terminate()  # SIGTERM: it finishes its round, then exits
        try:
            notifier.wait(timeout=10)
        except subprocess.TimeoutExpired:
            notifier.kill()
            notifier.wait()


def _hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[unescape(name.group(1))] = unescape(value.group(1)) if value else ""
    return fields


def _sign_in(citizen: httpx.Client) -> None:
    page = citizen.get("/akun/masuk/")
    signed_in = citizen.post(
        "/akun/masuk/", data=_hidden_fields(page.text) | {"username": SITI, "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 200 and "/akun/masuk/" not in str(signed_in.url), signed_in.text[:1000]


def _apply_for_a_birth_certificate(citizen: httpx.Client, service_id: str) -> str:
    """Siti applies through the web form (her KK and husband come from the registry); returns the tracking number."""
    form = citizen.get(f"/layanan/{service_id}/ajukan/")
    assert form.status_code == 200, form.text[:1000]
    born = dt.date.today() - dt.timedelta(days=3)
    answers = {
        "child_name": "Rahma Putri Santoso",
        "child_sex": "PEREMPUAN",
        "birth_date": born.isoformat(),
        "birth_time": "07:45",
        "birth_place": "Samarinda",
        "birth_order": "3",
        "birth_attendant": "bidan",
        "has_birth_letter": "tidak",
        "sptjm": "on",
        "truth": "on",
    }
    receipt = citizen.post(f"/layanan/{service_id}/ajukan/", data=_hidden_fields(form.text) | answers)
    number = re.search(r"/permohonan/([0-9A-Z-]+)/$", str(receipt.url))
    assert receipt.status_code == 200 and number, f"{receipt.status_code} {receipt.url}\n{receipt.text[:2000]}"
    return number.group(1)


def _wait_until_decided(citizen: httpx.Client, number: str, logs: list[Path]) -> str:
    """The citizen's application page once it shows the application approved; fails with the logs otherwise."""
    deadline = time.monotonic() + LOOP_TIMEOUT_S
    while True:
        page = citizen.get(f"/permohonan/{number}/").text
        if "Disetujui" in page and REGISTRATION_NUMBER.search(page):
            return page
        if time.monotonic() > deadline:
            shown = "\n\n".join(f"--- {log.name}:\n{log.read_text(errors='replace')[-4000:]}" for log in logs)
            pytest.fail(f"{number} not approved within {LOOP_TIMEOUT_S} s.\n{shown}", pytrace=False)
        time.sleep(0.3)


def _settled(agency, number: str, timeout: float = 10) -> list[dict]:
    """SIAK's cases for ``number`` once none of their status updates waits for the platform's answer."""
    deadline = time.monotonic() + timeout
    while True:
        cases = agency.cases(tracking_number=number)
        updates = [update for case in cases for update in case["status_updates"]]
        if all(update["state"] != "pending" for update in updates) or time.monotonic() > deadline:
            return cases
        time.sleep(0.1)


def _mail(smtp_server, subject: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(smtp_server.messages):
            if SITI_EMAIL in str(message["To"]) and subject in str(message["Subject"]):
                return message.get_body(preferencelist=("plain",)).get_content()
        time.sleep(0.1)
    pytest.fail(f"no e-mail {subject!r}; got {[str(m['Subject']) for m in smtp_server.messages]}", pytrace=False)


def test_a_forwarded_application_comes_back_decided_by_the_agency_system(tmp_path, dukcapil_simulator, smtp_server):
    webhook_secret = new_webhook_secret()
    client_secret = secrets.token_urlsafe(48)
    port = free_port()
    platform_dir, agency_dir = tmp_path / "platform", tmp_path / "agency"
    platform_dir.mkdir()
    agency_dir.mkdir()
    env = {
        **os.environ,
        "DEBUG": "true",
        "MPP_DEMO_MODE": "true",
        "MPP_VAR_DIR": str(platform_dir),
        "PYTHONUNBUFFERED": "1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DUKCAPIL_URL": dukcapil_simulator.url,
        "DUKCAPIL_API_KEY": DUKCAPIL_TEST_KEY,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_USE_TLS": "false",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "OIDC_RSA_PRIVATE_KEY", "OIDC_RSA_PRIVATE_KEY_FILE", "OIDC_ISSUER"):
        env.pop(name, None)  # SQLite and a generated key, even when the suite runs on PostgreSQL
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_regions", env=env)
    manage("seed_catalog", env=env)
    # As make run: the pilots on record and the demo CA first (the demo regions' agreements are signed).
    manage("seed_onboarding", env=env)
    manage("create_demo_ca", env=env)
    manage("seed_demo", env=env)

    with running_agency(
        agency_dir, webhook_secret=webhook_secret, client_id=CLIENT_ID, client_secret=client_secret
    ) as agency:
        registration = {
            "SIAK_NAME": SYSTEM_NAME,
            "SIAK_WEBHOOK_URL": f"{agency.url}/webhooks/mpp",
            "SIAK_CLIENT_ID": CLIENT_ID,
            "SIAK_CLIENT_SECRET": client_secret,
            "SIAK_WEBHOOK_SECRET": webhook_secret,
        }
        service_id = manage("shell", "-v0", "-c", REGISTER, env=env | registration).strip()
        logs = [platform_dir / "runserver.log", platform_dir / "notifier.log", agency_dir / "agency.server.log"]
        with (
            running_platform(env, logs[0], port) as base,
            running_notifier(env, logs[1]),
            httpx.Client(base_url=base, timeout=30, follow_redirects=True) as citizen,
        ):
            _sign_in(citizen)
            number = _apply_for_a_birth_certificate(citizen, service_id)
            page = _wait_until_decided(citizen, number, logs)

            # SIAK got the application once, decided it and had both updates taken by the platform
            # (it records the platform's answer to the last one just after the platform shows it).
            [case] = _settled(agency, number)
            assert case["decision"] == "approved"
            assert case["application"]["service"]["code"] == "akta-kelahiran"
            assert case["application"]["applicant"]["nik"] == SITI
            assert case["application"]["callback"]["status_url"] == (
                f"{base}/api/v1/agency/applications/{number}/status"
            )
            assert [(u["status"], u["state"], u["last_status_code"]) for u in case["status_updates"]] == [
                ("in_process", "sent", 200),
                ("approved", "sent", 200),
            ]
            reference = case["external_reference"]
            assert reference in page and SYSTEM_NAME in page

            # The platform's record: the timeline in order, SIAK's number, each update applied under its key.
            timeline = json.loads(manage("shell", "-v0", "-c", TIMELINE, env=env | {"NUMBER": number}))
            assert timeline["status"] == "approved"
            assert [event[:3] for event in timeline["events"]] == [
                ["submit", "in_progress", "Pemohon"],
                ["forward", "forwarded", "Sistem MPP Digital"],
                ["in_process", "forwarded", SYSTEM_NAME],
                ["approve", "approved", SYSTEM_NAME],
            ]
            assert reference in timeline["events"][-1][3]
            assert timeline["reference"] == reference
            assert timeline["keys"] == [f"{case['case_id']}:approved", f"{case['case_id']}:in_process"]

            # And Siti is told, by e-mail too.
            assert number in _mail(smtp_server, f"Permohonan {number} disetujui")
