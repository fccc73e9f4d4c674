"""A stand-in for MPP Digital's OpenID Connect provider, for the portal's tests only. It runs in
a thread of the test process, under /o as the platform's does (its root discovery URL is a
404, so the portal must find /o/.well-known/openid-configuration), and serves

    GET  /o/.well-known/openid-configuration   discovery
    GET  /o/authorize/                          checks the request, redirects back with a code at once
    POST /o/token/                              code (once) + PKCE S256 + client_secret_basic -> RS256 ID token
    GET  /o/userinfo/                           sub, name, nik for the access token
    GET  /o/.well-known/jwks.json               the public key

recording the authorization requests. `tamper` makes the next ID tokens wrong in one way
(nonce, audience, signature, expired, issuer), for the portal to refuse. The ID token is
signed with joserfc (a test dependency), independently of the portal's own verification.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

KID = "stub-key-1"
SUBJECT = "0190f3c8-5d7e-7a41-9b6c-3f2e1d0c9b8a"
NAME = "SITI RAHMAWATI"
NIK = "6472035204900001"


def _new_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"}, private=True)


@dataclass
class OidcStub:
    client_id: str
    client_secret: str
    redirect_uri: str
    url: str = ""
    subject: str = SUBJECT
    claims: dict[str, str] = field(default_factory=lambda: {"name": NAME, "nik": NIK})
    tamper: str | None = None
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    _key: RSAKey = field(default_factory=_new_key)
    _other_key: RSAKey = field(default_factory=_new_key)  # same kid, another key: a forged signature
    _codes: dict[str, dict[str, str]] = field(default_factory=dict)
    _access_tokens: dict[str, str] = field(default_factory=dict)
    _numbers: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def issuer(self) -> str:
        return self.url + "/o"

    # --- the WSGI app ---

    def __call__(self, environ: dict, start_response: Callable) -> Iterator[bytes]:
        request = Request(environ)
        routes = {
            ("GET", "/o/.well-known/openid-configuration"): self._discovery,
            ("GET", "/o/authorize/"): self._authorize,
            ("POST", "/o/token/"): self._token,
            ("GET", "/o/userinfo/"): self._userinfo,
            ("GET", "/o/.well-known/jwks.json"): self._jwks,
        }
        handler = routes.get((request.method, request.path))
        response = handler(request) if handler else _json(404, {"error": "not_found"})
        return response(environ, start_response)

    def _discovery(self, request: Request) -> Response:
        return _json(
            200,
            {
                "issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize/",
                "token_endpoint": self.issuer + "/token/",
                "userinfo_endpoint": self.issuer + "/userinfo/",
                "jwks_uri": self.issuer + "/.well-known/jwks.json",
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            },
        )

    def _authorize(self, request: Request) -> Response:
        query = {name: request.args[name] for name in request.args}
        with self._lock:
            self.authorize_requests.append(query)
        problems = [
            query.get("response_type") != "code" and "response_type",
            query.get("client_id") != self.client_id and "client_id",
            query.get("redirect_uri") != self.redirect_uri and "redirect_uri",
            query.get("code_challenge_method") != "S256" and "code_challenge_method",
            not {"openid", "nik"} <= set(query.get("scope", "").split()) and "scope",
            not query.get("state") and "state",
            not query.get("nonce") and "nonce",
            not query.get("code_challenge") and "code_challenge",
        ]
        if any(problems):
            return _json(400, {"error": "invalid_request", "fields": [p for p in problems if p]})
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = query
        back = urlencode({"code": code, "state": query["state"], "iss": self.issuer})
        return Response(status=302, headers={"Location": f"{self.redirect_uri}?{back}"})

    def _token(self, request: Request) -> Response:
        auth = request.authorization
        given = (unquote_plus(auth.username or ""), unquote_plus(auth.password or "")) if auth else None
        if auth is None or auth.type != "basic" or given != (self.client_id, self.client_secret):
            return _json(401, {"error": "invalid_client"})
        with self._lock:
            granted = self._codes.pop(request.form.get("code", ""), None)  # a code serves once
        if granted is None or request.form.get("grant_type") != "authorization_code":
            return _json(400, {"error": "invalid_grant"})
        if request.form.get("redirect_uri") != granted["redirect_uri"]:
            return _json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
        verifier = request.form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != granted["code_challenge"]:
            return _json(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
        access_token = f"access-{next(self._numbers)}-{secrets.token_urlsafe(8)}"
        with self._lock:
            self._access_tokens[access_token] = self.subject
        return _json(
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 900,
                "scope": granted["scope"],
                "id_token": self._id_token(granted["nonce"]),
            },
        )

    def _id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.subject,
            "aud": self.client_id,
            "exp": now + 900,
            "iat": now,
            "auth_time": now,
            "nonce": nonce,
            "acr": "nik_verified",
        }
        key = self._key
        if self.tamper == "nonce":
            claims["nonce"] = "another-sign-in"
        elif self.tamper == "audience":
            claims["aud"] = "another-client"
        elif self.tamper == "expired":
            claims |= {"exp": now - 3600, "iat": now - 4500}
        elif self.tamper == "issuer":
            claims["iss"] = "http://127.0.0.1:1/o"
        elif self.tamper == "signature":
            key = self._other_key
        return jwt.encode({"alg": "RS256", "kid": KID}, claims, key)

    def _userinfo(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        with self._lock:
            subject = self._access_tokens.get(token) if scheme == "Bearer" else None
        if subject is None:
            return _json(401, {"error": "invalid_token"})
        return _json(200, {"sub": subject, **self.claims})

    def _jwks(self, request: Request) -> Response:
        return _json(200, {"keys": [self._key.as_dict(private=False)]})

    # --- the server ---

    @contextmanager
    def serving(self) -> Iterator[OidcStub]:
        server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            thread.join(timeout=5)


def _json(status: int, body: object) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
