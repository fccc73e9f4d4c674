"""Checks a view makes before it serves someone: signed in, at the level of assurance it needs, or staff."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse


def officer_required(view):
    """Signed-in staff only: anonymous visitors are sent to the login page, other accounts get a 404."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(checked)


def role_required(*roles: str):
    """Signed-in staff holding one of ``roles`` (a superuser holds them all); anonymous visitors are sent
    to the login page, every other account gets a 404, as if the page were not there.
    What the role may see within its scope is the selectors' business (``core.tenancy.region_scope``)."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorator


def has_role(user, *roles: str) -> bool:
    """Whether ``user`` is active staff with one of ``roles`` (a superuser has every role)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    return user.is_superuser or any(role in roles for role, _agency in held_roles(user))


def held_roles(user) -> frozenset[tuple[str, object]]:
    """(role, agency id or None) of every role ``user`` holds: one query, kept on the user for the request,
    for the menu, the access checks and the worklist's scope alike."""
    held = getattr(user, "_held_roles", None)
    if held is None:
        held = user._held_roles = frozenset(user.role_assignments.values_list("role", "agency_id"))
    return held


def assurance_redirect(request, level: int):
    """None when the signed-in user has ``level``; otherwise where to go first (sign in, or upgrade),
    with ``next`` pointing back at this request so they return once they are there."""
    here = request.get_full_path()
    if not request.user.is_authenticated:
        return redirect(f"{reverse('identity:login')}?{urlencode({'next': here})}")
    if request.user.assurance_level < level:
        return redirect(f"{reverse('identity:upgrade')}?{urlencode({'level': int(level), 'next': here})}")
    return None
