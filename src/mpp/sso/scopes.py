"""Which scopes a client may ask for: the ones the ministry allowed it (``AgencyClient.allowed_scopes``).

Two kinds of client, two sets of scopes. A sign-in client (authorization code) asks for the
OpenID Connect scopes of ``claims.SCOPES``, each about the citizen who consents. A system client
(client credentials, no citizen involved) asks for the API scopes below, each a right to call
part of our API as its agency system; those never appear in OpenID discovery or on a consent screen.
"""

from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

from .claims import SCOPES

#: API scopes of system clients (client credentials), with what they allow.
API_SCOPES = {
    "applications.status": _("Mengirim status permohonan yang diteruskan ke sistem instansi"),
}


def is_system_client(application) -> bool:
    return application is not None and application.authorization_grant_type == application.GRANT_CLIENT_CREDENTIALS


class AgencyClientScopes(BaseScopes):
    def get_all_scopes(self):
        return {name: scope.data for name, scope in SCOPES.items()} | API_SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        # A request for a scope outside this list is refused with invalid_scope (oauthlib).
        if application is None:
            return list(SCOPES)  # what discovery advertises: the OpenID Connect scopes
        catalogue = API_SCOPES if is_system_client(application) else SCOPES
        return [name for name in catalogue if name in application.allowed_scopes]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        if is_system_client(application):
            return [name for name in API_SCOPES if name in application.allowed_scopes]
        return ["openid"]
