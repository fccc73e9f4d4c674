"""The portal's OpenID Connect client (a relying party of MPP Digital's provider): discovery,
the authorization code flow with PKCE S256, the ID token checked against the provider's
JWKS, and userinfo.

The ID token is verified here with `cryptography` (RS256, the provider's algorithm) rather
than a JOSE library: the simulators depend on no JOSE library, and RS256 with the checks
OpenID Connect Core §3.1.3.7 asks for (signature, iss, aud, azp, exp, iat, nonce) is short.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

log = logging.getLogger(__name__)

SCOPES = "openid profile nik"
DISCOVERY_PATH = "/.well-known/openid-configuration"
LEEWAY_SECONDS = 60  # clock skew tolerated on exp and iat
HTTP_TIMEOUT_SECONDS = 10


class OidcError(Exception):
    """Signing in failed: the provider unreachable or its answer unusable or untrustworthy."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


def pkce_pair() -> tuple[str, str]:
    """A code verifier (RFC 7636: 43 to 128 characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    return verifier, _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


class Client:
    """One per server process; discovery and keys are fetched on first use and cached."""

    def __init__(self, http: httpx.Client, *, issuer: str, client_id: str, client_secret: str, redirect_uri: str):
        self._http = http
        self.issuer_setting = issuer.rstrip("/")
        self.client_id = client_id
        self._auth = (quote_plus(client_id), quote_plus(client_secret))  # RFC 6749 §2.3.1
        self.redirect_uri = redirect_uri
        self._provider: Provider | None = None
        self._keys: dict[str | None, rsa.RSAPublicKey] = {}
        self._lock = threading.Lock()

    # --- discovery ---

    def provider(self) -> Provider:
        with self._lock:
            if self._provider is None:
                self._provider = self._discover()
            return self._provider

    def _discover(self) -> Provider:
        """<issuer>/.well-known/openid-configuration, or <issuer>/o/… when that is a 404
        (MPP Digital's provider lives under /o)."""
        for base in (self.issuer_setting, self.issuer_setting + "/o"):
            response = self._get(base + DISCOVERY_PATH, "discovery")
            if response.status_code == 404 and base == self.issuer_setting:
                continue
            document = _json_object(response, "discovery")
            break
        names = ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
        missing = [name for name in names if not isinstance(document.get(name), str) or not document[name]]
        if missing:
            raise OidcError(f"the discovery document lacks {', '.join(missing)}")
        methods = document.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise OidcError("the provider does not support PKCE S256")
        if document["issuer"].rstrip("/") != base:
            log.warning("the provider's issuer %s is not where it was discovered (%s)", document["issuer"], base)
        return Provider(**{name: document[name] for name in names})

    # --- the flow ---

    def authorization_url(self, *, state: str, nonce: str, code_challenge: str) -> str:
        endpoint = self.provider().authorization_endpoint
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "scope": SCOPES,
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    def exchange(self, code: str, code_verifier: str) -> dict[str, object]:
        """The token endpoint's answer for the code (client_secret_basic)."""
        try:
            response = self._http.post(
                self.provider().token_endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.redirect_uri,
                    "code_verifier": code_verifier,
                },
                auth=self._auth,
            )
        except httpx.HTTPError as exc:
            raise OidcError(f"token endpoint unreachable: {exc.__class__.__name__}: {exc}") from None
        if response.status_code != 200:
            raise OidcError(f"token endpoint answered {response.status_code}: {response.text[:200]}")
        tokens = _json_object(response, "token")
        for name in ("id_token", "access_token"):
            if not isinstance(tokens.get(name), str) or not tokens[name]:
                raise OidcError(f"the token endpoint answered no {name}")
        if str(tokens.get("token_type", "")).lower() != "bearer":
            raise OidcError("the token endpoint answered no bearer access token")
        return tokens

    def verify_id_token(self, token: str, *, nonce: str, now: float | None = None) -> dict[str, object]:
        """The ID token's claims, once its signature, issuer, audience, times and nonce hold."""
        provider = self.provider()
        header, claims, signing_input, signature = _split(token)
        if header.get("alg") != "RS256":
            raise OidcError(f"ID token signed with {header.get('alg')!r}, not RS256")
        key = self._key(header.get("kid"))
        try:
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise OidcError("the ID token's signature does not verify") from None
        check_claims(claims, issuer=provider.issuer, client_id=self.client_id, nonce=nonce, now=now)
        return claims

    def userinfo(self, access_token: str, subject: str) -> dict[str, object]:
        try:
            response = self._http.get(
                self.provider().userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"}
            )
        except httpx.HTTPError as exc:
            raise OidcError(f"userinfo unreachable: {exc.__class__.__name__}: {exc}") from None
        if response.status_code != 200:
            raise OidcError(f"userinfo answered {response.status_code}: {response.text[:200]}")
        info = _json_object(response, "userinfo")
        if info.get("sub") != subject:  # OIDC Core §5.3.2: else the answer is not about this user
            raise OidcError("userinfo is about another subject than the ID token")
        return info

    # --- keys ---

    def _key(self, kid: object) -> rsa.RSAPublicKey:
        if kid is not None and not isinstance(kid, str):
            raise OidcError("the ID token's kid is not a string")
        with self._lock:
            key = self._find(kid)
        if key is None:  # a key the provider rotated in since: fetch the set again, once
            keys = self._fetch_keys()
            with self._lock:
                self._keys = keys
                key = self._find(kid)
        if key is None:
            raise OidcError(f"no key {kid!r} in the provider's JWKS")
        return key

    def _find(self, kid: str | None) -> rsa.RSAPublicKey | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    def _fetch_keys(self) -> dict[str | None, rsa.RSAPublicKey]:
        document = _json_object(self._get(self.provider().jwks_uri, "JWKS"), "JWKS")
        listed = document.get("keys")
        if not isinstance(listed, list):
            raise OidcError("the JWKS has no keys list")
        keys: dict[str | None, rsa.RSAPublicKey] = {}
        for jwk in listed:
            if not isinstance(jwk, Mapping) or jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
                continue
            try:
                numbers = rsa.RSAPublicNumbers(_b64url_int(jwk["e"]), _b64url_int(jwk["n"]))
                keys[jwk.get("kid")] = numbers.public_key()
            except (KeyError, TypeError, ValueError):
                log.warning("skipping a malformed JWK %r", jwk.get("kid"))
        return keys

    def _get(self, url: str, what: str) -> httpx.Response:
        try:
            return self._http.get(url)
        except httpx.HTTPError as exc:
            raise OidcError(f"{what} unreachable: {exc.__class__.__name__}: {exc}") from None


def check_claims(
    claims: Mapping[str, object], *, issuer: str, client_id: str, nonce: str, now: float | None = None
) -> None:
    """OpenID Connect Core §3.1.3.7, the checks after the signature."""
    now = time.time() if now is None else now
    if claims.get("iss") != issuer:
        raise OidcError(f"the ID token was issued by {claims.get('iss')!r}, not {issuer!r}")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    if client_id not in audiences:
        raise OidcError("the ID token is not meant for this client (aud)")
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise OidcError("the ID token's authorized party (azp) is another client")
    expires, issued = claims.get("exp"), claims.get("iat")
    if not _is_number(expires) or now > expires + LEEWAY_SECONDS:  # type: ignore[operator]
        raise OidcError("the ID token has expired")
    if not _is_number(issued) or issued > now + LEEWAY_SECONDS:  # type: ignore[operator]
        raise OidcError("the ID token was issued in the future")
    given = claims.get("nonce")
    if not isinstance(given, str) or not secrets.compare_digest(given.encode(), nonce.encode()):
        raise OidcError("the ID token's nonce is not this sign-in's")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise OidcError("the ID token has no subject")


def _split(token: str) -> tuple[dict[str, object], dict[str, object], bytes, bytes]:
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise OidcError("the ID token is not a signed JWT (three parts)")
    try:
        header, claims = (json.loads(_unb64url(part)) for part in parts[:2])
        signature = _unb64url(parts[2])
    except (ValueError, binascii.Error):
        raise OidcError("the ID token is malformed") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise OidcError("the ID token's header and claims must be JSON objects")
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def _json_object(response: httpx.Response, what: str) -> dict[str, object]:
    if response.status_code != 200:
        raise OidcError(f"{what} answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise OidcError(f"{what} answered something other than a JSON object")
    return body


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url_int(text: object) -> int:
    if not isinstance(text, str):
        raise TypeError("a JWK number must be base64url text")
    return int.from_bytes(_unb64url(text), "big")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
