"""django-oauth-toolkit's request validator, adapted: our subject, our claims, a record of each release."""

import hashlib
import threading
from collections import OrderedDict
from contextvars import ContextVar

from oauth2_provider.oauth2_validators import OAuth2Validator

from . import claims, services


class ClientSecretMemo:
    """Client secrets this process has already found correct, so the slow hash runs once per secret.

    DOT stores client secrets hashed with the password hashers (Argon2 first, ~0.15 s a check
    on purpose) and checks the secret on every token request, which alone held the token
    endpoint to about ten requests a second. A check is a pure function of the presented secret
    and the stored hash, so a success can be remembered. An entry is keyed by the client id,
    the stored hash (salted; it changes whenever the secret is set again) and the SHA-256 of the
    presented secret (the secret itself is not kept):

    - a rotated or reset secret has a new stored hash, so the old secret finds no entry and is
      checked — and refused — by the hasher;
    - failures are never remembered: a wrong secret costs the full hash every time, so guessing
      is no faster, and a fast answer only ever goes to someone who sent the right secret;
    - a deactivated or deleted client is refused before its secret is checked (``is_usable``).

    Bounded (least recently used out first) and per process; each worker learns each secret once.
    """

    def __init__(self, max_entries: int = 256):
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str, bytes], None] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(client_id: str, stored_secret: str, provided_secret: str) -> tuple[str, str, bytes]:
        return (client_id, stored_secret, hashlib.sha256(provided_secret.encode()).digest())

    def known(self, client_id: str, stored_secret: str, provided_secret: str) -> bool:
        key = self._key(client_id, stored_secret, provided_secret)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return True
        return False

    def remember(self, client_id: str, stored_secret: str, provided_secret: str) -> None:
        key = self._key(client_id, stored_secret, provided_secret)
        with self._lock:
            self._entries[key] = None
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


client_secret_memo = ClientSecretMemo()

#: The oauthlib request whose client is being authenticated, for ``_check_secret`` (which DOT
#: calls with the secrets only, always those of ``request.client`` once it is loaded).
_authenticating = ContextVar("authenticating", default=None)


class MppOAuth2Validator(OAuth2Validator):
    # Claims are chosen per scope in mpp.sso.claims, not by DOT's standard-claim table.
    oidc_claim_scope = None

    def authenticate_client(self, request, *args, **kwargs):
        token = _authenticating.set(request)
        try:
            return super().authenticate_client(request, *args, **kwargs)
        finally:
            _authenticating.reset(token)

    def _check_secret(self, provided_secret, stored_secret):
        """DOT's check (the password hasher), remembered per process when it succeeds; see ClientSecretMemo."""
        request = _authenticating.get()
        client = getattr(request, "client", None)
        if client is None or client.client_secret != stored_secret or not provided_secret:
            return super()._check_secret(provided_secret, stored_secret)
        if client_secret_memo.known(client.client_id, stored_secret, provided_secret):
            return True
        if not super()._check_secret(provided_secret, stored_secret):
            return False
        client_secret_memo.remember(client.client_id, stored_secret, provided_secret)
        return True

    def get_oidc_claims(self, token, token_handler, request):
        """The ID token's claims: who (``sub``, the account's public id) and how sure we are (``acr``)."""
        return claims.id_token_claims(request.user)

    def get_userinfo_claims(self, request):
        """Everything the access token's scopes grant; each answer is recorded as a release to the client."""
        released = claims.userinfo_claims(request.user, request.scopes)
        services.record_release(user=request.user, client=request.client, claims=released)
        return released

    def get_discovery_claims(self, request):
        return claims.supported_claims()

    # prompt=none: the authorization view has already required a signed-in user and
    # answers consent_required itself when the citizen has not agreed yet.
    def validate_silent_login(self, request):
        return True

    def validate_silent_authorization(self, request):
        return True
