"""A registry's circuit breaker is one for every process when there is Redis: five failures seen by one node
open it for the others too (mpp.core.breakers); without Redis each process keeps its own."""

import os
import socket
import uuid

import pybreaker
import pytest
import redis

from mpp.core import breakers

REDIS_URL = "redis://127.0.0.1:6379/5"


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _fail():
    raise ConnectionError("the registry does not answer")


def _open(breaker) -> None:
    for _ in range(breakers.FAIL_MAX):
        with pytest.raises((ConnectionError, pybreaker.CircuitBreakerError)):
            breaker.call(_fail)


def test_without_redis_each_process_has_its_own_breaker(settings):
    settings.REDIS_URL = ""
    name = f"test-{uuid.uuid4().hex}"
    one, other = breakers.circuit_breaker(name), breakers.circuit_breaker(name)
    _open(one)
    assert one.current_state == "open" and other.current_state == "closed"


def test_with_redis_a_breaker_opened_by_one_node_is_open_for_the_others(settings):
    if not _redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Redis on 127.0.0.1:6379")
        pytest.skip("needs Redis on 127.0.0.1:6379 (CI has it)")
    settings.REDIS_URL = REDIS_URL
    name = f"test-{uuid.uuid4().hex}"
    node_a, node_b = breakers.circuit_breaker(name), breakers.circuit_breaker(name)  # two processes' breakers
    try:
        _open(node_a)
        assert node_b.current_state == "open"
        called = []
        with pytest.raises(pybreaker.CircuitBreakerError):
            node_b.call(lambda: called.append(1))
        assert not called  # refused at once: the registry is not called from node B either
        node_b.close()
        assert node_a.current_state == "closed"
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        client.delete(*client.keys(f"pybreaker:mpp:breaker:{name}*") or ["none"])


def test_a_redis_that_does_not_answer_leaves_the_process_its_own_breaker(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    breaker = breakers.circuit_breaker(f"test-{uuid.uuid4().hex}")
    assert breaker.current_state == "closed"
    _open(breaker)
    assert breaker.current_state == "open"
