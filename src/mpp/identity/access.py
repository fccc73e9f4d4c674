"""Checks a view makes before it serves a citizen: signed in, and at the level of assurance it needs."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def assurance_redirect(request, level: int):
    """None when the signed-in user has ``level``; otherwise where to go first (sign in, or upgrade),
    with ``next`` pointing back at this request so they return once they are there."""
    here = request.get_full_path()
    if not request.user.is_authenticated:
        return redirect(f"{reverse('identity:login')}?{urlencode({'next': here})}")
    if request.user.assurance_level < level:
        return redirect(f"{reverse('identity:upgrade')}?{urlencode({'level': int(level), 'next': here})}")
    return None
