"""Liveness and readiness probes, the language switch, and the browsers' reports of CSP violations."""

import json
import logging
import sys

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
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


#: Seconds a client is asked to wait before sending a request again that the database could not serve.
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """Django's last answer to an exception (``handler500``). A database that does not answer — a primary
    restarting, a failover — is a 503 with ``Retry-After``: the same request may simply be sent again in a few
    seconds, and nothing was saved. Anything else is a 500. Rendered without the request's context (no session,
    no user: the database may be what failed) and without ``base.html``."""
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    if unavailable:
        status, title = 503, _("Layanan sedang tidak dapat diakses")
        message = _(
            "Layanan sedang dipulihkan. Tidak ada yang tersimpan dari permintaan ini; coba lagi dalam beberapa detik."
        )
    else:
        status, title = 500, _("Terjadi kesalahan")
        message = _("Terjadi kesalahan pada server dan sudah dicatat. Silakan coba lagi nanti.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": str(message)}, status=status)
    else:
        context = {"title": title, "message": message, "language": translation.get_language()}
        response = HttpResponse(render_to_string("core/error.html", context), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


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
