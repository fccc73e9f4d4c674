"""Bench-only: the SQL behind the applications scenarios' pages, counted and explained.

Run by bench/applications.py with the benchmark's environment, after the seed and VACUUM
ANALYZE, before any server starts (nothing else loads the machine):

    python bench/applications_queries.py '<the "queries" object of applications_seed.py>'

Renders each page in-process with Django's test client (HTTP_HOST 127.0.0.1, no network) and
counts its queries with CaptureQueriesContext:
- the worklist of the pilot region's Disdukcapil verifier at page sizes 10, 25 and 100, and of
  an officer with a short worklist (the same region's Dinkes verifier): the count must not move;
- the dashboard of the citizen with 50 applications and of one with a handful;
- one submission of the birth-certificate form (the queries a submit costs).

For the worklist and the dashboard it also times the page (median of a few renders, the
time in SQL among it) and runs EXPLAIN (ANALYZE, BUFFERS) on its slowest query. Prints one
JSON object on stdout.
"""

import json
import os
import statistics
import sys
import time
import uuid
from urllib.parse import parse_qsl

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from mpp.applications.views import officer as officer_views  # noqa: E402
from mpp.identity.models import Role, RoleAssignment, User  # noqa: E402

PAGE_SIZES = (10, 25, 100)
RENDERS = 7


def signed_in(user: User) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def capture(client: Client, method: str, path: str, data: dict | None = None) -> tuple[int, list[dict], float]:
    """(status, the queries, wall ms) of one request."""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data) if data is not None else getattr(client, method)(path)
    return response.status_code, list(queries.captured_queries), (time.perf_counter() - started) * 1000


def timed(client: Client, path: str) -> dict:
    """The page rendered RENDERS times: median wall and SQL ms, and the slowest query of the median render."""
    runs = [capture(client, "get", path) for _ in range(RENDERS)]
    statuses = {status for status, _queries, _ms in runs}
    walls = [ms for _status, _queries, ms in runs]
    sql_ms = [sum(float(query["time"]) for query in queries) * 1000 for _status, queries, _ms in runs]
    median_run = sorted(runs, key=lambda run: run[2])[len(runs) // 2]
    slowest = max(median_run[1], key=lambda query: float(query["time"]))
    return {
        "statuses": sorted(statuses),
        "queries": len(median_run[1]),
        "wall_ms": round(statistics.median(walls), 1),
        "sql_ms": round(statistics.median(sql_ms), 1),
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 2),
        "slowest_query": slowest["sql"],
        "explain": explain(slowest["sql"]),
    }


def explain(statement: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured SELECT (Django logs it with its parameters inlined)."""
    if not statement.lstrip().upper().startswith("SELECT"):
        return ""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.replace("%", "%%"))
        return "\n".join(row[0] for row in cursor.fetchall())


def worklist(verifier: User) -> dict:
    client = signed_in(verifier)
    counts = {}
    for size in PAGE_SIZES:
        officer_views.PAGE_SIZE = size  # read on each request
        status, queries, _ms = capture(client, "get", "/petugas/")
        counts[str(size)] = {"status": status, "queries": len(queries)}
    officer_views.PAGE_SIZE = 25
    other = (
        RoleAssignment.objects.filter(role=Role.VERIFIER, region_id=verifier.role_assignments.get().region_id)
        .exclude(user=verifier)
        .select_related("user")
        .first()
    )
    status, queries, _ms = capture(signed_in(other.user), "get", "/petugas/")
    return {
        "by_page_size": counts,
        "short_worklist": {"officer": other.user.username, "status": status, "queries": len(queries)},
        "page": timed(client, "/petugas/"),
    }


def dashboard(citizen: User, other: User) -> dict:
    status, queries, _ms = capture(signed_in(other), "get", "/permohonan/")
    return {
        "citizen_applications": citizen.applications.count(),
        "other_applications": other.applications.count(),
        "other": {"status": status, "queries": len(queries)},
        "page": timed(signed_in(citizen), "/permohonan/"),
    }


def submit(citizen: User, service_id: str, form: str) -> dict:
    client = signed_in(citizen)
    data = dict(parse_qsl(form)) | {"submit_key": uuid.uuid4().hex}
    status, queries, ms = capture(client, "post", f"/layanan/{service_id}/ajukan/", data)
    return {
        "status": status,
        "queries": len(queries),
        "writes": sum(1 for query in queries if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))),
        "wall_ms": round(ms, 1),
        "sql": [query["sql"][:160] for query in queries],
    }


def main() -> None:
    given = json.loads(sys.argv[1])
    verifier = User.objects.get(pk=given["verifier_id"])
    citizen = User.objects.get(pk=given["citizen_id"])
    result = {"submit": submit(citizen, given["citizen_service"], given["form"])}
    result["worklist"] = worklist(verifier)
    result["dashboard"] = dashboard(User.objects.get(pk=given["dashboard_user_id"]), citizen)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
