"""Where the sign-in pages of an OpenID Connect flow may send their form: here, and the one client that asked.

The Content-Security-Policy allows forms to post only to this site (``form-action 'self'``),
and browsers apply form-action to the redirects that follow a submission too. Signing in for
a client (``/akun/masuk/?next=/o/authorize/…``), its TOTP step, the consent screen and the
logout confirmation all end, by redirect, at the client's registered URI: another origin.
Each such page allows that one origin, after the client is found and the URI checked against
its registration; any other page allows none.
"""

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from .models import AgencyClient


def allow(response, uri: str):
    """Let ``response``'s forms lead to ``uri``'s origin (and no further); returns the response."""
    parts = urlsplit(uri)
    if parts.scheme in ("http", "https") and parts.netloc:
        response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    return response


def client_redirect_of(next_url: str) -> str:
    """The redirect URI an authorization request in ``next_url`` will end at, when its client registered it; or ""."""
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc or parts.path != reverse("oauth2_provider:authorize"):
        return ""
    query = parse_qs(parts.query)
    client_id, redirect_uri = query.get("client_id", [""])[0], query.get("redirect_uri", [""])[0]
    client = AgencyClient.objects.filter(client_id=client_id).first() if client_id and redirect_uri else None
    return redirect_uri if client is not None and client.redirect_uri_allowed(redirect_uri) else ""


class SignInForClientMiddleware:
    """On the sign-in pages (any page asked with ``?next=`` an authorization request), allow the client's origin.

    The sign-in pages belong to identity, which knows nothing of clients; this middleware, in
    the sso context, adds what only it can check. It costs one string test on other requests.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "next=" in request.META.get("QUERY_STRING", "") and response.get("Content-Type", "").startswith("text/html"):
            uri = client_redirect_of(request.GET.get("next", ""))
            if uri:
                allow(response, uri)
        return response
