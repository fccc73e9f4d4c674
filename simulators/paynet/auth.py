"""Who is calling: the B2B token request (an RSA signature with MPP Digital's private key) and
the transactional call (a bearer token the network issued and an HMAC-SHA512 signature with
the client secret), checked as docs/payments-snap.md says.

Headers missing or of the wrong shape are 400s naming the header; anything about identity
(client key, timestamp, token, signature) is a 401 with its reason.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import rsa
from flask import request

from . import schemas, snap, store
from .settings import Settings

TRANSACTIONAL_HEADERS = ("X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID")


@dataclass(frozen=True)
class Caller:
    """A verified transactional call: whose, and the X-EXTERNAL-ID it is answered once under."""

    client_key: str
    external_id: str
    day: str  # of X-TIMESTAMP, in WIB


def issue_token(conn: sqlite3.Connection, settings: Settings, public_key: rsa.RSAPublicKey) -> dict[str, object]:
    """Answer a token request: a new bearer token living snap.TOKEN_LIFETIME_SECONDS."""
    at, client_key, signature = (_required(name) for name in ("X-TIMESTAMP", "X-CLIENT-KEY", "X-SIGNATURE"))
    _check_timestamp(at)
    if not secrets.compare_digest(client_key.encode(), settings.client_key.encode()):
        raise snap.unauthorized("Unknown client key")
    if not snap.asymmetric_signature_is_valid(public_key, client_key, at, signature):
        raise snap.unauthorized("Invalid signature")
    grant = schemas.json_object(request.get_data()).get("grantType")
    if grant is None:
        raise snap.missing_field("grantType")
    if grant != "client_credentials":
        raise snap.invalid_field("grantType")
    token, now = secrets.token_urlsafe(32), time.time()
    store.save_token(conn, token, client_key, expires_at=now + snap.TOKEN_LIFETIME_SECONDS, now=now)
    return snap.success("73", accessToken=token, tokenType="Bearer", expiresIn=str(snap.TOKEN_LIFETIME_SECONDS))


def verify_call(conn: sqlite3.Connection, settings: Settings) -> Caller:
    """Check a transactional call's headers, token and signature; the caller, or a SnapError."""
    at, signature, partner, external_id, channel = (_required(name) for name in TRANSACTIONAL_HEADERS)
    if not snap.is_channel_id(channel):
        raise snap.invalid_field("CHANNEL-ID")
    if not snap.is_external_id(external_id):
        raise snap.invalid_field("X-EXTERNAL-ID")
    moment = _check_timestamp(at)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    holder = store.token_holder(conn, token.strip(), time.time()) if scheme.lower() == "bearer" else None
    if holder is None:
        raise snap.unauthorized("Invalid or expired access token")
    if not secrets.compare_digest(partner.encode(), holder.encode()):
        raise snap.unauthorized("X-PARTNER-ID is not the client the token was issued to")
    if not snap.symmetric_signature_is_valid(
        settings.client_secret, request.method, _path_as_sent(), token.strip(), request.get_data(), at, signature
    ):
        raise snap.unauthorized("Invalid signature")
    return Caller(client_key=holder, external_id=external_id, day=snap.jakarta_day(moment))


def _required(name: str) -> str:
    value = request.headers.get(name, "").strip()
    if not value:
        raise snap.missing_field(name)
    return value


def _check_timestamp(raw: str) -> datetime:
    moment = snap.parse_timestamp(raw)
    if moment is None:
        raise snap.unauthorized("X-TIMESTAMP must be ISO 8601 with an offset")
    if not snap.is_fresh(moment):
        raise snap.unauthorized(f"X-TIMESTAMP is more than {snap.MAX_CLOCK_SKEW_SECONDS} seconds off")
    return moment


def _path_as_sent() -> str:
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path
