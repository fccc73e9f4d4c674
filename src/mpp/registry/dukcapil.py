"""HTTP adapter for the population registry (Dukcapil) — the real one or its simulator.

The platform knows the registry only by URL and API key. Every call has a
timeout (DUKCAPIL_TIMEOUT_SECONDS, ≤ 3 s); reads are retried a bounded number of
times; a circuit breaker stops calling for a while after repeated failures so a
down registry costs users a clear message, not a hanging page.
"""

import httpx
from django.conf import settings

from mpp.core.breakers import circuit_breaker
from mpp.registry.http import Actor, Registry

__all__ = ["Actor", "DukcapilClient", "FaceRejected", "RegistryRefused", "RegistryUnavailable", "breaker"]


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


# Five failures in a row open it for 30 s, for every process when there is Redis (mpp.core.breakers).
breaker = circuit_breaker("dukcapil")

_FACE_ERRORS = {"no_face", "several_faces", "bad_image"}


def _refusal(status: int, body: dict) -> Exception:
    if status == 422 and body.get("error") in _FACE_ERRORS:
        return FaceRejected(body["error"])
    return RegistryRefused(status, body)


_REGISTRY = Registry("dukcapil", breaker, RegistryUnavailable, _refusal)


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

    # -- civil-registration events (retried: the idempotency key makes a repeat change nothing) ---------

    def record_event(self, kind: str, body: dict, *, idempotency_key: str, actor: Actor) -> dict:
        """Write a birth, death, move or marriage (``kind``) as Disdukcapil's own system does; the
        registry's answer (a birth's new NIK, a move's KK number). The same key again replays it."""
        return self._read(
            "POST", f"/api/v1/events/{kind}", actor, json=body, headers={"Idempotency-Key": idempotency_key}
        )

    # -- face (not retried: a check costs the registry a second of CPU) ---------------------------

    def verify_face(self, nik: str, challenge: str, frames: list[bytes], actor: Actor) -> dict:
        files = [("frames", (f"frame{i}.jpg", frame, "application/octet-stream")) for i, frame in enumerate(frames)]
        return self._call("POST", "/api/v1/faces/verify", actor, data={"nik": nik, "challenge": challenge}, files=files)

    def enroll_face(self, nik: str, photo: bytes, actor: Actor) -> dict:
        files = [("photo", ("photo.jpg", photo, "application/octet-stream"))]
        return self._call("POST", "/api/v1/faces/enroll", actor, data={"nik": nik}, files=files)

    # -- plumbing ----------------------------------------------------------------------------------

    def _read(self, method, path, actor, **kwargs):
        return self._call(method, path, actor, retried=True, **kwargs)

    def _call(self, method, path, actor: Actor, *, retried=False, **kwargs):
        return _REGISTRY.call(
            method,
            path,
            actor,
            base_url=self.base_url,
            api_key=self.api_key,
            timeout=self.timeout,
            retried=retried,
            **kwargs,
        )
