"""Long-running commands (the task worker, the notifier) ride out a database that goes away for a while — a
primary restarting, a failover — instead of exiting: the round that failed is given up (its claims expire and are
taken again), the connections are dropped, and the command waits a little longer each time before it tries again,
up to ``MAX_WAIT_SECONDS``, logging each failure once.
"""

import contextlib
import logging
import time
from dataclasses import dataclass

from django.db import connections
from django.db.utils import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

FIRST_WAIT_SECONDS = 0.5
MAX_WAIT_SECONDS = 10.0


@dataclass
class Outage:
    """How the round went: ``waited`` when the database failed it (the caller's loop goes round again)."""

    waited: bool = False
    failures: int = 0


_current = Outage()


@contextlib.contextmanager
def database_outages_waited():
    """Run one round; when the database fails it, drop the connections, wait (longer each time in a row) and
    report ``waited``. A round that succeeds ends the outage."""
    outage = Outage(failures=_current.failures)
    try:
        yield outage
    except (OperationalError, InterfaceError) as error:
        _current.failures += 1
        wait = min(FIRST_WAIT_SECONDS * 2 ** (_current.failures - 1), MAX_WAIT_SECONDS)
        logger.warning("database unavailable (%s); trying again in %.1f s", str(error).strip()[:200], wait)
        connections.close_all()
        time.sleep(wait)
        outage.waited, outage.failures = True, _current.failures
    else:
        if _current.failures:
            logger.warning("database available again after %d failed rounds", _current.failures)
        _current.failures = 0
