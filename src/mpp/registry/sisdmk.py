"""HTTP client for SISDMK (SATUSEHAT SDMK, the health-workforce registry) — the real one or its simulator.

The platform knows it only by URL and API key (settings SISDMK_URL, SISDMK_API_KEY). Every
call has a timeout (SISDMK_TIMEOUT_SECONDS), is retried a bounded number of times (each one
is safe to repeat: registering a practice place is idempotent by SIP number, ending one too)
and goes through a circuit breaker, so a down registry costs a clear SisdmkUnavailable, not
a hanging page. Who asks and why travels with every call (the registry logs it), as for
Dukcapil.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import httpx
from django.conf import settings

from mpp.core.breakers import circuit_breaker
from mpp.registry.http import Actor, Registry

__all__ = [
    "Actor",
    "HealthWorker",
    "PracticePlace",
    "Profession",
    "Registration",
    "SisdmkRefused",
    "SisdmkUnavailable",
    "breaker",
    "end_practice_place",
    "health_worker",
    "practice_place",
    "register_practice_place",
    "registration",
]


class SisdmkUnavailable(Exception):
    """SISDMK did not answer in time, answered with a server error, is not configured, or the breaker is open."""


class SisdmkRefused(Exception):
    """SISDMK refused the request: `code` says why (e.g. str_not_valid, practice_limit_reached,
    sip_number_reused, invalid_practice_place with `errors` per field, unauthorized)."""

    def __init__(self, status: int, body: dict):
        super().__init__(f"{status}: {body.get('error', '')}")
        self.status = status
        self.code = body.get("error", "")
        self.errors = body.get("errors") or {}
        self.body = body


# Five failures in a row open it for 30 s, for every process when there is Redis (mpp.core.breakers).
breaker = circuit_breaker("sisdmk")
_REGISTRY = Registry("sisdmk", breaker, SisdmkUnavailable, SisdmkRefused)


@dataclass(frozen=True)
class Profession:
    code: str  # dokter, dokter_gigi, perawat, bidan, apoteker (the SIP form's values)
    label: str


@dataclass(frozen=True)
class Registration:
    """An STR. `expires_on` None: berlaku seumur hidup. `status`: aktif, tidak aktif or dicabut,
    as of the registry's today; `status_reason`: habis_masa_berlaku, ditangguhkan, diganti, dicabut."""

    number: str
    nik: str
    name: str
    profession: Profession
    issuer: str  # KKI or KTKI
    issued_on: date
    expires_on: date | None
    status: str
    status_reason: str | None
    is_valid: bool

    @property
    def is_lifelong(self) -> bool:
        return self.expires_on is None


@dataclass(frozen=True)
class PracticePlace:
    """A SIP held at a facility, as SISDMK records it."""

    sip_number: str
    nik: str
    str_number: str
    facility: str
    facility_type: str | None
    region_code: str
    region_name: str
    since: date
    valid_until: date
    ended_on: date | None


@dataclass(frozen=True)
class HealthWorker:
    nik: str
    name: str
    profession: Profession
    registrations: tuple[Registration, ...]  # newest first
    practice_places: tuple[PracticePlace, ...]  # held today

    def valid_registration(self, number: str | None = None) -> Registration | None:
        """The valid STR with this number, or without a number the newest valid one; None if there is none."""
        return next((r for r in self.registrations if r.is_valid and number in (None, r.number)), None)


# -- the calls -----------------------------------------------------------------------------------


def health_worker(nik: str, *, actor: Actor) -> HealthWorker | None:
    """The worker with every STR and the practice places held today; None when SISDMK has no such NIK."""
    body = _call("GET", f"/v1/health-workers/{quote(nik, safe='')}", actor, not_found_is_none=True)
    if body is None:
        return None
    return HealthWorker(
        nik=body["nik"],
        name=body["name"],
        profession=Profession(**body["profession"]),
        registrations=tuple(_registration(item) for item in body["strs"]),
        practice_places=tuple(_place(item) for item in body["practice_places"]),
    )


def registration(number: str, *, actor: Actor) -> Registration | None:
    """One STR by its number; None when SISDMK has no such STR."""
    body = _call("GET", f"/v1/str/{quote(number, safe='')}", actor, not_found_is_none=True)
    return None if body is None else _registration(body)


def practice_place(sip_number: str, *, actor: Actor) -> PracticePlace | None:
    """The practice place of this SIP, ended or not; None when SISDMK does not know the SIP."""
    body = _call("GET", f"/v1/practice-places/{quote(sip_number, safe='')}", actor, not_found_is_none=True)
    return None if body is None else _place(body)


def register_practice_place(
    *,
    nik: str,
    str_number: str,
    sip_number: str,
    facility: str,
    region_code: str,
    valid_until: date,
    facility_type: str | None = None,
    since: date | None = None,
    actor: Actor,
) -> PracticePlace:
    """Tell SISDMK that the SIP `sip_number` was issued for `facility` (in kabupaten/kota
    `region_code`, e.g. "64.72"), from `since` (None: today) until `valid_until`.

    Idempotent by SIP number: the same call again returns the place already registered.
    Raises SisdmkRefused: invalid_practice_place (with `errors`), str_not_valid,
    practice_limit_reached (a doctor or dentist already holds three), sip_number_reused,
    practice_place_ended; SisdmkUnavailable when it cannot be reached.
    """
    body = {
        "nik": nik,
        "str_number": str_number,
        "sip_number": sip_number,
        "facility": facility,
        "facility_type": facility_type,
        "region_code": region_code,
        "since": since.isoformat() if since else None,
        "valid_until": valid_until.isoformat(),
    }
    return _place(_call("POST", "/v1/practice-places", actor, json=body))


def end_practice_place(sip_number: str, *, actor: Actor) -> PracticePlace | None:
    """Tell SISDMK the SIP was revoked or given up, so the place no longer counts; the place as
    ended (on the first such call's day), or None when SISDMK does not know the SIP."""
    body = _call("DELETE", f"/v1/practice-places/{quote(sip_number, safe='')}", actor, not_found_is_none=True)
    return None if body is None else _place(body)


# -- answers -------------------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _registration(body: dict) -> Registration:
    return Registration(
        number=body["number"],
        nik=body["nik"],
        name=body["name"],
        profession=Profession(**body["profession"]),
        issuer=body["issuer"]["code"],
        issued_on=date.fromisoformat(body["issued_on"]),
        expires_on=_day(body["expires_on"]),
        status=body["status"],
        status_reason=body["status_reason"],
        is_valid=body["is_valid"],
    )


def _place(body: dict) -> PracticePlace:
    return PracticePlace(
        sip_number=body["sip_number"],
        nik=body["nik"],
        str_number=body["str_number"],
        facility=body["facility"],
        facility_type=body["facility_type"],
        region_code=body["region"]["code"],
        region_name=body["region"]["name"],
        since=date.fromisoformat(body["since"]),
        valid_until=date.fromisoformat(body["valid_until"]),
        ended_on=_day(body["ended_on"]),
    )


# -- plumbing ------------------------------------------------------------------------------------


def _call(method: str, path: str, actor: Actor, *, not_found_is_none: bool = False, **kwargs) -> dict | None:
    # The settings are read on every call, so a changed setting applies at once.
    return _REGISTRY.call(
        method,
        path,
        actor,
        base_url=settings.SISDMK_URL,
        api_key=settings.SISDMK_API_KEY,
        timeout=httpx.Timeout(settings.SISDMK_TIMEOUT_SECONDS),
        not_found_is_none=not_found_is_none,
        **kwargs,
    )
