"""Circuit breakers in front of other systems (the registries), shared by every process when there is Redis.

Five failures in a row open a breaker for 30 s: calls then fail at once with the system's "unavailable" message
instead of each waiting for its timeout. With ``REDIS_URL`` the breaker's state (pybreaker's
``CircuitRedisStorage``) is one for all nodes and workers: the first five failures anywhere open it everywhere,
and the first success after the pause closes it everywhere. Without Redis, or while Redis does not answer, each
process keeps its own (pybreaker falls back to a closed breaker and logs it).
"""

import logging

import pybreaker
import redis
from django.conf import settings

logger = logging.getLogger(__name__)

FAIL_MAX = 5
RESET_SECONDS = 30


def circuit_breaker(name: str) -> pybreaker.CircuitBreaker:
    return pybreaker.CircuitBreaker(
        fail_max=FAIL_MAX, reset_timeout=RESET_SECONDS, name=name, state_storage=_shared_state(name)
    )


def _shared_state(name: str) -> pybreaker.CircuitBreakerStorage | None:
    if not settings.REDIS_URL:
        return None
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        return pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, client, namespace=f"mpp:breaker:{name}")
    except redis.RedisError:
        logger.warning("Redis does not answer: the %s breaker is this process's own", name, exc_info=True)
        return None
