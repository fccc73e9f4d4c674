"""Rate limits of the pages people could hammer: registration, sign-in, tracking, verification."""

from django_ratelimit.core import is_ratelimited


def over_limit(request, group: str, key, rate: str, method: str = "POST") -> bool:
    """Count this request of ``method`` against ``rate`` (``"10/h"``) per ``key`` of django-ratelimit
    (``"ip"``, ``"user"``, ``"post:<field>"`` or a callable) in the cache; True when it is over."""
    return is_ratelimited(request, group=group, key=key, rate=rate, method=method, increment=True)
