"""Bench-only: a million satisfaction-survey answers in the pilot regions, and what the survey scenarios need.

Run by bench/surveys_bench.py with the benchmark's environment (its PostgreSQL database, after
load_regions and seed_catalog):

    python bench/surveys_seed.py <out_dir> --answers 1000000 --codes 150000

Creates, in one transaction, with INSERT … SELECT generate_series (not the ORM per row), the foreign-key
triggers skipped as a superuser (every row comes from a join on what it references) and the tables'
secondary indexes dropped first and built again at the end, as applications_seed.py does:

- served transactions (``surveys.Invitation``, kind "visit", references ``bench-…``): half again as many as
  the answers, spread evenly over the online services of the 21 pilot regions and the last 365 days, one in
  three at the counter;
- tied answers for two in three of them, each element with its own spread (fees rated best, complaint
  handling and waiting time worst), the profile filled for most;
- open answers (the public survey), one per twenty tied ones;
- ``--codes`` counter visits of today with a working kiosk code and no answer, for the submit scenario:
  written to <out_dir> in three files (the check's one code, the warm-up's, the measured run's).

Then rebuilds the index from scratch (timed: what ``manage.py rebuild_surveys`` does) and renders each page
once in-process (queries, SQL and wall time), and prints one JSON object on stdout.
"""

import argparse
import json
import os
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg import sql  # noqa: E402
from scenarios import PILOT_REGION, SURVEY_PAGES  # noqa: E402
from seeding import Steps, skip_foreign_key_checks  # noqa: E402

from mpp.catalog.models import Mode, Service  # noqa: E402
from mpp.surveys import refresh  # noqa: E402
from mpp.surveys.models import Answer, IndexFigure, Invitation  # noqa: E402

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Cumulative shares of the answers 1, 2 and 3 per element (the rest answer 4): U4 (fees) best, U8 worst.
SPREADS = {
    "u1": (0.03, 0.12, 0.55),
    "u2": (0.05, 0.18, 0.60),
    "u3": (0.08, 0.30, 0.70),
    "u4": (0.02, 0.05, 0.20),
    "u5": (0.03, 0.12, 0.55),
    "u6": (0.03, 0.10, 0.50),
    "u7": (0.02, 0.08, 0.45),
    "u8": (0.10, 0.32, 0.72),
    "u9": (0.05, 0.20, 0.62),
}
# h(salt): a well-mixed non-negative integer of row i, the same on every run.
_H = "(hashint8(i::bigint * 8 + {salt}) & 2147483647)"


def code_of(k: int) -> str:
    """The k-th code: an odd multiplier is a bijection on 30 bits, so the codes are distinct and look random."""
    n = (k * 0x2545F491 + 0x1234567) % (1 << 30)
    return "".join(ALPHABET[(n >> shift) & 31] for shift in (25, 20, 15, 10, 5, 0))


def services() -> list[tuple]:
    return list(
        Service.objects.filter(region__is_pilot=True, is_active=True, template__mode=Mode.APPLICATION)
        .order_by("region_id", "template__slug")
        .values_list("pk", "agency_id", "region_id", "region__time_zone")
    )


def load_services(cursor, rows: list[tuple]) -> None:
    cursor.execute(
        "CREATE TEMP TABLE bench_survey_service (n int, service_id uuid, agency_id uuid, region_id text, zone text)"
        " ON COMMIT DROP"
    )
    cursor.executemany(
        "INSERT INTO bench_survey_service VALUES (%s, %s, %s, %s, %s)",
        [(n, *row) for n, row in enumerate(rows)],
    )


def drop_secondary_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' indexes that back no constraint; returns their definitions, to build them again."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return [definition for _name, definition in indexes]


def create_invitations(cursor, count: int, services_count: int, now: datetime) -> None:
    cursor.execute(
        f"""
        INSERT INTO surveys_invitation (created_at, updated_at, kind, reference, region_id, agency_id, service_id,
                                        channel, served_at, served_on, month, expires_at)
        SELECT t.served_at, t.served_at, 'visit', 'bench-' || i, s.region_id, s.agency_id, s.service_id,
               CASE WHEN mod({_H.format(salt=1)}, 3) = 0 THEN 'counter' ELSE 'online' END,
               t.served_at, (t.served_at AT TIME ZONE s.zone)::date,
               date_trunc('month', t.served_at AT TIME ZONE s.zone)::date, t.served_at + interval '30 days'
        FROM generate_series(0, %(count)s - 1) AS i
        JOIN bench_survey_service s ON s.n = mod({_H.format(salt=2)}, %(services)s)
        CROSS JOIN LATERAL (
            SELECT %(now)s::timestamptz - make_interval(secs => mod({_H.format(salt=3)}, 31536000)) AS served_at
        ) t
        """,
        {"count": count, "services": services_count, "now": now},
    )


def _value(field: str) -> str:
    low, middle, high = SPREADS[field]
    return f"1 + width_bucket(random(), ARRAY[{low}, {middle}, {high}]::float8[])"


PROFILE = """
    (ARRAY['L', 'P', 'P', ''])[1 + mod({row}, 4)],
    (ARRAY['20-29', '30-39', '30-39', '40-49', '50-59', '-19', '60-', ''])[1 + mod({row}, 8)],
    (ARRAY['slta', 'slta', 's1', 'd1-d3', 'sltp', 'sd', 's2', ''])[1 + mod({row} / 8, 8)],
    (ARRAY['swasta', 'wirausaha', 'pns', 'lainnya', 'lainnya', 'tni', 'polri', ''])[1 + mod({row} / 64, 8)]
"""
ELEMENT_COLUMNS = ", ".join(SPREADS)


def create_answers(cursor) -> None:
    """Two in three served transactions answered, an hour after they were served."""
    values = ", ".join(_value(field) for field in SPREADS)
    cursor.execute(
        f"""
        INSERT INTO surveys_answer (created_at, updated_at, invitation_id, is_linked, source, region_id, agency_id,
                                    service_id, channel, served_on, month, {ELEMENT_COLUMNS},
                                    gender, age_band, education, occupation, suggestion)
        SELECT v.served_at + interval '1 hour', v.served_at + interval '1 hour', v.id, true,
               CASE WHEN v.channel = 'counter' THEN 'kiosk' ELSE 'web' END, v.region_id, v.agency_id, v.service_id,
               v.channel, v.served_on, v.month, {values}, {PROFILE.format(row="v.id")}, ''
        FROM surveys_invitation v
        WHERE v.kind = 'visit' AND v.code IS NULL AND mod(v.id, 3) <> 0
        """
    )


def create_open_answers(cursor, count: int, services_count: int, now: datetime) -> None:
    values = ", ".join(_value(field) for field in SPREADS)
    cursor.execute(
        f"""
        INSERT INTO surveys_answer (created_at, updated_at, invitation_id, is_linked, source, region_id, agency_id,
                                    service_id, channel, served_on, month, {ELEMENT_COLUMNS},
                                    gender, age_band, education, occupation, suggestion)
        SELECT t.at, t.at, NULL, false, 'public', s.region_id,
               CASE WHEN mod(i, 2) = 0 THEN s.agency_id END, CASE WHEN mod(i, 2) = 0 THEN s.service_id END, '',
               (t.at AT TIME ZONE s.zone)::date, date_trunc('month', t.at AT TIME ZONE s.zone)::date,
               {values}, {PROFILE.format(row="i")}, ''
        FROM generate_series(0, %(count)s - 1) AS i
        JOIN bench_survey_service s ON s.n = mod({_H.format(salt=5)}, %(services)s)
        CROSS JOIN LATERAL (
            SELECT %(now)s::timestamptz - make_interval(secs => mod({_H.format(salt=6)}, 31536000)) AS at
        ) t
        """,
        {"count": count, "services": services_count, "now": now},
    )


def create_coded_visits(cursor, count: int, rows: list[tuple], now: datetime) -> list[str]:
    """``count`` counter visits of the last hour, each with a working code; returns the codes."""
    codes = [code_of(k) for k in range(count)]
    served = now - timedelta(hours=1)
    created = now - timedelta(days=1)  # settled for the refresh: nothing left for it to read again
    columns = [
        "created_at", "updated_at", "kind", "reference", "region_id", "agency_id", "service_id", "channel",
        "served_at", "served_on", "month", "expires_at", "code", "code_expires_at",
    ]  # fmt: skip
    with cursor.cursor.copy(f"COPY surveys_invitation ({', '.join(columns)}) FROM STDIN") as copy:
        for k, code in enumerate(codes):
            service_id, agency_id, region_id, zone = rows[k % len(rows)]
            day = timezone.localtime(served, timezone=_zone(zone)).date()
            copy.write_row(
                (created, created, "visit", f"bench-code-{k}", region_id, agency_id, service_id, "counter",
                 served, day, day.replace(day=1), now + timedelta(days=30), code, now + timedelta(days=30))
            )  # fmt: skip
    return codes


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


@transaction.atomic
def seed(args, now: datetime, step: Steps) -> tuple[list[str], bool]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        skipped = skip_foreign_key_checks(cursor)
        rows = services()
        if not rows:
            raise SystemExit("no online services in the pilot regions: run seed_catalog first")
        load_services(cursor, rows)
        dropped = drop_secondary_indexes(cursor, ["surveys_invitation", "surveys_answer"])
        step("served transactions", lambda: create_invitations(cursor, args.answers * 3 // 2, len(rows), now))
        step("tied answers", lambda: create_answers(cursor))
        step("open answers", lambda: create_open_answers(cursor, args.answers // 20, len(rows), now))
        codes = step("coded counter visits", lambda: create_coded_visits(cursor, args.codes, rows, now))
        step("indexes", lambda: [cursor.execute(definition) for definition in dropped])
    return codes, skipped


def queries_per_page() -> dict:
    measured = {}
    for name, path, _max_p95 in SURVEY_PAGES:
        client = Client(HTTP_HOST="127.0.0.1")
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        measured[name] = {
            "status": status,
            "queries": len(queries),
            "first_render_ms": round((time.perf_counter() - started) * 1000, 1),
            "sql_ms": round(sum(float(query["time"]) for query in queries.captured_queries) * 1000, 1),
        }
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--codes", type=int, default=150_000)
    args = parser.parse_args()
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    step = Steps()
    codes, skipped = seed(args, now, step)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE surveys_invitation")
        cursor.execute("ANALYZE surveys_answer")
    rebuilt = step("rebuild (rebuild_surveys)", refresh.rebuild)
    files = {"check": out / "codes-check.txt", "warm_up": out / "codes-warm-up.txt", "measured": out / "codes.txt"}
    files["check"].write_text(codes[0] + "\n")
    warm = max(1, len(codes) // 6)
    files["warm_up"].write_text("\n".join(codes[1 : 1 + warm]) + "\n")
    files["measured"].write_text("\n".join(codes[1 + warm :]) + "\n")
    result = {
        "region": PILOT_REGION,
        "files": {name: str(path) for name, path in files.items()},
        "codes": len(codes),
        "counts": {
            "invitations": Invitation.objects.count(),
            "answers": Answer.objects.filter(is_linked=True).count(),
            "open_answers": Answer.objects.filter(is_linked=False).count(),
            "figures": IndexFigure.objects.count(),
        },
        "rebuilt": {"invitations": rebuilt.invitations, "answers": rebuilt.answers},
        "seconds": step.seconds,
        "rebuild_s": step.seconds["rebuild (rebuild_surveys)"],
        "foreign_key_checks_skipped": skipped,
        "queries": queries_per_page(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
