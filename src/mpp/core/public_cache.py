"""A response cache for public catalog pages and API answers, in front of the views.

Catalog pages are the same for every anonymous visitor in a given language, change
rarely, and are what a region's citizens open first. A view opts in with
``@public_cache``; ``PublicCacheMiddleware`` then serves its 200 answers from the
cache to visitors without a session, keyed by path, query, language and htmx.

Freshness: every catalog write calls ``invalidate_public_cache`` after commit,
which changes the generation in every key. With a shared cache (REDIS_URL) that
is immediate everywhere; with the per-process memory cache other processes see
the change when their entry expires (PUBLIC_CACHE_SECONDS, 60 s by default).
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

GENERATION_KEY = "public-cache:generation"


def public_cache(view):
    """Mark a view's successful GET answers as safe to share between anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_cache = True
        return response

    wrapper.public_cache = True  # outer decorators (functools.wraps) carry it to the URL's view
    return wrapper


def invalidate_public_cache() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._applies(request):
            return self.get_response(request)
        key = self._key(request)
        hit = cache.get(key)
        if hit is not None:
            content, content_type, language = hit
            response = HttpResponse(content, content_type=content_type)
            response["Content-Language"] = language
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            getattr(response, "public_cache", False)
            and response.status_code == 200
            and not response.cookies  # never share an answer that sets a cookie (CSRF, session)
            and not response.streaming
        ):
            language = response.get("Content-Language", "")
            cache.set(key, (response.content, response["Content-Type"], language), settings.PUBLIC_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response

    def _applies(self, request) -> bool:
        # A request with credentials (a session, or an Authorization header: userinfo, the API
        # with a token) is never answered from, nor looked up in, the shared cache; nor one that
        # carries a message for its reader ("Anda sudah keluar."), which the view must show and clear.
        return (
            settings.PUBLIC_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
            and "authorization" not in request.headers
            and _may_be_cached(request.path_info)
        )

    def _key(self, request) -> str:
        generation = cache.get(GENERATION_KEY) or "0"
        language = translation.get_language_from_request(request)
        htmx = "1" if request.headers.get("HX-Request") == "true" else "0"
        path = request.get_full_path()
        digest = hashlib.blake2b(path.encode(), digest_size=16).hexdigest()
        return f"public-page:{generation}:{language}:{htmx}:{digest}"


def _may_be_cached(path: str) -> bool:
    """Whether the path's view is one that opts in (a page with ``@public_cache``, or the public API):
    any other page — a login form, a document's verification — costs no cache lookups."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "public_cache", False) or API_NAMESPACE in match.namespaces


API_NAMESPACE = "api-v1"
