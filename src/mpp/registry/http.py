"""The HTTP plumbing every registry client shares (Dukcapil, SISDMK), written once.

Who asks and why travels with every call (the registry logs it); every call has a timeout
and goes through the registry's circuit breaker; reads are retried a bounded number of
times; answers are read as JSON objects, defensively. Each client keeps its own public API
and exceptions and describes its registry once, as a `Registry`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote

import httpx
import pybreaker
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from mpp.core import http

# Characters left readable in the percent-encoded X-Actor / X-Purpose headers.
_READABLE = " ,.:;/()-_'&"


@dataclass(frozen=True)
class Actor:
    """Who asks and why; sent to the registry (which logs it) and recorded for the citizen."""

    label: str
    purpose: str


class _Transient(Exception):
    """A failure worth another attempt (timeout, transport error, 5xx)."""


class _ServerError(Exception):
    pass


@dataclass(frozen=True)
class Registry:
    """One registry as its client sees it.

    `name` names its settings (<NAME>_URL, <NAME>_API_KEY) and its log lines; `unavailable`
    is the exception raised when it cannot be reached (its message says why);
    `refusal(status, body)` makes the exception raised for a 4xx answer.
    """

    name: str
    breaker: pybreaker.CircuitBreaker
    unavailable: type[Exception]
    refusal: Callable[[int, dict], Exception]

    def call(
        self,
        method: str,
        path: str,
        actor: Actor,
        *,
        base_url: str,
        api_key: str,
        timeout: httpx.Timeout,
        retried: bool = True,
        not_found_is_none: bool = False,
        **kwargs,
    ) -> dict | None:
        """Call `path` (below `base_url`) and return the JSON object answered; None for a 404
        when `not_found_is_none`. `kwargs` go to httpx.request (json, data, files, headers).

        Raises `unavailable` when the registry is not configured (at once), when the breaker
        is open (at once: retrying would only add load), or on a timeout, transport error or
        5xx (after three attempts when `retried`, else after one); `refusal(status, body)`
        for any other 4xx, which is an answer and never retried.
        """
        if not base_url or not api_key:
            prefix = self.name.upper()
            raise self.unavailable(f"{prefix}_URL / {prefix}_API_KEY are not configured")
        once = partial(
            self._call_once,
            method,
            base_url.rstrip("/"),
            path,
            api_key,
            actor,
            timeout,
            not_found_is_none=not_found_is_none,
            **kwargs,
        )
        if not retried:
            return once()
        try:
            return self._retrying(once)
        except _Transient as exc:
            raise self.unavailable(str(exc)) from exc

    @retry(
        retry=retry_if_exception_type(_Transient),
        stop=stop_after_attempt(3),
        wait=wait_exponential(multiplier=0.1, max=0.5),
        reraise=True,
    )
    def _retrying(self, once: Callable[[], dict | None]) -> dict | None:
        try:
            return once()
        except self.unavailable as exc:
            if isinstance(exc.__cause__, pybreaker.CircuitBreakerError):
                raise  # open breaker: retrying now only adds load
            raise _Transient(str(exc)) from exc

    def _call_once(self, method, base_url, path, api_key, actor, timeout, *, not_found_is_none=False, **kwargs):
        try:
            response = self.breaker.call(_send, method, base_url + path, api_key, actor, timeout, **kwargs)
        except pybreaker.CircuitBreakerError as exc:
            raise self.unavailable("circuit open") from exc
        except (httpx.TimeoutException, httpx.TransportError, _ServerError) as exc:
            # Logged under the client's module (mpp.registry.<name>), where it always was.
            logging.getLogger(f"mpp.registry.{self.name}").warning(
                "%s unavailable", self.name, extra={"path": path, "error": str(exc)}
            )
            raise self.unavailable(str(exc)) from exc
        if response.status_code == 404 and not_found_is_none:
            return None
        body = _json(response)
        if response.status_code >= 400:
            raise self.refusal(response.status_code, body)
        return body


def _send(
    method: str, url: str, api_key: str, actor: Actor, timeout: httpx.Timeout, *, headers=None, **kwargs
) -> httpx.Response:
    """One request; a 5xx raises (inside the breaker, so it counts as a failure) and a 4xx does not.
    ``headers`` are added to ours (an Idempotency-Key)."""
    # HTTP headers are ASCII: who asks and why travel percent-encoded as UTF-8 ("Petugas loket · Dinas …").
    headers = {
        **(headers or {}),
        "Authorization": f"Bearer {api_key}",
        "X-Actor": quote(actor.label[:200], safe=_READABLE),
        "X-Purpose": quote(actor.purpose[:300], safe=_READABLE),
    }
    response = http.client().request(method, url, headers=headers, timeout=timeout, **kwargs)
    if response.status_code >= 500:
        raise _ServerError(f"HTTP {response.status_code}")
    return response


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {"error": "not_json"}
    return body if isinstance(body, dict) else {"error": "unexpected_body"}
