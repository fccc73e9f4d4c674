"""The registry adapter's behaviour when the registry misbehaves: timeouts, retries, circuit breaker.

A scripted HTTP server on loopback plays the registry badly on purpose; the real
simulator is exercised end to end in identity's registration tests.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pybreaker
import pytest

from mpp.audit.models import AccessKind, DataAccess
from mpp.registry import services
from mpp.registry.dukcapil import Actor, RegistryRefused, RegistryUnavailable, breaker

ACTOR = Actor("MPP Digital", "uji")
NIK = "6472015204900003"


class Script:
    def __init__(self):
        self.status, self.delay, self.calls = 200, 0.0, 0


@pytest.fixture
def registry(settings):
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            script.calls += 1
            time.sleep(script.delay)
            body = json.dumps({"nik": NIK, "matches": {"name": True}, "name": "SITI"}).encode()
            self.send_response(script.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.DUKCAPIL_URL = f"http://127.0.0.1:{server.server_port}"
    settings.DUKCAPIL_API_KEY = "test-key"
    settings.DUKCAPIL_TIMEOUT_SECONDS = 0.3
    breaker.close()
    yield script
    server.shutdown()
    breaker.close()


@pytest.mark.django_db
def test_a_slow_registry_times_out_quickly_and_reads_are_retried_three_times(registry):
    registry.delay = 1.0
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable):
        services.read_person(nik=NIK, actor=ACTOR)
    assert registry.calls == 3
    assert time.monotonic() - started < 2.5


@pytest.mark.django_db
def test_server_errors_are_retried_then_reported_unavailable(registry):
    registry.status = 503
    with pytest.raises(RegistryUnavailable):
        services.verify_person(nik=NIK, elements={"name": "SITI"}, actor=ACTOR)
    assert registry.calls == 3


@pytest.mark.django_db
def test_the_breaker_opens_after_repeated_failures_and_stops_calling(registry):
    registry.status = 503
    for _ in range(2):
        with pytest.raises(RegistryUnavailable):
            services.read_person(nik=NIK, actor=ACTOR)
    assert breaker.current_state == pybreaker.STATE_OPEN
    calls = registry.calls
    with pytest.raises(RegistryUnavailable):
        services.read_person(nik=NIK, actor=ACTOR)
    assert registry.calls == calls  # not even tried


@pytest.mark.django_db
def test_a_refusal_is_not_a_failure_of_the_registry(registry):
    registry.status = 403
    for _ in range(6):
        with pytest.raises(RegistryRefused):
            services.verify_person(nik=NIK, elements={"name": "SITI"}, actor=ACTOR)
    assert breaker.current_state == pybreaker.STATE_CLOSED
    assert registry.calls == 6  # 4xx is an answer: not retried


@pytest.mark.django_db
def test_every_attempt_is_recorded_for_the_citizen_even_a_failed_one(registry):
    registry.status = 503
    with pytest.raises(RegistryUnavailable):
        services.verify_person(nik=NIK, elements={"name": "SITI", "birth_date": "1990-04-12"}, actor=ACTOR)
    use = DataAccess.objects.get(subject_nik=NIK)
    assert use.kind == AccessKind.REGISTRY_VERIFY
    assert use.outcome == "gagal"
    assert use.fields == ["birth_date", "name"]
    assert use.purpose == "uji"


def test_an_unconfigured_registry_is_unavailable_not_a_crash(settings):
    settings.DUKCAPIL_API_KEY = ""
    from mpp.registry.dukcapil import DukcapilClient

    with pytest.raises(RegistryUnavailable):
        DukcapilClient.from_settings().person(NIK, ACTOR)
