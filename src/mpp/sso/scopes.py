"""Which scopes a client may ask for: the ones the ministry allowed it (``AgencyClient.allowed_scopes``)."""

from oauth2_provider.scopes import BaseScopes

from .claims import SCOPES


class AgencyClientScopes(BaseScopes):
    def get_all_scopes(self):
        return {name: scope.data for name, scope in SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        # A request for a scope outside this list is refused with invalid_scope (oauthlib).
        if application is None:
            return list(SCOPES)
        return [name for name in SCOPES if name in application.allowed_scopes]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return ["openid"]
