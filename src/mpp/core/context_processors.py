"""What the frame of every page (``base.html``) needs beyond the request."""

import functools

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse


def frame(request) -> dict:
    """The header's and footer's links and assets, as ``frame.<name>``.

    They are the same on every page, so they are reversed once per process (and script prefix)
    rather than by a dozen ``{% url %}`` and ``{% static %}`` tags on every request: about a tenth of
    what rendering a small public page such as the verification page costs.
    """
    return {"frame": _frame(get_script_prefix())}


@functools.cache
def _frame(script_prefix: str) -> dict[str, str]:
    return {
        "css": static("mpp/site.css"),
        "htmx": static("mpp/vendor/htmx-2.0.11.min.js"),
        "favicon_svg": static("mpp/favicon.svg"),
        "favicon_ico": static("mpp/favicon.ico"),
        "touch_icon": static("mpp/apple-touch-icon.png"),
        "mark": static("mpp/icons/mark.svg"),
        "home": reverse("home"),
        "search": reverse("catalog:search"),
        "login": reverse("identity:login"),
        "logout": reverse("identity:logout"),
        "account": reverse("identity:account"),
        "dashboard": reverse("applications:dashboard"),
        "vault": reverse("documents:vault"),
        "bookings": reverse("queueing:my_bookings"),
        "bills": reverse("payments:mine"),
        "worklist": reverse("applications:worklist"),
        "track": reverse("applications:track"),
        "statistics": reverse("statistics:public_national"),
        "regions_list": reverse("onboarding:public_list"),
        "complaints": reverse("complaints:start"),
        "language_en": reverse("switch_language", args=["en"]),
        "language_id": reverse("switch_language", args=["id"]),
    }
