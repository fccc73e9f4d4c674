"""An agency system signing a citizen in through MPP Digital's OpenID Connect provider.

A minimal relying party with Authlib (https://docs.authlib.org): discovery, authorization code
with PKCE (S256), code exchange with the client secret, ID token verified against the JWKS,
userinfo, and the logout URL. It listens on the redirect URI's port for the one callback.

    pip install "authlib==1.9.6" httpx joserfc
    MPP_CLIENT_ID=... MPP_CLIENT_SECRET=... python docs/examples/oidc_client.py

Environment: MPP_ISSUER (default http://127.0.0.1:8000/o), MPP_CLIENT_ID, MPP_CLIENT_SECRET,
MPP_REDIRECT_URI (default http://127.0.0.1:8765/callback, must be registered for the client),
MPP_SCOPE (default: every scope), MPP_ACR (e.g. urn:mpp:loa:2; empty: any level).
"""

import json
import os
import secrets
import sys
import threading
import warnings
import webbrowser
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import authlib.deprecate
from joserfc import jwt
from joserfc.jwk import KeySet

with warnings.catch_warnings():
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client

ISSUER = os.environ.get("MPP_ISSUER", "http://127.0.0.1:8000/o").rstrip("/")
REDIRECT_URI = os.environ.get("MPP_REDIRECT_URI", "http://127.0.0.1:8765/callback")
SCOPE = os.environ.get("MPP_SCOPE", "openid profile nik address family email phone")
ACR = os.environ.get("MPP_ACR", "")


def wait_for_callback() -> str:
    """Serve the redirect URI until the browser comes back to it; returns the full callback URL."""
    received: dict[str, str] = {}
    done = threading.Event()

    class Callback(BaseHTTPRequestHandler):
        def do_GET(self):
            if urlsplit(self.path).path != urlsplit(REDIRECT_URI).path:
                self.send_error(404)
                return
            received["url"] = REDIRECT_URI.split("?")[0] + "?" + urlsplit(self.path).query
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"Selesai. Kembali ke terminal.\n")
            done.set()

        def log_message(self, *args):
            pass

    target = urlsplit(REDIRECT_URI)
    server = HTTPServer((target.hostname, target.port or 80), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    done.wait()
    server.shutdown()
    return received["url"]


def main() -> int:
    try:
        client_id, client_secret = os.environ["MPP_CLIENT_ID"], os.environ["MPP_CLIENT_SECRET"]
    except KeyError:
        print(__doc__, file=sys.stderr)
        return 2
    agency = OAuth2Client(
        client_id, client_secret, scope=SCOPE, redirect_uri=REDIRECT_URI, code_challenge_method="S256", timeout=10
    )

    # 1. Discovery: every endpoint comes from the provider's metadata.
    metadata = agency.request("GET", f"{ISSUER}/.well-known/openid-configuration", withhold_token=True).json()
    assert metadata["issuer"] == ISSUER, f"issuer mismatch: {metadata['issuer']} != {ISSUER}"

    # 2. Send the citizen to the authorization endpoint with a fresh PKCE verifier, state and nonce.
    code_verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    extra = {"acr_values": ACR} if ACR else {}
    url, state = agency.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce, **extra
    )
    print(f"Open this URL in a browser and sign in as a citizen:\n\n  {url}\n")
    webbrowser.open(url)
    callback = wait_for_callback()

    # 3. The citizen came back: an error (declined, level too low…) or a code.
    if "error" in parse_qs(urlsplit(callback).query):
        print(f"Refused: {callback}", file=sys.stderr)
        return 1
    token = agency.fetch_token(
        metadata["token_endpoint"], authorization_response=callback, state=state, code_verifier=code_verifier
    )

    # 4. Verify the ID token: signature (JWKS), issuer, audience, expiry, nonce.
    keys = KeySet.import_key_set(agency.request("GET", metadata["jwks_uri"], withhold_token=True).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    wanted = {"iss": {"essential": True, "value": ISSUER}, "aud": {"essential": True, "value": client_id}}
    wanted["nonce"] = {"essential": True, "value": nonce}
    if ACR:  # levels are ordered: a higher one than asked for also satisfies the request
        lowest = int(ACR.rsplit(":", 1)[1])
        wanted["acr"] = {"essential": True, "values": [f"urn:mpp:loa:{n}" for n in range(lowest, 4)]}
    jwt.JWTClaimsRegistry(**wanted).validate(id_token.claims)
    print("ID token (verified):", json.dumps(id_token.claims, indent=2))

    # 5. The data the citizen agreed to share comes from userinfo, with the access token.
    userinfo = agency.get(metadata["userinfo_endpoint"]).json()
    print("Userinfo:", json.dumps(userinfo, indent=2, ensure_ascii=False))

    # 6. To sign the citizen out of MPP Digital too, send them here.
    logout = {"id_token_hint": token["id_token"], "client_id": client_id}
    print(f"\nLogout URL: {metadata['end_session_endpoint']}?{urlencode(logout)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
