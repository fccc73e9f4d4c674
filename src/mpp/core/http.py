"""The platform's one HTTP client per process, for its calls to other systems (the registries, LAPOR!, the SMS
gateway, webhooks, the payment network, the PBB and PDAM back ends).

Building an ``httpx`` client builds an SSL context and loads the CA bundle (about 20 ms of CPU here), which
``httpx.request`` and friends pay on every call; one shared client pays it once per process and keeps its
connections alive. It is made on first use, so each server or worker process (after the fork) has its own, and
is safe to share between threads. Every call still passes its own timeout.
"""

import threading

import httpx

_client: httpx.Client | None = None
_lock = threading.Lock()


def client() -> httpx.Client:
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                _client = httpx.Client()
    return _client
