"""Reads that tolerate a few seconds' lag, from the streaming replica (``DATABASE_REPLICA_URL``).

A view marked ``@replica_reads`` reads the reference and aggregate data of ``REPLICA_APPS`` (regions, the
catalog, onboarding stages, the survey index, statistics, village offices) from the replica. Everything else
stays on the primary, also inside such a view: sessions and users (a person who signed in a second ago is signed
in), and every write. Views that write, or read what was just written — a submission, the officer's worklist,
the citizen's dashboard, the document verification page (it must say "valid" for a document issued a second ago
and "revoked" the moment it is revoked) — are not marked.

When the replica fails a view (it is stopped, restarting, unreachable within its connect timeout), the view runs
again on the primary and this process reads from the primary for ``DATABASE_REPLICA_RETRY_SECONDS`` before it
tries the replica again: the pages keep working, a little slower, while the replica is away. Marked views only
read, so running one twice is safe.
"""

import contextvars
import logging
import time
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import InterfaceError, OperationalError

REPLICA = "replica"
#: The apps whose rows a marked view may read from the replica: reference data and aggregates kept by the worker.
REPLICA_APPS = frozenset({"regions", "catalog", "onboarding", "surveys", "statistics", "villages"})

logger = logging.getLogger(__name__)
_reading = contextvars.ContextVar("replica_reads", default=False)
_down_until = 0.0


def configured() -> bool:
    return REPLICA in settings.DATABASES


def available() -> bool:
    """Configured, and it has not failed this process in the last few seconds."""
    return configured() and time.monotonic() >= _down_until


def mark_down() -> None:
    """Read from the primary for a while: the replica just failed a view."""
    global _down_until
    _down_until = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS


class ReplicaRouter:
    """Sends the reads of ``REPLICA_APPS`` inside a ``@replica_reads`` view to the replica; nothing else."""

    def db_for_read(self, model, **hints):
        if _reading.get() and model._meta.app_label in REPLICA_APPS and available():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: rows from either relate

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # the replica follows the primary's schema by replication


def replica_reads(view):
    """Mark a read-only view whose pages tolerate a few seconds' lag (see the module's docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not available():
            return view(request, *args, **kwargs)
        token = _reading.set(True)
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            replica = connections[REPLICA]
            if not replica.errors_occurred:
                raise  # the primary's error, not the replica's: nothing to fall back to
            logger.warning("replica failed %s: reading from the primary for a while", request.path, exc_info=True)
            mark_down()
            _close(replica)
        finally:
            _reading.reset(token)
        return view(request, *args, **kwargs)

    return wrapper


def _close(replica) -> None:
    try:
        replica.close()
    except (OperationalError, InterfaceError):
        replica.connection = None  # already broken: let the next use connect afresh
