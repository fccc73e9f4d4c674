"""Shared test fixtures: the real reference data, loaded once per test database.

Every test database gets all Kemendagri regions, the national catalog with the pilot
MPPs and the pilots' place in MPP Digital, exactly as `make run` loads them; tests run
inside transactions on top.
"""

import pytest


def _load_reference_data(blocker) -> None:
    from mpp.catalog.seed import seed_catalog
    from mpp.onboarding.seed import record_pilots
    from mpp.regions.services import load_regions

    with blocker.unblock():
        load_regions()
        seed_catalog()
        record_pilots()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    _load_reference_data(django_db_blocker)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A ``transaction=True`` test ends with a flush that empties every table, reference data
    included: load it again, after the flush, for the tests that follow."""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction") and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        _load_reference_data(item.config.stash[blocking_manager_key])


@pytest.fixture(autouse=True)
def _language_of_each_test_is_its_own():
    """A request in English leaves English active in the thread: start and end each test in Indonesian."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.activate("id")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ministry(db):
    from mpp.identity.tests.factories import make_staff

    return make_staff("ministry", "ministry")


@pytest.fixture
def samarinda_manager(db):
    from mpp.identity.tests.factories import make_staff

    return make_staff("alice.samarinda", "mpp_manager", "64.72")


@pytest.fixture
def surakarta_manager(db):
    from mpp.identity.tests.factories import make_staff

    return make_staff("bob.surakarta", "mpp_manager", "33.72")


class _Mailbox:
    """Messages received by the test SMTP server, newest last."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def last_body(self) -> str:
        return self.messages[-1].get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port; Django sends its mail there."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = _Mailbox()
    mailbox.port = port
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield mailbox
    controller.stop()


@pytest.fixture(scope="session")
def dukcapil_simulator(tmp_path_factory):
    """The registry simulator as its own process with its own small population, for the whole session."""
    from simulators.dukcapil.testing import PLATFORM_TEST_KEY, prepare_database, running_simulator

    db = tmp_path_factory.mktemp("dukcapil") / "dukcapil.sqlite3"
    prepare_database(db, persons=1_000, institutions=[("MPP Digital", "all", 1_000_000, PLATFORM_TEST_KEY)])
    with running_simulator(db) as simulator:
        yield simulator


@pytest.fixture
def dukcapil(dukcapil_simulator, settings):
    """Point the platform at the running simulator, with healthy faults and a closed breaker."""
    from mpp.registry.dukcapil import breaker
    from simulators.dukcapil.testing import PLATFORM_TEST_KEY, set_faults

    settings.DUKCAPIL_URL = dukcapil_simulator.url
    settings.DUKCAPIL_API_KEY = PLATFORM_TEST_KEY
    breaker.close()
    set_faults(dukcapil_simulator)
    yield dukcapil_simulator
    set_faults(dukcapil_simulator)
    breaker.close()


@pytest.fixture(scope="session")
def demo_ca(tmp_path_factory):
    """The demo certification authority, made once per session in a temporary directory (never var/)."""
    from mpp.documents.demo_ca import create_demo_ca

    return create_demo_ca(tmp_path_factory.mktemp("signing"))


@pytest.fixture(scope="session")
def trust_services(tmp_path_factory):
    """A second demo CA whose trust services run: the time-stamping authority and the OCSP responder
    named in its certificates, as their own process (simulators/trust). For PAdES B-LTA."""
    from mpp.documents.demo_ca import create_demo_ca
    from simulators.processes import free_port
    from simulators.trust.testing import running_trust

    directory = tmp_path_factory.mktemp("trust")
    port = free_port()
    ca = create_demo_ca(directory / "ca", services_url=f"http://127.0.0.1:{port}")
    with running_trust(directory, ca_dir=ca.directory, port=port) as trust:
        yield trust


@pytest.fixture
def long_term_signing(trust_services, settings):
    """Sign at PAdES B-LTA with the CA of ``trust_services``: timestamps, validation data, archive timestamp."""
    trust_services.clear_faults()
    settings.DOCUMENT_SIGNING_DIR = trust_services.ca_dir
    settings.DOCUMENT_SIGNING_TSA_URL = f"{trust_services.url}/tsa"
    return trust_services


@pytest.fixture(autouse=True)
def demo_signing(demo_ca, settings):
    """Every test signs with the session's demo CA (an approval issues a signed document)."""
    settings.DOCUMENT_SIGNING_DIR = demo_ca.directory
    settings.DOCUMENT_SIGNING_BACKEND = "file"
    settings.DOCUMENT_SIGNING_TRUST_ROOTS = []
    settings.DOCUMENT_SIGNING_TSA_URL = ""
    return demo_ca


@pytest.fixture(scope="session")
def sisdmk_simulator(tmp_path_factory):
    """The SISDMK simulator as its own process (health workers linked to a registry population)."""
    from simulators.sisdmk.testing import running_sisdmk

    with running_sisdmk(tmp_path_factory.mktemp("sisdmk")) as simulator:
        yield simulator


@pytest.fixture
def sisdmk(sisdmk_simulator, settings):
    """Point the platform at the running SISDMK simulator, with healthy faults and a closed breaker."""
    from mpp.registry.sisdmk import breaker

    settings.SISDMK_URL = sisdmk_simulator.url
    settings.SISDMK_API_KEY = sisdmk_simulator.api_key
    breaker.close()
    yield sisdmk_simulator
    sisdmk_simulator.clear_faults()
    breaker.close()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` (races that only a server database can show) need PostgreSQL.

    On SQLite they skip with the reason; under CI they are deselected instead, because CI runs
    the whole suite on PostgreSQL first and a CI run must not show skips.
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    marked = [item for item in items if item.get_closest_marker("postgres")]
    if not marked:
        return
    import os

    if os.environ.get("CI") == "true":
        config.hook.pytest_deselected(items=marked)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    for item in marked:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def lapor_simulator(tmp_path_factory):
    """The SP4N-LAPOR! simulator as its own process, for the whole session; without a callback URL
    (the platform polls it; a test that wants callbacks runs its own with running_lapor)."""
    from simulators.lapor.testing import TEST_API_KEY, TEST_WEBHOOK_SECRET, running_lapor

    directory = tmp_path_factory.mktemp("lapor")
    with running_lapor(directory, api_key=TEST_API_KEY, webhook_secret=TEST_WEBHOOK_SECRET) as simulator:
        yield simulator


@pytest.fixture
def lapor(lapor_simulator, settings):
    """Point the platform at the running LAPOR! simulator, with healthy faults."""
    settings.LAPOR_URL = lapor_simulator.url
    settings.LAPOR_API_KEY = lapor_simulator.api_key
    settings.LAPOR_WEBHOOK_SECRET = lapor_simulator.webhook_secret
    lapor_simulator.clear_faults()
    yield lapor_simulator
    lapor_simulator.clear_faults()


@pytest.fixture(scope="session")
def billers_simulator(tmp_path_factory):
    """The PBB-P2 and PDAM back ends as their own process, for the whole session, on a fixed day."""
    from simulators.billers.testing import running_billers

    with running_billers(tmp_path_factory.mktemp("billers"), today="2026-12-07") as simulator:
        yield simulator


@pytest.fixture
def billers(billers_simulator, settings):
    """Point the platform at the running billers' simulator, with healthy faults."""
    settings.BILLERS_URL = billers_simulator.url
    settings.BILLERS_API_KEY = billers_simulator.api_key
    billers_simulator.clear_faults()
    yield billers_simulator
    billers_simulator.clear_faults()
