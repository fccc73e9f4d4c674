"""Response headers every page carries beyond Django's own: what the browser may use, and what it may keep.

- ``Permissions-Policy`` denies every powerful feature; a view that needs one (the face check
  needs the camera) allows it with ``@allow_features("camera")``.
- ``Cache-Control: private, no-store`` on every answer to a signed-in person: their pages show
  personal data (account, applications, vault, officer pages, the data-use log), which no
  browser cache or shared proxy should keep. A view that set its own Cache-Control keeps it.
"""

from functools import wraps

from django.conf import settings

#: Features no page uses; each is denied unless a view allows it.
FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth", "midi", "fullscreen")


def permissions_policy(allowed=()) -> str:
    return ", ".join(f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in FEATURES)


DENY_ALL = permissions_policy()


def allow_features(*features):
    """Let this view's page use ``features`` (on our own origin only)."""
    unknown = set(features) - set(FEATURES)
    if unknown:
        raise ValueError(f"unknown features: {sorted(unknown)}")
    policy = permissions_policy(features)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Permissions-Policy"] = policy
            return response

        return wrapper

    return decorator


class SecurityHeadersMiddleware:
    """Outside the public cache, so its hits carry the headers too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", DENY_ALL)
        # Only a request with a session can be signed in: anonymous pages (every QR scan) load no user.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and "Cache-Control" not in response:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                response["Cache-Control"] = "private, no-store"
        return response
