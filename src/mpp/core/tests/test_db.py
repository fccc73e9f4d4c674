"""Persistent PostgreSQL connections are probed before a request only after they have been idle."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def between_requests():
    """What Django runs when a request ends and when the next one starts (request_finished/started)."""
    connection.close_if_unusable_or_obsolete()


def test_only_idle_or_erring_connections_are_probed(settings):
    assert connection.health_check_enabled  # CONN_HEALTH_CHECKS, as in production
    # Used a moment ago: no SELECT 1 before the next request's first query.
    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 5
    # A fresh connection: the worker's may be older than CONN_MAX_AGE (60 s) by now, and would be closed for that.
    connection.close()
    connection.ensure_connection()
    between_requests()
    between_requests()
    assert connection.health_check_done

    # A connection that saw an error is probed by Django whatever its age.
    connection.errors_occurred = True
    between_requests()
    assert connection.health_check_done and not connection.errors_occurred

    # Idle (here: any age): probed; a broken one is found and replaced before it is used.
    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 0
    between_requests()
    assert not connection.health_check_done
    connection.connection.close()  # the server went away
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
