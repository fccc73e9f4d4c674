"""Schemathesis fuzzes every operation of the public OpenAPI schema: no input may cause a 5xx,
and every answer must match the schema (status codes, content types, bodies)."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from mpp.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    # The WSGI handler closes "old" connections around each request; inside a test that is
    # the connection holding the test transaction (Django's test client disconnects these too).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_input_makes_the_api_fail(case):
    case.call_and_validate(checks=[not_a_server_error, content_type_conformance, response_schema_conformance])
