"""What the seed scripts share (bench/*_seed.py): progress on stderr, the time of each step for the report, and
skipping the foreign-key triggers of a bulk load as pg_restore does. Imports nothing of the platform."""

import sys
import time


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Steps:
    """Times each step of a seeding, for the report: ``steps("name", work)`` runs ``work()`` and keeps its time."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, work):
        started = time.perf_counter()
        result = work()
        self.seconds[name] = round(time.perf_counter() - started, 2)
        say(f"    {name}: {self.seconds[name]:.1f} s")
        return result


def skip_foreign_key_checks(cursor) -> bool:
    """As a superuser, skip the foreign-key triggers of this transaction, as pg_restore does (every row comes from
    what it references; the deferred checks of millions of rows took over a minute at commit)."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def sign_in(users) -> dict[int, str]:
    """A signed-in session for each user, as django.contrib.auth.login leaves it, through the session engine's
    own encoding (inserted in bulk); returns {user id: session key}. Call after ``django.setup()``."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    store = SessionStore()
    expires = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    keys, rows = {}, []
    for user in users:
        key = get_random_string(32, VALID_KEY_CHARS)
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: user.get_session_auth_hash()}
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys
