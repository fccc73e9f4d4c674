"""django-oauth-toolkit's request validator, adapted: our subject, our claims, a record of each release."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from . import claims, services


class MppOAuth2Validator(OAuth2Validator):
    # Claims are chosen per scope in mpp.sso.claims, not by DOT's standard-claim table.
    oidc_claim_scope = None

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
