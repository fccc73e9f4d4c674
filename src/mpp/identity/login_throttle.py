"""Sign-in limits that slow guessing down without letting anyone lock a citizen out (docs/operators.md).

- Only failures count: a correct password never uses up anything.
- **Per account and address**: PAIR_LIMIT failures in a window, and that address may not try
  that account again until the window ends. This stops the attacker's address, not the owner's.
- **Per address**: ADDRESS_LIMIT failures in a window across all accounts (one address
  guessing many NIKs).
- **Per account, from everywhere**: after ACCOUNT_FREE failures in a window, each attempt
  waits a delay that doubles with every further failure (2 s, 4 s … up to MAX_DELAY) after the
  last one. Guessing from many addresses slows to a crawl, while the owner is at most a few
  minutes from signing in — never locked out for a window.
- **Known devices**: a browser the account signed in from before (``known_device``: a signed
  cookie) skips the pair and account limits, so the owner signs in with the right password
  even during an attack. Its own failures are limited per device.
- At ALERT_AT failures in a window, the owner is told by e-mail and SMS (once per window).

Counters live in the cache: Redis when REDIS_URL is set, so every node counts the same.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
PAIR_LIMIT = 5
ADDRESS_LIMIT = 30
ACCOUNT_FREE = 10
MAX_DELAY_SECONDS = 5 * 60
DEVICE_LIMIT = 10
ALERT_AT = 10

DEVICE_COOKIE = "mpp_device"
DEVICE_COOKIE_SECONDS = 365 * 24 * 3600
_DEVICE_SALT = "mpp.identity.known-device"
#: Accounts one browser remembers (a family computer): the newest are kept.
_DEVICE_ACCOUNTS = 5


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    #: When refused: seconds until the next attempt may be made.
    wait_seconds: int = 0


def check(*, account_key: str, address: str, device: str = "", now: float | None = None) -> Verdict:
    """Whether a sign-in attempt may be checked at all. ``device`` is the known device's id ("" when unknown)."""
    now = time.time() if now is None else now
    window_left = _window_left(now)
    if device:
        return Verdict(False, window_left) if _count("device", device, now) >= DEVICE_LIMIT else Verdict(True)
    if (
        _count("address", address, now) >= ADDRESS_LIMIT
        or _count("pair", f"{account_key}|{address}", now) >= PAIR_LIMIT
    ):
        return Verdict(False, window_left)
    failures = _count("account", account_key, now)
    if failures < ACCOUNT_FREE:
        return Verdict(True)
    delay = min(2 ** (failures - ACCOUNT_FREE + 1), MAX_DELAY_SECONDS)
    last = cache.get(_key("last", account_key)) or 0
    wait = int(last + delay - now) + 1
    return Verdict(True) if wait <= 0 else Verdict(False, min(wait, MAX_DELAY_SECONDS))


def record_failure(*, account_key: str, address: str, device: str = "", now: float | None = None) -> int:
    """Count a failed attempt everywhere it counts; returns the account's failures in this window."""
    now = time.time() if now is None else now
    if device:
        _increment("device", device, now)
    else:
        _increment("address", address, now)
        _increment("pair", f"{account_key}|{address}", now)
    cache.set(_key("last", account_key), now, WINDOW_SECONDS)
    return _increment("account", account_key, now)


def window_of(now: float | None = None) -> int:
    """The number of the current window (for "once per window" keys)."""
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


# --- known devices ---------------------------------------------------------------------------


def device_id(cookie: str, account_id) -> str:
    """The id of this browser as a known device of ``account_id``, or "" when it is not one."""
    try:
        payload = signing.loads(cookie, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_SECONDS)
    except signing.BadSignature:
        return ""
    if not isinstance(payload, dict) or str(account_id) not in payload.get("accounts", []):
        return ""
    return str(payload.get("id", ""))


def remember_device(cookie: str, account_id) -> str:
    """The cookie value that adds ``account_id`` to this browser's known accounts (a new device id if none)."""
    try:
        payload = signing.loads(cookie, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_SECONDS)
    except signing.BadSignature:
        payload = {}
    if not isinstance(payload, dict) or not payload.get("id"):
        payload = {"id": secrets.token_hex(12)}
    accounts = [a for a in payload.get("accounts", []) if a != str(account_id)] + [str(account_id)]
    payload["accounts"] = accounts[-_DEVICE_ACCOUNTS:]
    return signing.dumps(payload, salt=_DEVICE_SALT)


# --- counters --------------------------------------------------------------------------------


def _key(kind: str, value: str, window: int | None = None) -> str:
    digest = hashlib.blake2b(value.encode(), digest_size=16).hexdigest()
    return f"login-throttle:{kind}:{digest}" + (f":{window}" if window is not None else "")


def _count(kind: str, value: str, now: float) -> int:
    return cache.get(_key(kind, value, window_of(now))) or 0


def _increment(kind: str, value: str, now: float) -> int:
    key = _key(kind, value, window_of(now))
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def _window_left(now: float) -> int:
    return int(WINDOW_SECONDS - now % WINDOW_SECONDS) + 1
