"""The PostgreSQL backend with health checks for idle connections only.

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before every request that reuses a
persistent connection: one more round trip per request, about a tenth of a userinfo call.
A connection that finished a request without errors a moment ago is almost certainly still
good, so it is probed only when it has been idle for ``DATABASE_HEALTH_CHECK_IDLE_SECONDS``
(5 s by default; 0 probes every time, as Django does). A database that restarts within those
seconds costs each such connection one failed request, after which Django drops it.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _good_at: float | None = None

    def close_if_unusable_or_obsolete(self):
        fresh = (
            self.connection is not None
            and not self.errors_occurred
            and self._good_at is not None
            and time.monotonic() - self._good_at < settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS
        )
        super().close_if_unusable_or_obsolete()
        if self.connection is None:
            self._good_at = None
            return
        if fresh:
            self.health_check_done = True
        if not self.errors_occurred:
            self._good_at = time.monotonic()
