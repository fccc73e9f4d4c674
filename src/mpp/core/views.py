"""Liveness and readiness probes, the language switch, and the browsers' reports of CSP violations."""

import json
import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .limits import over_limit

logger = logging.getLogger("mpp.csp")


MAX_CSP_REPORT_BYTES = 8 * 1024


@csrf_exempt
@require_POST
def csp_report(request):
    """A browser reports a Content-Security-Policy violation: logged (bounded), answered 204. Limited per address."""
    if over_limit(request, "csp-report", "ip", "60/m"):
        return HttpResponse(status=429)
    try:
        report = json.loads(request.body[:MAX_CSP_REPORT_BYTES] or b"{}").get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    logger.warning(
        "csp-violation",
        extra={key.replace("-", "_"): str(report.get(key, ""))[:300] for key in CSP_REPORT_FIELDS},
    )
    return HttpResponse(status=204)


CSP_REPORT_FIELDS = ("document-uri", "violated-directive", "effective-directive", "blocked-uri", "source-file")


@never_cache
@require_GET
def healthz(request):
    """The process is alive and serving; touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def readyz(request):
    """200 when the database answers and every migration is applied, else 503 saying which check failed."""
    checks = {}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["migrations"] = _migrations(connection)
    except Exception as exc:
        checks.setdefault("database", f"error: {exc.__class__.__name__}")
        checks.setdefault("migrations", "unknown")
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)


#: Once every migration this code knows is applied, it stays so for the process (a deploy that adds migrations
#: starts new processes): the load balancer's health check, every second, then costs one ``SELECT 1``, not the
#: migration graph (tens of milliseconds).
_migrated = False


def _migrations(connection) -> str:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return f"{len(pending)} pending"
        _migrated = True
    return "ok"


@require_GET
def switch_language(request, language):
    """Remember the chosen language in a cookie and go back where the visitor was.

    A link rather than Django's POST form, so pages carry no CSRF token and can be
    shared from the public cache; choosing a language changes nothing but a preference.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
