"""A demo agency client for trying the single sign-on under `make run` (with the demo citizens of seed_demo).

Demo mode only (MPP_DEMO_MODE=true): the citizen's password is public and the client's
redirect URI is plain http on loopback, which production does not accept.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from oauth2_provider.generators import generate_client_secret

from mpp.sso.claims import SCOPES
from mpp.sso.models import AgencyClient

from .accounts import DEMO_CITIZENS

DEMO_CLIENT_ID = "demo-portal-perizinan"
DEMO_REDIRECT_URI = "http://127.0.0.1:8765/callback"
DEMO_NIK = DEMO_CITIZENS[0][0]  # Siti Rahmawati, created by `manage.py seed_demo`


@transaction.atomic
def seed_sso_demo(*, redirect_uri: str = DEMO_REDIRECT_URI) -> tuple[AgencyClient, str]:
    """Create or reset the demo client (a new secret each time); returns (client, secret)."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("The SSO demo is created only when MPP_DEMO_MODE=true.")
    secret = generate_client_secret()
    parts = urlsplit(redirect_uri)
    client, _created = AgencyClient.objects.update_or_create(
        client_id=DEMO_CLIENT_ID,
        defaults={
            "name": "Portal Perizinan Demo",
            "agency_name": "DPMPTSP Kota Samarinda",
            "client_secret": secret,
            "redirect_uris": redirect_uri,
            "post_logout_redirect_uris": f"{parts.scheme}://{parts.netloc}/",
            "allowed_scopes": list(SCOPES),
            "is_active": True,
        },
    )
    return client, secret
