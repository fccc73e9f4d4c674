"""HTTP adapter for the population registry (Dukcapil) — the real one or its simulator.

The platform knows the registry only by URL and API key. Every call has a
timeout (DUKCAPIL_TIMEOUT_SECONDS, ≤ 3 s); reads are retried a bounded number of
times; a circuit breaker stops calling for a while after repeated failures so a
down registry costs users a clear message, not a hanging page.
"""

import logging
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pybreaker
from django.conf import settings
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

logger = logging.getLogger(__name__)


class RegistryUnavailable(Exception):
    """The registry did not answer in time, answered with a server error, or the breaker is open."""


class RegistryRefused(Exception):
    """The registry refused the request (authentication, agreement, quota, bad input)."""

    def __init__(self, status: int, body: dict):
        super().__init__(f"{status}: {body.get('error', '')}")
        self.status = status
        self.body = body


class FaceRejected(Exception):
    """The registry could not use the photos: no face, several faces, not an image."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class _Transient(Exception):
    pass


_READABLE = " ,.:;/()-_'&"

# One breaker per process: five failures in a row open it for 30 s.
breaker = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=30, name="dukcapil")


@dataclass(frozen=True)
class Actor:
    """Who asks and why; sent to the registry (which logs it) and recorded for the citizen."""

    label: str
    purpose: str


class DukcapilClient:
    def __init__(self, base_url: str, api_key: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = httpx.Timeout(timeout)

    @classmethod
    def from_settings(cls) -> "DukcapilClient":
        return cls(settings.DUKCAPIL_URL, settings.DUKCAPIL_API_KEY, settings.DUKCAPIL_TIMEOUT_SECONDS)

    # -- reads (retried) ---------------------------------------------------------------------------

    def verify(self, nik: str, elements: dict, actor: Actor) -> dict:
        """Per-element match of what the caller sent: {"matches": {"name": True, ...}, "deceased"?: bool}."""
        return self._read("POST", "/api/v1/verify", actor, json={"nik": nik, "elements": elements})

    def person(self, nik: str, actor: Actor) -> dict | None:
        """The person's data within our agreement, or None when the registry has no such NIK."""
        return self._read("GET", f"/api/v1/persons/{nik}", actor, not_found_is_none=True)

    def family(self, kk_number: str, actor: Actor) -> dict | None:
        return self._read("GET", f"/api/v1/families/{kk_number}", actor, not_found_is_none=True)

    # -- face (not retried: a check costs the registry a second of CPU) ---------------------------

    def verify_face(self, nik: str, challenge: str, frames: list[bytes], actor: Actor) -> dict:
        files = [("frames", (f"frame{i}.jpg", frame, "application/octet-stream")) for i, frame in enumerate(frames)]
        return self._call("POST", "/api/v1/faces/verify", actor, data={"nik": nik, "challenge": challenge}, files=files)

    def enroll_face(self, nik: str, photo: bytes, actor: Actor) -> dict:
        files = [("photo", ("photo.jpg", photo, "application/octet-stream"))]
        return self._call("POST", "/api/v1/faces/enroll", actor, data={"nik": nik}, files=files)

    # -- plumbing ----------------------------------------------------------------------------------

    def _read(self, method, path, actor, *, not_found_is_none=False, **kwargs):
        try:
            return self._retrying_call(method, path, actor, not_found_is_none=not_found_is_none, **kwargs)
        except _Transient as exc:
            raise RegistryUnavailable(str(exc)) from exc

    @retry(
        retry=retry_if_exception_type(_Transient),
        stop=stop_after_attempt(3),
        wait=wait_exponential(multiplier=0.1, max=0.5),
        reraise=True,
    )
    def _retrying_call(self, method, path, actor, **kwargs):
        try:
            return self._call(method, path, actor, **kwargs)
        except RegistryUnavailable as exc:
            if isinstance(exc.__cause__, pybreaker.CircuitBreakerError):
                raise  # open breaker: retrying now only adds load
            raise _Transient(str(exc)) from exc

    def _call(self, method, path, actor: Actor, *, not_found_is_none=False, **kwargs):
        if not self.base_url or not self.api_key:
            raise RegistryUnavailable("DUKCAPIL_URL / DUKCAPIL_API_KEY are not configured")
        try:
            response = breaker.call(self._send, method, path, actor, **kwargs)
        except pybreaker.CircuitBreakerError as exc:
            raise RegistryUnavailable("circuit open") from exc
        except (httpx.TimeoutException, httpx.TransportError, _ServerError) as exc:
            logger.warning("dukcapil unavailable", extra={"path": path, "error": str(exc)})
            raise RegistryUnavailable(str(exc)) from exc
        if response.status_code == 404 and not_found_is_none:
            return None
        body = _json(response)
        if response.status_code == 422 and body.get("error") in {"no_face", "several_faces", "bad_image"}:
            raise FaceRejected(body["error"])
        if response.status_code >= 400:
            raise RegistryRefused(response.status_code, body)
        return body

    def _send(self, method, path, actor: Actor, **kwargs) -> httpx.Response:
        # HTTP headers are ASCII: who asks and why travel percent-encoded as UTF-8 ("Petugas loket · Dinas …").
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "X-Actor": quote(actor.label[:200], safe=_READABLE),
            "X-Purpose": quote(actor.purpose[:300], safe=_READABLE),
        }
        response = httpx.request(method, self.base_url + path, headers=headers, timeout=self.timeout, **kwargs)
        if response.status_code >= 500:
            raise _ServerError(f"HTTP {response.status_code}")
        return response


class _ServerError(Exception):
    pass


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {"error": "not_json"}
    return body if isinstance(body, dict) else {"error": "unexpected_body"}
