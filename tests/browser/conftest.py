"""Browser tests: Debian's chromium, driven by Playwright, against the real app in its own process.

The app runs under ``manage.py runserver`` on a free loopback port with a fresh SQLite
database in a temp dir, loaded exactly as ``make run`` loads it (regions and catalog,
demo mode on). It talks to a real Dukcapil simulator (its own process and small
population, with Siti Rahmawati's face enrolled) and a real SISDMK simulator (its own
process, population and health workers, the demo ones among them), and sends its mail to
a real SMTP server in this process, whose messages the tests read. Pages are checked with
axe-core from ``node_modules`` (``npm ci``). Nothing here downloads a browser:
``playwright install`` is never needed.

Tests of the applications workflow use ``demo_platform`` instead: a second app process with
``make run``'s demo accounts (Siti and the Samarinda officers), its notifier and task-worker processes, the demo
CA's trust services (simulators/trust), which timestamp what it signs, and the payment network and billers'
simulators (simulators/paynet, simulators/billers) with ``make run``'s demo keys, through which its bills are paid.
Tests of the connected systems use ``connected_platform``: another such app, which also sends WhatsApp messages
through the gateway simulator (simulators/gateway) and forwards to and hears from the agencies' own systems (the
agency simulator as Polri's SKCK system and as Korlantas's SIM Online with its portal), as ``make run`` does.
"""

import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from mpp.core.testing import free_port, manage, running_platform
from simulators.agency.testing import RunningAgency
from simulators.billers.testing import RunningBillers
from simulators.dukcapil.testing import PLATFORM_TEST_KEY, prepare_database, running_simulator
from simulators.gateway.testing import RunningGateway
from simulators.paynet.testing import RunningPaynet
from simulators.sisdmk.demo_workers import DEWI_LESTARI

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
#: The demo citizen whose face the registry simulator knows (the browser tests verify it).
FACE_ENROLLED_NIK = "6472035204900001"
#: The app's SQLite database in its MPP_VAR_DIR (settings.DATABASES).
DATABASE = "mpp.sqlite3"
#: The payment network's and billers' demo keys and tokens, the Makefile's (`make run`).
PAYNET_CLIENT_KEY = "mpp-digital-demo"
PAYNET_CLIENT_SECRET = "demo-only-paynet-secret-for-mpp-digital"
PAYNET_BANK_CLIENT_KEY = "bank-kaltimtara-demo"
PAYNET_BANK_CLIENT_SECRET = "demo-only-bank-secret-at-mpp-digital"
BILLERS_API_KEY = "demo-only-billers-key-for-mpp-digital"
SIMULATOR_ADMIN_TOKEN = "demo-admin"
#: The SMS/WhatsApp gateway's demo key for MPP Digital, the Makefile's.
GATEWAY_API_KEY = "demo-only-gateway-key-for-mpp-digital"
#: The agency systems' clients at MPP Digital (src/mpp/demo/connectors.py) and the secrets the platform signs its
#: webhooks to them with (the Makefile's CONNECTORS_ENV).
POLRI_CLIENT_ID = "skck-polresta-samarinda"
POLRI_WEBHOOK_SECRET = "whsec_ZGVtby1vbmx5LXBvbHJpLXdlYmhvb2sta2V5LTAwMDE="
KORLANTAS_CLIENT_ID = "sim-korlantas"
KORLANTAS_WEBHOOK_SECRET = "whsec_ZGVtby1vbmx5LWtvcmxhbnRhcy13ZWJob29rLTAwMDE="
#: The agency simulators' --processing-delay and --step-delay (the Procfile's 5 and 10 s are for watching).
AGENCY_DELAY_S = 1


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # tryfirst: the mark must be there before `-m browser` / `-m "not browser"` deselects.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's chromium; fails in CI and skips elsewhere when it or axe-core is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (install with: apt-get install chromium)")
    if not AXE_JS.exists():
        missing.append(f"{AXE_JS.relative_to(REPO_ROOT)} (install with: npm ci, in {REPO_ROOT})")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def face_sequences():
    """Photo frames per liveness challenge (``.blink``, ``.turn_left``, ``.turn_right``) and ``.enrol``.

    Built from face_recognition's test photos, downloaded once into var/test-data.
    """
    from simulators.dukcapil.tests.photos import sequences

    return sequences()


@pytest.fixture(scope="session")
def registry_simulator(chromium_path, tmp_path_factory, face_sequences):
    """The Dukcapil simulator as its own process for the browser session, Siti Rahmawati's face enrolled."""
    import httpx

    db = tmp_path_factory.mktemp("browser-dukcapil") / "dukcapil.sqlite3"
    prepare_database(db, persons=1_000, institutions=[("MPP Digital", "all", 1_000_000, PLATFORM_TEST_KEY)])
    with running_simulator(db) as simulator:
        response = httpx.post(
            f"{simulator.url}/api/v1/faces/enroll",
            headers={"Authorization": f"Bearer {PLATFORM_TEST_KEY}"},
            data={"nik": FACE_ENROLLED_NIK},
            files={"photo": ("enrol.jpg", face_sequences.enrol, "image/jpeg")},
            timeout=60,
        )
        assert response.status_code == 201, f"enrolling the demo face failed: {response.status_code} {response.text}"
        yield simulator


@pytest.fixture(scope="session")
def sisdmk_simulator(chromium_path, tmp_path_factory):
    """The SISDMK simulator as its own process for the browser session (the root conftest's, started only when
    chromium is there), checked to hold Dewi Lestari's STR: its own population, not the registry simulator's,
    but the demo workers are in every seed."""
    import httpx

    from simulators.sisdmk.testing import running_sisdmk

    with running_sisdmk(tmp_path_factory.mktemp("browser-sisdmk")) as simulator:
        response = httpx.get(
            f"{simulator.url}/v1/health-workers/{DEWI_LESTARI}",
            headers={"Authorization": f"Bearer {simulator.api_key}"},
            timeout=30,
        )
        assert response.status_code == 200, f"SISDMK does not know Dewi Lestari: {response.status_code} {response.text}"
        assert any(registration["is_valid"] for registration in response.json()["strs"]), response.text
        yield simulator


class Mailbox:
    """Messages the test SMTP server received, oldest first; filled from the server's thread."""

    def __init__(self):
        self.messages = []
        self.port = 0  # set once the server listens

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, recipient: str, timeout: float = 10, *, subject: str = ""):
        """The newest message to ``recipient`` (whose subject contains ``subject``), waiting for it up to
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(list(self.messages)):
                if recipient.lower() in str(message["To"]).lower() and subject in str(message["Subject"]):
                    return message
            if time.monotonic() > deadline:
                received = [f"{m['To']}: {m['Subject']}" for m in self.messages]
                wanted = f"{recipient} ({subject!r})" if subject else recipient
                pytest.fail(f"no e-mail to {wanted} within {timeout} s; received: {received}")
            time.sleep(0.1)

    def code_for(self, recipient: str, timeout: float = 10) -> str:
        """The 6-digit code in the newest message to ``recipient``."""
        body = self.wait_for(recipient, timeout).get_body(preferencelist=("plain",)).get_content()
        match = re.search(r"\b(\d{6})\b", body)
        assert match, f"no 6-digit code in the e-mail to {recipient}:\n{body}"
        return match.group(1)


@pytest.fixture(scope="session")
def mailbox(chromium_path):
    """A real SMTP server (aiosmtpd) on a free loopback port; the live app sends its mail there."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def loaded_database(chromium_path, tmp_path_factory, registry_simulator, sisdmk_simulator, mailbox) -> Path:
    """An SQLite database loaded as ``make run`` loads it (migrations, regions, catalog), for each app to copy."""
    var_dir = tmp_path_factory.mktemp("loaded-app")
    env = _app_env(var_dir, registry_simulator, sisdmk_simulator, mailbox)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_regions", env=env)
    manage("seed_catalog", env=env)
    manage("seed_onboarding", env=env)
    return var_dir / DATABASE


@pytest.fixture(scope="session")
def live_url(chromium_path, tmp_path_factory, loaded_database, registry_simulator, sisdmk_simulator, mailbox):
    """Base URL of the app served by its own process on a fresh SQLite database; stopped after the session.

    It reads the registry from ``registry_simulator`` and health workers from ``sisdmk_simulator``, and sends
    e-mail to ``mailbox``.
    """
    var_dir = tmp_path_factory.mktemp("live-app")
    env = _app_env(var_dir, registry_simulator, sisdmk_simulator, mailbox)
    _copy_database(loaded_database, var_dir)
    manage("create_demo_ca", env=env)
    with running_platform(env, var_dir / "runserver.log") as url:
        yield url


@dataclass(frozen=True)
class DemoPlatform:
    url: str
    #: The notifier's output, to read when an e-mail does not come.
    notifier_log: Path
    #: The payment network's simulator: its bank page at ``{paynet.url}/bank/``, its admin API.
    paynet: RunningPaynet
    #: The PBB-P2 and PDAM back ends' simulator (its demo data as of today), its admin API.
    billers: RunningBillers


@pytest.fixture(scope="session")
def demo_platform(chromium_path, tmp_path_factory, loaded_database, registry_simulator, sisdmk_simulator, mailbox):
    """The app as ``make run`` starts it, demo accounts included (``manage.py seed_demo``), with its notifier
    (``manage.py deliver_notifications``) sending the outbox to ``mailbox``, its task worker (``manage.py
    db_worker``, which signs payment receipts), the demo CA's trust services (time-stamping and OCSP,
    ``simulators.trust``), the payment network (``simulators.paynet``: its keys made in the app's var dir, its
    notifications sent to the app) and the billers' back ends (``simulators.billers``, their demo data), each as
    its own process; stopped after the session.

    Its own database, not ``live_url``'s: the account tests register Siti Rahmawati themselves, and here
    she is the demo citizen with her password. Same registry and SISDMK simulators and SMTP server.
    """
    var_dir = tmp_path_factory.mktemp("demo-app")
    with _running_demo_platform(var_dir, loaded_database, registry_simulator, sisdmk_simulator, mailbox) as platform:
        yield platform


@contextmanager
def _running_demo_platform(
    var_dir: Path,
    loaded_database: Path,
    registry_simulator,
    sisdmk_simulator,
    mailbox,
    *,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
    seed_options: tuple[str, ...] = (),
) -> Iterator[DemoPlatform]:
    """``demo_platform``'s app and processes in ``var_dir``, on ``port`` (a free one unless given), with
    ``extra_env`` added to the app's environment and ``seed_options`` to ``seed_demo``; until the block ends."""
    from simulators.billers.testing import running_billers
    from simulators.paynet.testing import running_paynet
    from simulators.trust.testing import running_trust

    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    trust_port = free_port()
    trust_url = f"http://127.0.0.1:{trust_port}"
    keys_dir = var_dir / "paynet"
    _run([sys.executable, "-m", "simulators.paynet", "keys", "--dir", str(keys_dir)])  # as make run does
    with ExitStack() as running:
        paynet = running.enter_context(
            running_paynet(
                var_dir,  # its database and log beside the app's, as make run's under var/
                platform_url=url,
                keys_dir=keys_dir,
                client_key=PAYNET_CLIENT_KEY,
                client_secret=PAYNET_CLIENT_SECRET,
                bank_client_key=PAYNET_BANK_CLIENT_KEY,
                bank_client_secret=PAYNET_BANK_CLIENT_SECRET,
                admin_token=SIMULATOR_ADMIN_TOKEN,
                retry_base=0.5,  # serve's defaults, as under make run
                max_attempts=10,
            )
        )
        billers = running.enter_context(
            running_billers(var_dir, api_key=BILLERS_API_KEY, admin_token=SIMULATOR_ADMIN_TOKEN)
        )
        env = _app_env(var_dir, registry_simulator, sisdmk_simulator, mailbox) | {
            "SITE_URL": url,
            "DOCUMENT_SIGNING_TSA_URL": f"{trust_url}/tsa",
            # The app's side of the payment network and the billers, as the Makefile gives them.
            "PAYNET_URL": paynet.url,
            "PAYNET_CLIENT_KEY": PAYNET_CLIENT_KEY,
            "PAYNET_CLIENT_SECRET": PAYNET_CLIENT_SECRET,
            "PAYNET_BANK_CLIENT_KEY": PAYNET_BANK_CLIENT_KEY,
            "PAYNET_BANK_CLIENT_SECRET": PAYNET_BANK_CLIENT_SECRET,
            "PAYNET_PRIVATE_KEY_FILE": str(paynet.keys.platform_private),
            "PAYNET_BANK_PUBLIC_KEY_FILE": str(paynet.keys.network_public),
            "BILLERS_URL": billers.url,
            "BILLERS_API_KEY": BILLERS_API_KEY,
        }
        env |= extra_env or {}
        _copy_database(loaded_database, var_dir)
        # An approval issues a signed document, timestamped (PAdES B-LTA), as after make run.
        manage("create_demo_ca", "--services-url", trust_url, env=env)
        # As make run seeds: before the trust services run (the demo agreements' first signatures are basic).
        seed_env = {key: value for key, value in env.items() if key != "DOCUMENT_SIGNING_TSA_URL"}
        manage("seed_demo", *seed_options, env=seed_env)
        manage("rebuild_statistics", env=env)
        notifier_log = var_dir / "notifier.log"
        running.enter_context(
            _running_command(["deliver_notifications", "--interval", "0.1"], env=env, log_path=notifier_log)
        )
        # The Procfile's worker; without the autoreloader (DEBUG turns it on), so stopping it stops its work too.
        running.enter_context(
            _running_command(["db_worker", "--interval", "1", "--no-reload"], env=env, log_path=var_dir / "worker.log")
        )
        running.enter_context(running_trust(var_dir, ca_dir=var_dir / "signing", port=trust_port))
        running.enter_context(running_platform(env, var_dir / "runserver.log", port))
        yield DemoPlatform(url=url, notifier_log=notifier_log, paynet=paynet, billers=billers)


@dataclass(frozen=True)
class ConnectedPlatform(DemoPlatform):
    """``demo_platform`` as ``make run`` connects it to other systems: the SMS/WhatsApp gateway and the agencies'
    own systems (``src/mpp/demo/connectors.py``)."""

    #: The SMS/WhatsApp gateway's simulator: ``gateway.messages(to=<number>)`` is the simulated phone.
    gateway: RunningGateway
    #: Polri's SKCK system (the agency simulator, profile polri), which forwarded SKCK applications reach.
    polri: RunningAgency
    #: Korlantas's SIM Online (profile korlantas) with its handed-over portal at ``{korlantas.url}/portal/``.
    korlantas: RunningAgency


@pytest.fixture(scope="session")
def connected_platform(chromium_path, tmp_path_factory, loaded_database, registry_simulator, sisdmk_simulator, mailbox):
    """A second demo platform (its own database and processes, as ``demo_platform``'s) that also runs, as ``make
    run`` does, the SMS/WhatsApp gateway simulator (``simulators.gateway``, MPP Digital its client: WhatsApp
    messages are really sent, to the simulated phone) and the agency simulators of the demo's connected systems
    (``simulators.agency``): Polri's SKCK system, to which SKCK applications are forwarded, and Korlantas's SIM
    Online with its portal, which signs citizens in with MPP Digital and reports their cases back. Each with the
    demo secrets of ``src/mpp/demo/connectors.py`` and the Makefile, and one-second delays so statuses move
    quickly. Apart from ``demo_platform``, so that what the other tests see stays as it was (with a gateway, a
    queue ticket's page offers to text it, and every notice to a citizen with a phone goes there too); started only
    by the tests that use it, and its own processes cost about what ``demo_platform``'s do.
    """
    from mpp.demo.connectors import KORLANTAS_PORTAL_CLIENT, KORLANTAS_PORTAL_SECRET, SYSTEMS
    from simulators.agency.testing import running_agency
    from simulators.gateway.testing import running_gateway

    secrets = {system.client_id: system.client_secret for system in SYSTEMS}
    var_dir = tmp_path_factory.mktemp("connected-app")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    korlantas_port = free_port()  # fixed before it starts: the platform registers the portal's redirect URI
    korlantas_url = f"http://127.0.0.1:{korlantas_port}"
    agency = {
        "processing_delay": AGENCY_DELAY_S,
        "step_delay": AGENCY_DELAY_S,
        "retry_base": 0.5,  # serve's default, as under make run
        "admin_token": SIMULATOR_ADMIN_TOKEN,
    }
    with ExitStack() as running:
        gateway = running.enter_context(
            running_gateway(_subdir(var_dir, "gateway"), api_key=GATEWAY_API_KEY, admin_token=SIMULATOR_ADMIN_TOKEN)
        )
        polri = running.enter_context(
            running_agency(
                _subdir(var_dir, "agency-polri"),
                profile="polri",
                webhook_secret=POLRI_WEBHOOK_SECRET,
                client_id=POLRI_CLIENT_ID,
                client_secret=secrets[POLRI_CLIENT_ID],
                **agency,
            )
        )
        korlantas = running.enter_context(
            running_agency(
                _subdir(var_dir, "agency-korlantas"),
                profile="korlantas",
                port=korlantas_port,
                webhook_secret=KORLANTAS_WEBHOOK_SECRET,
                client_id=KORLANTAS_CLIENT_ID,
                client_secret=secrets[KORLANTAS_CLIENT_ID],
                options=[
                    *("--oidc-issuer", url, "--oidc-client-id", KORLANTAS_PORTAL_CLIENT),
                    *("--public-url", korlantas_url, "--platform-url", url),
                ],
                env={"AGENCY_OIDC_CLIENT_SECRET": KORLANTAS_PORTAL_SECRET},  # out of `ps`, as its README says
                **agency,
            )
        )
        platform = running.enter_context(
            _running_demo_platform(
                var_dir,
                loaded_database,
                registry_simulator,
                sisdmk_simulator,
                mailbox,
                port=port,
                extra_env={
                    "SMS_GATEWAY_URL": gateway.url,
                    "SMS_GATEWAY_API_KEY": GATEWAY_API_KEY,
                    # The Makefile's CONNECTORS_ENV: where and with which secret SKCK applications are forwarded.
                    "MPP_CONNECTOR_POLRI_SKCK_URL": f"{polri.url}/webhooks/mpp",
                    "MPP_CONNECTOR_POLRI_SKCK_SECRET": POLRI_WEBHOOK_SECRET,
                },
                seed_options=("--korlantas-url", korlantas_url),
            )
        )
        yield ConnectedPlatform(
            **{field.name: getattr(platform, field.name) for field in fields(DemoPlatform)},
            gateway=gateway,
            polri=polri,
            korlantas=korlantas,
        )


def _subdir(parent: Path, name: str) -> Path:
    path = parent / name
    path.mkdir()
    return path


def _run(command: list[str]) -> None:
    """Runs ``command`` from the repository root; fails the test with its output when it fails."""
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        pytest.fail(f"`{' '.join(command[1:])}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}", False)


@contextmanager
def _running_command(args: list[str], *, env: dict[str, str], log_path: Path) -> Iterator[None]:
    """``manage.py <args>`` as its own process (a notifier, a task worker) until the block ends, its output in
    ``log_path``; stopped with SIGTERM (it finishes the round or task it is in, then exits)."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _app_env(var_dir: Path, registry_simulator, sisdmk_simulator, mailbox) -> dict[str, str]:
    """The app's environment: a fresh SQLite database in ``var_dir``, the registry and SISDMK simulators, the SMTP
    server."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The demo platforms set their own; the others run without a gateway or connected systems.
        if not key.startswith(("PAYNET_", "BILLERS_", "SMS_GATEWAY_", "MPP_CONNECTOR_"))
    }
    env |= {"DEBUG": "true", "MPP_VAR_DIR": str(var_dir), "MPP_DEMO_MODE": "true"}
    env.pop("DATABASE_URL", None)  # SQLite even when the rest of the suite runs on PostgreSQL
    env.pop("REDIS_URL", None)  # the rate limits live in this process only: a fresh count per session
    env["PYTHONUNBUFFERED"] = "1"
    env.update(
        DUKCAPIL_URL=registry_simulator.url,
        DUKCAPIL_API_KEY=PLATFORM_TEST_KEY,
        SISDMK_URL=sisdmk_simulator.url,
        SISDMK_API_KEY=sisdmk_simulator.api_key,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mailbox.port),
        EMAIL_USE_TLS="false",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    )
    return env


def _copy_database(database: Path, var_dir: Path) -> None:
    """``database`` as the app's database in ``var_dir``, copied by SQLite (whatever its journal holds)."""
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(var_dir / DATABASE)) as copy:
        source.backup(copy)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def csp_violations():
    """What the browser refused under the Content-Security-Policy during the test: must stay empty."""
    refused: list[str] = []
    yield refused
    assert not refused, "Content-Security-Policy violations:\n" + "\n".join(refused)


def _watch_csp(page, refused: list[str]):
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    return page


@pytest.fixture
def page(browser, csp_violations):
    """A page in a fresh context: a phone-sized screen, Indonesian locale, no cookies or cache; CSP watched."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    yield _watch_csp(context.new_page(), csp_violations)
    context.close()


@pytest.fixture
def new_page(browser, csp_violations):
    """Opens more pages, each in its own fresh phone-sized context, with extra context options; CSP watched."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(**{"viewport": PHONE, "locale": "id-ID", **options})
        contexts.append(context)
        return _watch_csp(context.new_page(), csp_violations)

    yield open_page
    for context in contexts:
        context.close()


def _assert_accessible(page) -> None:
    """Fails listing every serious or critical WCAG 2.1 A/AA violation axe-core finds on the page."""
    # Through the DevTools protocol, not a <script> tag: the page's CSP allows no inline script, rightly.
    page.context.new_cdp_session(page).send("Runtime.evaluate", {"expression": AXE_JS.read_text()})
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            });
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:"]
        for violation in blocking:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.append(f"  {violation['helpUrl']}")
            for node in violation["nodes"]:
                lines.append(f"    {' '.join(map(str, node['target']))}: {node['html']}")
                lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines())
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)``: axe-core's WCAG 2.1 A/AA check, strict on serious and critical."""
    return _assert_accessible
