"""The OpenID Connect provider under /o/ (django-oauth-toolkit's views, in its namespace) and the citizen's pages.

Only the endpoints an agency system needs are routed: none of DOT's self-service application
management (the ministry registers clients in the admin), no device flow, no dynamic registration.
"""

from django.urls import include, path
from oauth2_provider import views as dot_views

from . import views

oauth2_provider_patterns = [
    path("authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path(".well-known/openid-configuration", views.DiscoveryView.as_view(), name="oidc-connect-discovery-info"),
    path(
        ".well-known/oauth-authorization-server",
        views.AuthorizationServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    path(".well-known/jwks.json", dot_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", views.userinfo, name="user-info"),
    path("logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
]

sso_patterns = [
    path("akun/aplikasi/", views.consent_list, name="consents"),
    path("akun/aplikasi/<uuid:consent_id>/cabut/", views.consent_revoke, name="revoke_consent"),
]

urlpatterns = [
    path("o/", include((oauth2_provider_patterns, "oauth2_provider"))),
    path("", include((sso_patterns, "sso"))),
]
