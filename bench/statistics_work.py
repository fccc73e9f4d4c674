"""Bench-only: the statistics' own work, timed in-process with the benchmark's environment.

Run by bench/statistics_bench.py after the applications seed and VACUUM ANALYZE, before any
server starts (nothing else loads the machine). Each command prints one JSON object on stdout:

    python bench/statistics_work.py prepare <out_dir>   # full rebuild, timed; sessions; queries per page
    python bench/statistics_work.py rebuild-year        # the last 365 days rebuilt from scratch, timed
    python bench/statistics_work.py refresh <events>    # <events> new events written, one refresh timed

``refresh`` writes what officers would: for each of <events>/2 applications waiting for a
verifier, an acceptance and then an approval or a rejection (two events, the application
decided now), in one transaction, then times one run of the worker's refresh. It checks the
result: the figures of the days and months touched are recounted from scratch by a bounded
rebuild and must not change.
"""

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from scenarios import PILOT_REGION, STATISTICS_SCENARIOS, statistics_path  # noqa: E402

from mpp.applications.models import Application, Event, Status  # noqa: E402
from mpp.identity.models import Role, RoleAssignment, User  # noqa: E402
from mpp.statistics import services  # noqa: E402
from mpp.statistics.models import ApplicationFact, DecidedFigure, Grain, ReceivedFigure  # noqa: E402
from mpp.statistics.periods import Kind, Period  # noqa: E402

PASSWORD = "sandi-uji-beban-MPP-2026"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(work) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()
    return result, round(time.perf_counter() - started, 2)


def staff(username: str, role: str, region: str | None) -> User:
    user, _created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    user.set_password(PASSWORD)
    user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, region_id=region)
    return user


def session_for(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "mpp.identity.auth.NikOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def figure_counts() -> dict:
    return {
        "facts": ApplicationFact.objects.count(),
        **{
            f"{model.__name__}_{grain}": model.objects.filter(grain=grain).count()
            for model in (ReceivedFigure, DecidedFigure)
            for grain in Grain.values
        },
    }


def queries_per_page(users: dict[str, User], quarter: Period) -> dict:
    """Queries and wall time of one render of each page, in-process (the first render, charts drawn)."""
    measured = {}
    for scenario in STATISTICS_SCENARIOS:
        client = Client(HTTP_HOST="127.0.0.1")
        if scenario.user:
            client.force_login(users[scenario.user])
        path = statistics_path(scenario, quarter)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        measured[scenario.name] = {
            "status": status,
            "queries": len(queries),
            "first_render_ms": round((time.perf_counter() - started) * 1000, 1),
            "sql_ms": round(sum(float(query["time"]) for query in queries.captured_queries) * 1000, 1),
        }
    return measured


def prepare(out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    counted, full_s = timed(services.rebuild)
    say(f"    full rebuild: {counted:,} applications in {full_s} s")
    users = {
        "ministry": staff("kementerian.bench", Role.MINISTRY, None),
        "manager": staff(f"pengelola.bench.{PILOT_REGION}", Role.MPP_MANAGER, PILOT_REGION),
    }
    files = {}
    for name, user in users.items():
        path = out_dir / f"{name}-sessions.txt"
        # One account: the same session on a few lines, as every wrk thread needs one of its own.
        path.write_text("\n".join([session_for(user)] * 8) + "\n")
        files[name] = str(path)
    quarter = Period.containing(Kind.QUARTER, timezone.localdate()).previous()
    return {
        "full_rebuild": {"applications": counted, "seconds": full_s},
        "counts": figure_counts(),
        "quarter": [quarter.start.isoformat(), quarter.end.isoformat()],
        "files": files,
        "queries": queries_per_page(users, quarter),
    }


def rebuild_year() -> dict:
    today = timezone.localdate()
    first = today - dt.timedelta(days=364)
    counted, seconds = timed(lambda: services.rebuild(first=first, last=today))
    say(f"    one year rebuilt: {counted:,} applications in {seconds} s")
    return {"first": first.isoformat(), "last": today.isoformat(), "applications": counted, "seconds": seconds}


def write_events(count: int) -> int:
    """``count`` events on ``count // 2`` applications waiting for a verifier: accepted, then decided now."""
    now = timezone.now()
    waiting = list(
        Application.objects.filter(status=Status.IN_PROGRESS, step="verification").order_by("pk")[: count // 2]
    )
    events = []
    for index, application in enumerate(waiting):
        decided = Status.REJECTED if index % 10 == 0 else Status.APPROVED
        events.append(_event(application, now, "accept", Status.IN_PROGRESS, "verification", "approval"))
        action = "approve" if decided == Status.APPROVED else "reject"
        events.append(_event(application, now, action, decided, "approval"))
        application.status, application.decided_at, application.version = decided, now, application.version + 2
        application.step, application.step_role, application.step_due_at = "", "", None
    with transaction.atomic():
        Application.objects.bulk_update(
            waiting, ["status", "decided_at", "version", "step", "step_role", "step_due_at"], batch_size=2000
        )
        Event.objects.bulk_create(events, batch_size=2000)
    return len(events)


def _event(application, at, action, to_status, from_step, to_step="") -> Event:
    return Event(
        application=application,
        at=at,
        actor_label="Uji beban",
        action=action,
        from_status=Status.IN_PROGRESS,
        to_status=to_status,
        from_step=from_step,
        to_step=to_step,
    )


def figures_of(first: dt.date, last: dt.date) -> set:
    days = Q(grain=Grain.DAY, start__range=(first, last))
    months = Q(grain=Grain.MONTH, start__range=(first.replace(day=1), last))
    received = set(ReceivedFigure.objects.filter(days | months).values_list(*RECEIVED_COLUMNS))
    decided = set(DecidedFigure.objects.filter(days | months).values_list(*DECIDED_COLUMNS))
    return received | decided


RECEIVED_COLUMNS = ("grain", "start", "region_id", "template_id", "channel", "count")
DECIDED_COLUMNS = ("grain", "start", "received_start", "region_id", "template_id", "outcome", "working_days", "count")


def refresh(count: int) -> dict:
    written = write_events(count)
    say(f"    {written:,} events written")
    refreshed, seconds = timed(services.refresh)
    say(f"    refresh: {refreshed} in {seconds} s")
    today = timezone.localdate()
    first, last = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    after_refresh = figures_of(first, last)
    services.rebuild(first=first, last=last)
    problem = None if figures_of(first, last) == after_refresh else "the refreshed figures differ from a rebuild"
    return {
        "events_written": written,
        "events_read": refreshed.events if refreshed else 0,
        "applications": refreshed.applications if refreshed else 0,
        "changed": refreshed.changed if refreshed else 0,
        "seconds": seconds,
        "check_problem": problem if refreshed else "the refresh was skipped: the cursor was held",
    }


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "prepare":
        result = prepare(Path(args[0]))
    elif command == "rebuild-year":
        result = rebuild_year()
    elif command == "refresh":
        result = refresh(int(args[0]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
