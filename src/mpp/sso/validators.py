"""django-oauth-toolkit's request validator, adapted: our subject, our claims, a record of each release."""

import hashlib
import json
import threading
from collections import OrderedDict
from contextvars import ContextVar

from django.db import transaction
from jwcrypto import jwt
from oauth2_provider.models import get_grant_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

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

#: The ID token this request has just signed and saved (serialized, row), so that saving the
#: access token does not parse and verify it again to find the row (DOT's ``_load_id_token``).
_signed_id_token = ContextVar("signed_id_token", default=(None, None))

#: The oauthlib request whose client is being authenticated, for ``_check_secret`` (which DOT
#: calls with the secrets only, always those of ``request.client`` once it is loaded).
_authenticating = ContextVar("authenticating", default=None)


def resource_indicators_refused(state=None, request=None) -> errors.CustomOAuth2Error:
    return errors.CustomOAuth2Error(
        error="invalid_target",
        description="Resource indicators (RFC 8707) are not supported: access tokens are for userinfo only.",
        state=state,
        request=request,
    )


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

    # --- the code exchange: one read of the grant per request ----------------------------------
    # DOT reads the Grant row again for each question oauthlib asks about the code (scopes,
    # client, redirect URI, PKCE challenge and method, nonce: six queries, then its user). The
    # row is read once per request here, with its user; the exchange still deletes it by code
    # and client, so a code is used once (see mpp.sso.views.TokenView).

    def _grant(self, code, request):
        cached = getattr(request, "mpp_grant", None)
        if cached is None or cached.code != code:
            cached = get_grant_model().objects.select_related("user").filter(code=code).first()
            request.mpp_grant = cached
        return cached

    def _client_grant(self, code, client, request):
        grant = self._grant(code, request)
        if grant is None or client is None or grant.application_id != client.pk:
            raise get_grant_model().DoesNotExist
        return grant

    def get_authorization_code_scopes(self, client_id, code, redirect_uri, request):
        grant = self._grant(code, request)
        return grant.scope.split() if grant is not None else []

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request):
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant is not None else None

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        try:
            grant = self._client_grant(code, client, request)
        except get_grant_model().DoesNotExist:
            return False
        if grant.is_expired():
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        return True

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
        # OpenID Connect requires redirect_uri at authorization, so the exchange must repeat it (RFC 6749 4.1.3).
        if getattr(request, "using_default_redirect_uri", False):
            return False
        return self._client_grant(code, client, request).redirect_uri_allowed(redirect_uri)

    def get_code_challenge(self, code, request):
        return self._client_grant(code, request.client, request).code_challenge or None

    def get_code_challenge_method(self, code, request):
        return self._client_grant(code, request.client, request).code_challenge_method or None

    def _check_and_set_request_resource(self, request):
        """No RFC 8707 resource indicators: our only protected resource is userinfo, so tokens are never restricted.

        (DOT's version reads the grant once more to inherit its indicators, which a grant here never has.)
        """
        if getattr(request, "resource", None):
            raise resource_indicators_refused(getattr(request, "state", None), request=request)
        request.resource = []

    def save_bearer_token(self, token, request, *args, **kwargs):
        """DOT's, without a savepoint of its own inside the token endpoint's transaction (mpp.sso.views.TokenView);
        an exchanged code is remembered, so that its replay revokes these tokens (``services.remember_code_use``)."""
        with transaction.atomic(savepoint=False):
            saved = self._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code" and request.code:
            services.remember_code_use(code=request.code, user_id=request.user.pk, application_id=request.client.pk)
        return saved

    def finalize_id_token(self, id_token, token, token_handler, request):
        """DOT's, less its savepoint around the ID token's row, and remembering what it signed.

        The token endpoint already runs in one transaction (mpp.sso.views.TokenView), so DOT's
        nested ``atomic`` only added a SAVEPOINT and its RELEASE to every code exchange.
        """
        claims_, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims_)
        if "nonce" not in id_token and request.nonce:  # oauthlib bug #746, as DOT works around it
            id_token["nonce"] = request.nonce
        header = {"typ": "JWT", "alg": request.client.algorithm}
        if request.client.algorithm == request.client.RS256_ALGORITHM:
            header["kid"] = request.client.jwk_key.thumbprint()
        signed = jwt.JWT(header=json.dumps(header, default=str), claims=json.dumps(id_token, default=str))
        signed.make_signed_token(request.client.jwk_key)
        request.id_token = request.access_token = self._save_id_token(id_token["jti"], request, expiration_time)
        serialized = signed.serialize()
        _signed_id_token.set((serialized, request.id_token))
        return serialized

    def _load_id_token(self, token):
        serialized, row = _signed_id_token.get()
        if token == serialized:
            return row
        return super()._load_id_token(token)

    # --- claims ---------------------------------------------------------------------------------

    def get_oidc_claims(self, token, token_handler, request):
        """The ID token's claims: who (``sub``, the account's public id) and how sure we are (``acr``)."""
        return claims.id_token_claims(request.user)

    def get_discovery_claims(self, request):
        return claims.supported_claims()

    # prompt=none: the authorization view has already required a signed-in user and
    # answers consent_required itself when the citizen has not agreed yet.
    def validate_silent_login(self, request):
        return True

    def validate_silent_authorization(self, request):
        return True
