"""Bench-only: a million applications, their citizens and officers, and the sessions of the applications scenarios.

Run by bench/applications.py with the benchmark's environment (its PostgreSQL database,
after load_regions and seed_catalog):

    python bench/applications_seed.py <out_dir> --applications 1000000 --citizens 200000

Creates, in one transaction:
- officers through the models: a verifier and an approver for each agency of the pilot regions
  that offers an online service (Disdukcapil and Dinkes), staff, sharing one password hash;
- citizens with INSERT … SELECT generate_series (not the ORM per row): level 2, a confirmed
  e-mail, one password hashed once, and a fresh registry copy each (``PersonRecord``, and the
  ``FamilyRecord`` of their KK with a spouse and a child) so the form fills itself without a
  registry call. Citizen 0 lives in Kota Samarinda and has exactly 50 applications (the
  dashboard scenario); the others have about five each, in their own region;
- the applications the same way, spread over the online services of the 21 pilot regions
  (weighted: birth certificates and family cards most), with what the workflow would have
  left behind: a tracking number, the deadline in working days (the platform's own
  ``calendar.deadline``, public holidays included), the step and its role, claims, revisions,
  escalations of what is overdue, decisions; and their timeline (``Event``: submitted,
  accepted, revision asked, escalated, approved or rejected). About 14% wait at an officer's
  step, so each region's Disdukcapil verifier has thousands in the worklist. Notifications
  of the seeded history are not created (no scenario reads them).

A million rows in about a minute: the two big tables' secondary indexes are dropped first and
built again at the end (a sort each instead of a million random inserts), and as a superuser
the transaction skips the foreign-key triggers, as pg_restore does (every row comes from a
join on what it references). Columns the SQL leaves out get the model field's default.

Then creates sessions through Django's session engine (as a login would: user id, backend,
session hash) for the citizens who submit, the Disdukcapil verifiers and the dashboard's
citizen; writes one value per line to files in <out_dir> for the wrk scripts, and prints a
JSON object on stdout: the files, the form, values kept back for the checks, row counts and
how long each step took.
"""

import argparse
import contextlib
import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from psycopg import sql  # noqa: E402
from scenarios import PILOT_REGION  # noqa: E402

from mpp.applications import calendar  # noqa: E402
from mpp.applications.models import Application, Event  # noqa: E402
from mpp.catalog.models import Mode, Service  # noqa: E402
from mpp.identity.models import AssuranceLevel, Role, RoleAssignment, User  # noqa: E402
from mpp.regions.models import Region  # noqa: E402
from mpp.registry.models import FamilyRecord, PersonRecord  # noqa: E402

PASSWORD = "sandi-uji-beban-MPP-2026"
BIRTH_SLUG = "akta-kelahiran"
DASHBOARD_APPLICATIONS = 50
#: How often each online service is asked for, per 100 applications of a region.
SERVICE_WEIGHTS = {
    "akta-kelahiran": 25,
    "kartu-keluarga": 20,
    "kia": 12,
    "ktp-el-cetak-ulang": 12,
    "pindah-datang": 8,
    "skpwni": 8,
    "akta-kematian": 7,
    "akta-perkawinan": 4,
    "sip-tenaga-kesehatan": 4,
}
#: Per 1,000 applications: where each one stands (the rest, 770, approved).
WAITING_FOR_VERIFIER = 100
WAITING_FOR_APPROVER = 40
WAITING_FOR_CITIZEN = 20
REJECTED = 70
OPEN_DAYS = 30  # open applications were submitted in the last 30 days
HISTORY_DAYS = 700  # the decided ones in the 700 days before
CLAIMED_PERCENT = 30  # of the waiting ones, claimed by the step's officer
API_PERCENT = 8  # sent by an agency's system (the rest online)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Steps:
    """Times each step of the seeding, for the report."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str):
        started = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - started, 2)
        say(f"    {name}: {self.seconds[name]:.1f} s")


def execute(cursor, statement: str, **values) -> None:
    """Run ``statement`` with each ``%(name)s`` replaced by ``values[name]`` as an SQL literal.

    Sent without parameters, so ``%`` stays PostgreSQL's modulo operator instead of ``%%`` everywhere.
    """
    for name, value in values.items():
        statement = statement.replace(f"%({name})s", sql.Literal(value).as_string(connection.connection))
    cursor.execute(statement)


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    """COPY ``rows`` into ``table``: the fast way in for the small tables the SQL below joins."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert(cursor, model, columns: dict[str, str], source: str, **values) -> None:
    """INSERT INTO the model's table SELECT ``columns`` (column: SQL expression) ``source`` (FROM …).

    Columns left out get their field's default (or NULL, or ''), so a field another change adds
    to the model with a default does not break the seed; one the seed cannot fill stops it with
    its name. ``values`` are put in as literals (see ``execute``).
    """
    fill = dict(columns)
    for field in model._meta.concrete_fields:
        if field.column in fill or isinstance(field, models.AutoField):
            continue
        if field.has_default() and not (field.unique and callable(field.default)):
            value = field.get_db_prep_save(field.get_default(), connection)
        elif field.null:
            value = None
        elif field.empty_strings_allowed and not field.unique:
            value = ""
        else:
            raise SystemExit(f"applications_seed.py cannot fill {model._meta.db_table}.{field.column}: give it a value")
        fill[field.column] = "NULL" if value is None else sql.Literal(value).as_string(connection.connection)
    names = ", ".join(fill)
    expressions = ",\n               ".join(f"{expression} AS {name}" for name, expression in fill.items())
    execute(cursor, f"INSERT INTO {model._meta.db_table} ({names})\nSELECT {expressions}\n{source}", **values)


# --- reference data: regions, services, officers ------------------------------------------------


def pilot_regions() -> list[Region]:
    """The pilot regions, PILOT_REGION first: region index 0 is the dashboard citizen's."""
    regions = list(Region.objects.filter(is_pilot=True).select_related("parent").order_by("code"))
    if len(regions) != 21:
        raise SystemExit(f"expected the 21 pilot regions, found {len(regions)}: run load_regions first")
    return sorted(regions, key=lambda region: region.code != PILOT_REGION)


def online_services(regions: list[Region]) -> list[Service]:
    services = list(
        Service.objects.filter(region__in=regions, template__mode=Mode.APPLICATION, is_active=True)
        .select_related("template", "agency__kind", "current_version")
        .order_by("region_id", "template__slug")
    )
    missing = {slug for slug in SERVICE_WEIGHTS} - {service.template.slug for service in services}
    if missing:
        raise SystemExit(f"seed_catalog left out the online services {sorted(missing)}")
    return services


def create_officers(services: list[Service], password_hash: str) -> dict:
    """A verifier and an approver per agency that offers an online service: {agency id: {role: user}}."""
    agencies = {service.agency_id: service.agency for service in services}
    officers = {}
    for agency in sorted(agencies.values(), key=lambda agency: (agency.region_id, agency.name)):
        for role, title in ((Role.VERIFIER, "verifikator"), (Role.APPROVER, "penyetuju")):
            name = f"{title}.{agency.kind.code}.{agency.region_id}"
            officers.setdefault(agency.id, {})[role] = User(
                username=name,
                email=f"{name.replace('.', '-')}@instansi.go.id",
                first_name=title.capitalize(),
                last_name=agency.name[:150],
                password=password_hash,
                is_staff=True,
            )
    User.objects.bulk_create([user for roles in officers.values() for user in roles.values()])
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=user, role=role, region_id=agencies[agency_id].region_id, agency_id=agency_id)
            for agency_id, roles in officers.items()
            for role, user in roles.items()
        ]
    )
    return officers


def deadlines(regions: list[Region], durations: set[int], now: datetime) -> list[tuple]:
    """(zone, day received, working days, due) for every day of the seeded history, by the platform's calendar."""
    rows = []
    for zone in sorted({region.time_zone for region in regions}):
        tz = ZoneInfo(zone)
        today = now.astimezone(tz).date()
        for back in range(OPEN_DAYS + HISTORY_DAYS + 2):
            day = today - timedelta(days=back)
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
            rows.extend((zone, day, days, calendar.deadline(noon, days, zone)) for days in sorted(durations))
    return rows


def load_reference_tables(cursor, regions, services, officers, now) -> dict:
    """Temporary tables the bulk INSERTs join: regions, weighted service slots, agencies, deadlines."""
    cursor.execute(
        "CREATE TEMP TABLE bench_region (r int PRIMARY KEY, code text, digits text, zone text, name text, "
        "province_code text, province_name text) ON COMMIT DROP"
    )
    copy_rows(
        cursor,
        "bench_region",
        ["r", "code", "digits", "zone", "name", "province_code", "province_name"],
        [
            (r, code, code.replace(".", ""), region.time_zone, region.name.upper(), region.parent_id, province)
            for r, (code, region, province) in enumerate(
                (region.code, region, region.parent.name.upper()) for region in regions
            )
        ],
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_slot (r int, slot int, service_id uuid, version_id bigint, agency_id uuid, "
        "region_id text, zone text, days int, is_birth bool, PRIMARY KEY (r, slot)) ON COMMIT DROP"
    )
    index = {region.code: r for r, region in enumerate(regions)}
    slots, durations, birth_services = [], set(), {}
    for region in regions:
        offered = [service for service in services if service.region_id == region.code]
        slot = 0
        for service in offered:
            days = service.current_version.parsed.duration_days
            durations.add(days)
            is_birth = service.template.slug == BIRTH_SLUG
            if is_birth:
                birth_services[region.code] = str(service.pk)
            where = (region.code, region.time_zone, days, is_birth)
            for _weight in range(SERVICE_WEIGHTS.get(service.template.slug, 0)):
                slots.append(
                    (index[region.code], slot, service.pk, service.current_version_id, service.agency_id, *where)
                )
                slot += 1
        if slot != 100:
            raise SystemExit(f"{region.code}: the service weights add up to {slot}, not 100")
    copy_rows(
        cursor,
        "bench_slot",
        ["r", "slot", "service_id", "version_id", "agency_id", "region_id", "zone", "days", "is_birth"],
        slots,
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_agency (agency_id uuid PRIMARY KEY, verifier_id bigint, approver_id bigint, "
        "verifier_label text, approver_label text) ON COMMIT DROP"
    )
    agencies = {service.agency_id: service.agency for service in services}
    rows = []
    with translation.override(settings.LANGUAGE_CODE):  # the timeline's labels, as services._officer_label
        for agency_id, roles in officers.items():
            name = agencies[agency_id].name
            labels = (f"{Role.VERIFIER.label} · {name}", f"{Role.APPROVER.label} · {name}")
            rows.append((agency_id, roles[Role.VERIFIER].pk, roles[Role.APPROVER].pk, *labels))
    columns = ["agency_id", "verifier_id", "approver_id", "verifier_label", "approver_label"]
    copy_rows(cursor, "bench_agency", columns, rows)
    cursor.execute(
        "CREATE TEMP TABLE bench_deadline (zone text, day date, days int, due timestamptz, "
        "PRIMARY KEY (zone, day, days)) ON COMMIT DROP"
    )
    copy_rows(cursor, "bench_deadline", ["zone", "day", "days", "due"], deadlines(regions, durations, now))
    cursor.execute(
        """
        CREATE TEMP TABLE bench_district ON COMMIT DROP AS
        SELECT b.r, (row_number() OVER (PARTITION BY b.r ORDER BY d.code) - 1)::int AS idx,
               count(*) OVER (PARTITION BY b.r) AS total, d.code, upper(d.name) AS name
        FROM bench_region b JOIN regions_region d ON d.parent_id = b.code AND d.level = 3
        """
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_district (r, idx)")
    cursor.execute(
        """
        CREATE TEMP TABLE bench_village ON COMMIT DROP AS
        SELECT d.code AS district_code, (row_number() OVER (PARTITION BY d.code ORDER BY v.code) - 1)::int AS idx,
               count(*) OVER (PARTITION BY d.code) AS total, v.code, upper(v.name) AS name, v.postal_code
        FROM bench_district d JOIN regions_region v ON v.parent_id = d.code AND v.level = 4
        """
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_village (district_code, idx)")
    return birth_services


# --- citizens --------------------------------------------------------------------------------

MEN = ["BUDI", "AHMAD", "RIZKY", "DIMAS", "ANDI", "FAJAR", "HENDRA", "JOKO", "YUSUF", "AGUS", "BAYU", "EKO"]
WOMEN = ["SITI", "DEWI", "AYU", "RINA", "FITRI", "INDAH", "LESTARI", "NUR", "PUTRI", "RATNA", "SARI", "WULAN"]
FAMILY = ["SANTOSO", "WIJAYA", "SAPUTRA", "HIDAYAT", "NUGROHO", "PRATAMA", "SETIAWAN", "KUSUMA", "RAHMAN", "LUBIS"]
CHILDREN = ["Ayu", "Bima", "Cahya", "Dinda", "Elang", "Fajar", "Gita", "Hana", "Intan", "Jaya", "Kirana", "Laras"]


def _sql_array(words: list[str]) -> str:
    return "(ARRAY[" + ", ".join(f"'{word}'" for word in words) + "])"


def create_citizens(cursor, count: int, *, password_hash: str, now: datetime, regions: int) -> None:
    """``count`` citizens (index n: region n % regions), their users, registry copies and family cards.

    A NIK is the region's code, one of its real kecamatan (the form checks it), the birth date
    (women's day + 40) and a serial. Citizen n is the k-th of its region (k = n // regions);
    k picks the kecamatan (k % kecamatan) and the rest of k (k2) the date and serial in a mixed
    radix, so no two citizens share a NIK. Birth years stay in 1975–1984, clear of the identity
    scenarios' NIKs; spouses and children get serials from 5001 and 7001.
    """
    execute(
        cursor,
        f"""
        CREATE TEMP TABLE bench_citizen ON COMMIT DROP AS
        SELECT g.n, g.r, g.k, g.female,
               g.prefix || lpad((g.day + CASE WHEN g.female THEN 40 ELSE 0 END)::text, 2, '0')
                 || g.month || g.year || lpad(g.serial::text, 4, '0') AS nik,
               g.prefix || lpad((g.day + CASE WHEN g.female THEN 0 ELSE 40 END)::text, 2, '0')
                 || g.month || (g.year::int - 2) || lpad((5000 + g.serial)::text, 4, '0') AS spouse_nik,
               g.prefix || lpad((g.day + CASE WHEN g.k % 2 = 1 THEN 40 ELSE 0 END)::text, 2, '0')
                 || g.month || lpad((15 + g.k2 % 6)::text, 2, '0') || lpad((7000 + g.serial)::text, 4, '0')
                 AS child_nik,
               g.prefix || lpad(g.day::text, 2, '0') || g.month || lpad((10 + (g.k2 / 336) % 10)::text, 2, '0')
                 || lpad(g.serial::text, 4, '0') AS kk,
               '19' || g.year || '-' || g.month || '-' || lpad(g.day::text, 2, '0') AS birth_date,
               CASE WHEN g.female THEN {_sql_array(WOMEN)}[1 + g.k % {len(WOMEN)}]
                    ELSE {_sql_array(MEN)}[1 + g.k % {len(MEN)}] END
                 || ' ' || {_sql_array(FAMILY)}[1 + (g.k / 15) % {len(FAMILY)}] AS name,
               CASE WHEN g.female THEN {_sql_array(MEN)}[1 + (g.k / 7) % {len(MEN)}]
                    ELSE {_sql_array(WOMEN)}[1 + (g.k / 7) % {len(WOMEN)}] END AS spouse_name,
               {_sql_array([name.upper() for name in CHILDREN])}[1 + g.k % {len(CHILDREN)}]
                 || ' ' || {_sql_array(FAMILY)}[1 + (g.k / 15) % {len(FAMILY)}] AS child_name,
               b.name AS place, b.code AS regency_code, b.name AS regency_name, b.province_code, b.province_name,
               v.code AS village_code, v.name AS village_name, v.postal_code,
               g.district_code, g.district_name
        FROM (
            SELECT c.*, b.digits || right(d.code, 2) AS prefix, d.code AS district_code, d.name AS district_name,
                   1 + c.k2 % 28 AS day, lpad((1 + (c.k2 / 28) % 12)::text, 2, '0') AS month,
                   (75 + (c.k2 / 336) % 10)::text AS year, 1 + c.k2 / 3360 AS serial
            FROM (
                SELECT n, n % %(regions)s AS r, n / %(regions)s AS k, n % 2 = 1 AS female,
                       n / %(regions)s / d.total AS k2, n / %(regions)s % d.total AS district_index
                FROM generate_series(0, %(count)s - 1) AS n
                JOIN bench_district d ON d.r = n % %(regions)s AND d.idx = 0
            ) c
            JOIN bench_region b ON b.r = c.r
            JOIN bench_district d ON d.r = c.r AND d.idx = c.district_index
        ) g
        JOIN bench_region b ON b.r = g.r
        JOIN bench_village v ON v.district_code = g.district_code AND v.idx = g.k2 % v.total
        """,
        count=count,
        regions=regions,
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_citizen (n)")
    joined = now - timedelta(days=OPEN_DAYS + HISTORY_DAYS + 30)
    insert(
        cursor,
        User,
        {
            "password": "%(password)s",
            "username": "c.nik",
            "email": "c.nik || '@contoh.go.id'",
            "is_active": "true",
            "date_joined": "%(joined)s",
            "public_id": "gen_random_uuid()",
            "assurance_level": str(AssuranceLevel.NIK_VERIFIED.value),
            "email_verified_at": "%(joined)s",
            "nik": "c.nik",
            "nik_verified_at": "%(joined)s",
            "phone": "'+62812' || lpad((10000000 + c.n)::text, 8, '0')",
        },
        "FROM bench_citizen c ORDER BY c.n",
        password=password_hash,
        joined=joined,
    )
    cursor.execute(
        """
        CREATE TEMP TABLE bench_applicant ON COMMIT DROP AS
        SELECT c.n, c.r, u.id AS user_id, c.nik, c.kk, c.spouse_nik, c.child_name, c.place
        FROM bench_citizen c JOIN identity_user u ON u.nik = c.nik
        """
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_applicant (n)")
    address = """jsonb_build_object('street', 'JL. MERDEKA NO. ' || (1 + c.k % 200),
        'rt', lpad((1 + c.k % 12)::text, 3, '0'), 'rw', lpad((1 + c.k % 8)::text, 3, '0'),
        'village_code', c.village_code, 'village_name', c.village_name,
        'district_code', c.district_code, 'district_name', c.district_name, 'regency_code', c.regency_code,
        'regency_name', c.regency_name, 'province_code', c.province_code, 'province_name', c.province_name,
        'postal_code', c.postal_code)"""
    relationship = "CASE WHEN c.female THEN 'ISTRI' ELSE 'KEPALA KELUARGA' END"
    spouse_relationship = "CASE WHEN c.female THEN 'KEPALA KELUARGA' ELSE 'ISTRI' END"
    insert(
        cursor,
        PersonRecord,
        {
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
            "nik": "c.nik",
            "kk_number": "c.kk",
            "data": f"""jsonb_build_object(
                   'nik', c.nik, 'kk_number', c.kk, 'name', c.name, 'birth_place', c.place,
                   'birth_date', c.birth_date, 'sex', CASE WHEN c.female THEN 'PEREMPUAN' ELSE 'LAKI-LAKI' END,
                   'religion', 'ISLAM', 'marital_status', 'KAWIN', 'occupation', 'KARYAWAN SWASTA',
                   'blood_type', 'TIDAK TAHU', 'nationality', 'WNI', 'relationship', {relationship},
                   'father_name', 'AHMAD', 'mother_name', 'AMINAH', 'is_deceased', false, 'address', {address})""",
            "source": "'Dukcapil Kemendagri'",
            "retrieved_at": "%(now)s",
        },
        "FROM bench_citizen c",
        now=now,
    )
    child_birth_date = (
        "'20' || substr(c.child_nik, 11, 2) || '-' || substr(c.child_nik, 9, 2) || '-'"
        " || lpad((substr(c.child_nik, 7, 2)::int % 40)::text, 2, '0')"
    )
    insert(
        cursor,
        FamilyRecord,
        {
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
            "kk_number": "c.kk",
            "data": f"""jsonb_build_object('kk_number', c.kk, 'address', {address}, 'members', jsonb_build_array(
                   jsonb_build_object('nik', c.nik, 'name', c.name, 'relationship', {relationship},
                                      'birth_date', c.birth_date),
                   jsonb_build_object('nik', c.spouse_nik, 'name', c.spouse_name,
                                      'relationship', {spouse_relationship}),
                   jsonb_build_object('nik', c.child_nik, 'name', c.child_name, 'relationship', 'ANAK',
                                      'birth_date', {child_birth_date})))""",
            "source": "'Dukcapil Kemendagri'",
            "retrieved_at": "%(now)s",
        },
        "FROM bench_citizen c",
        now=now,
    )


# --- applications and their timeline --------------------------------------------------------

# h(salt): a well-mixed non-negative integer of the application's index, the same on every run.
_H = "(hashint8(i::bigint * 8 + {salt}) & 2147483647)"


def create_applications(cursor, count: int, *, citizens: int, now: datetime) -> None:
    """``count`` applications; the first DASHBOARD_APPLICATIONS are citizen 0's, the rest of citizens 1 … n-1.

    Read from the inside out: g draws the applicant, the service slot and the state of
    application i; t fixes when it was submitted; v adds its deadline and decision; w what the
    workflow left behind (step, claim, revision, escalation); the INSERT shapes the row.
    """
    open_until = WAITING_FOR_VERIFIER + WAITING_FOR_APPROVER + WAITING_FOR_CITIZEN
    state = f"""CASE WHEN g.u < {WAITING_FOR_VERIFIER} THEN 'verification'
                     WHEN g.u < {WAITING_FOR_VERIFIER + WAITING_FOR_APPROVER} THEN 'approval'
                     WHEN g.u < {open_until} THEN 'revision'
                     WHEN g.u < {open_until + REJECTED} THEN 'rejected'
                     ELSE 'approved' END"""
    at = "to_char(w.submitted_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM')"
    tracking = (
        "replace(w.region_id, '.', '') || '-' || to_char(w.submitted_at AT TIME ZONE w.zone, 'YYMM') || '-'"
        " || lpad(upper(to_hex((w.i::bigint * 2654435761) % 4294967296)), 8, '0')"
    )
    insert(
        cursor,
        Application,
        {
            "created_at": "w.submitted_at",
            "updated_at": "GREATEST(w.submitted_at, w.accepted_at, w.paused_at, w.escalated_at, w.decided_at)",
            "id": "gen_random_uuid()",
            "tracking_number": tracking,
            "beneficiary_name": "CASE WHEN w.is_birth THEN w.child_name ELSE '' END",
            "basis": "'self'",
            "channel": f"CASE WHEN w.a < {API_PERCENT} THEN 'api' ELSE 'online' END",
            "data": """CASE WHEN w.is_birth THEN jsonb_build_object(
                        'reporter', jsonb_build_object('nik', w.nik), 'kk_number', w.kk,
                        'other_parent', jsonb_build_object('nik', w.spouse_nik), 'child_name', w.child_name,
                        'child_sex', CASE WHEN w.t % 2 = 0 THEN 'PEREMPUAN' ELSE 'LAKI-LAKI' END,
                        'birth_date', to_char((w.submitted_at AT TIME ZONE w.zone) - (w.t % 20) * interval '1 day',
                                              'YYYY-MM-DD'),
                        'birth_time', lpad((w.t % 24)::text, 2, '0') || ':' || lpad((w.t % 60)::text, 2, '0'),
                        'birth_place', w.place, 'birth_order', 1 + w.t % 4, 'birth_attendant', 'bidan',
                        'has_birth_letter', 'tidak', 'sptjm', true, 'truth', true)
                    ELSE jsonb_build_object('reporter', jsonb_build_object('nik', w.nik), 'kk_number', w.kk,
                                            'truth', true) END""",
            "provenance": f"""jsonb_build_object(
                   'reporter', jsonb_build_object('source', 'registry.applicant.self',
                                                  'label', 'Dukcapil Kemendagri', 'at', {at}),
                   'kk_number', jsonb_build_object('source', 'registry.applicant.kk_number',
                                                   'label', 'Dukcapil Kemendagri', 'at', {at}))""",
            "status": "w.status",
            "step": "w.step",
            "step_role": "w.step_role",
            "revision_fields": """CASE WHEN w.state <> 'revision' THEN '[]'
                    WHEN w.is_birth THEN '["child_name"]' ELSE '["truth"]' END::jsonb""",
            "submitted_at": "w.submitted_at",
            "due_at": "w.due_at",
            "step_due_at": "w.step_due_at",
            "paused_at": "w.paused_at",
            "escalated_at": "w.escalated_at",
            "decided_at": "w.decided_at",
            "submit_key": "md5(w.i::text)",
            "version": """CASE w.state WHEN 'verification' THEN 1 WHEN 'approved' THEN 3 ELSE 2 END
                   + CASE WHEN w.assignee_id IS NULL THEN 0 ELSE 1 END""",
            "agency_id": "w.agency_id",
            "applicant_id": "w.user_id",
            "assignee_id": "w.assignee_id",
            "region_id": "w.region_id",
            "service_id": "w.service_id",
            "service_version_id": "w.version_id",
        },
        f"""
        FROM (
            SELECT v.*,
                   CASE WHEN v.state IN ('verification', 'approval') THEN 'in_progress' ELSE v.state END AS status,
                   CASE WHEN v.state IN ('verification', 'revision') THEN 'verification'
                        WHEN v.state = 'approval' THEN 'approval' ELSE '' END AS step,
                   CASE WHEN v.state IN ('verification', 'revision') THEN 'verifier'
                        WHEN v.state = 'approval' THEN 'approver' ELSE '' END AS step_role,
                   CASE WHEN v.state IN ('verification', 'approval', 'revision') THEN v.due_at END AS step_due_at,
                   CASE WHEN v.state = 'revision'
                        THEN v.submitted_at + (%(now)s - v.submitted_at) / 2 END AS paused_at,
                   CASE WHEN v.state IN ('approval', 'approved')
                        THEN v.submitted_at + (COALESCE(v.decided_at, %(now)s) - v.submitted_at) * 0.4 END
                        AS accepted_at,
                   -- The task worker escalates what is overdue at a step, within a minute.
                   CASE WHEN v.state IN ('verification', 'approval') AND v.due_at < %(now)s
                             OR v.decided_at > v.due_at
                        THEN v.due_at + interval '1 minute' END AS escalated_at,
                   CASE WHEN v.a >= {CLAIMED_PERCENT} THEN NULL
                        WHEN v.state = 'verification' THEN o.verifier_id
                        WHEN v.state = 'approval' THEN o.approver_id END AS assignee_id
            FROM (
                SELECT t.*, d.due AS due_at,
                       CASE WHEN t.state IN ('approved', 'rejected')
                            THEN t.submitted_at + interval '1 minute' * (60 + t.t % (1440 * (t.days + 1)))
                            END AS decided_at
                FROM (
                    SELECT g.i, g.t, g.a, {state} AS state, c.user_id, c.nik, c.kk, c.spouse_nik, c.place,
                           {_sql_array(CHILDREN)}[1 + g.t % {len(CHILDREN)}] || ' '
                               || initcap(split_part(c.child_name, ' ', 2)) AS child_name,
                           s.service_id, s.version_id, s.agency_id, s.region_id, s.zone, s.days, s.is_birth,
                           CASE WHEN g.u < {open_until}
                                THEN %(now)s - interval '1 minute' * (1 + g.t % (1440 * {OPEN_DAYS}))
                                ELSE %(now)s - interval '1 day' * {OPEN_DAYS}
                                     - interval '1 minute' * (g.t % (1440 * {HISTORY_DAYS})) END AS submitted_at
                    FROM (
                        SELECT i,
                               CASE WHEN i <= {DASHBOARD_APPLICATIONS} THEN 0
                                    ELSE 1 + {_H.format(salt=1)} % (%(citizens)s - 1) END AS n,
                               {_H.format(salt=2)} % 100 AS slot,
                               {_H.format(salt=3)} % 1000 AS u,
                               {_H.format(salt=4)} AS t,
                               {_H.format(salt=5)} % 100 AS a
                        FROM generate_series(1, %(count)s) AS i
                    ) g
                    JOIN bench_applicant c ON c.n = g.n
                    JOIN bench_slot s ON s.r = c.r AND s.slot = g.slot
                ) t
                JOIN bench_deadline d
                  ON d.zone = t.zone AND d.days = t.days AND d.day = (t.submitted_at AT TIME ZONE t.zone)::date
            ) v
            JOIN bench_agency o ON o.agency_id = v.agency_id
        ) w
        """,
        now=now,
        count=count,
        citizens=citizens,
    )


def create_events(cursor, *, now: datetime) -> None:
    """Each application's timeline, as the workflow would have written it (labels in the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        labels = {
            "applicant": _("Pemohon"),
            "system": _("Sistem MPP Digital"),
            "revise": "Mohon perbaiki isian yang ditandai sesuai dokumen asli.",
            "reject": "Data anak tidak sesuai dengan surat pernyataan; silakan ajukan kembali.",
            # escalation's note, the agency's name put in by the SQL
            "escalate": _("Batas waktu terlewati; diteruskan kepada pejabat penyetuju %(agency)s.")
            % {"agency": "{agency}"},
        }
    accepted = "a.submitted_at + (COALESCE(a.decided_at, %(now)s) - a.submitted_at) * 0.4"
    insert(
        cursor,
        Event,
        {
            "at": "e.at",
            "actor_label": "e.label",
            "action": "e.action",
            "from_status": "e.from_status",
            "to_status": "e.to_status",
            "from_step": "e.from_step",
            "to_step": "e.to_step",
            "note": "e.note",
            "fields": "e.fields",
            "actor_id": "e.actor",
            "application_id": "a.id",
        },
        f"""
        FROM applications_application a
        JOIN bench_agency o ON o.agency_id = a.agency_id
        JOIN catalog_agency g ON g.id = a.agency_id
        CROSS JOIN LATERAL (SELECT {accepted} AS accepted_at) x
        CROSS JOIN LATERAL (VALUES
            (true, a.submitted_at, %(applicant)s, 'submit', '', 'in_progress', '', 'verification', '', '[]'::jsonb,
             a.applicant_id),
            (x.accepted_at IS NOT NULL AND (a.step = 'approval' OR a.status = 'approved'), x.accepted_at,
             o.verifier_label, 'accept', 'in_progress', 'in_progress', 'verification', 'approval', '', '[]'::jsonb,
             o.verifier_id),
            (a.status = 'revision', a.paused_at, o.verifier_label, 'revise', 'in_progress', 'revision',
             'verification', 'verification', %(revise)s, a.revision_fields, o.verifier_id),
            (a.escalated_at IS NOT NULL, a.escalated_at, %(system)s, 'escalate', 'in_progress', 'in_progress',
             CASE WHEN x.accepted_at < a.escalated_at AND (a.step = 'approval' OR a.status = 'approved')
                  THEN 'approval' ELSE 'verification' END,
             CASE WHEN x.accepted_at < a.escalated_at AND (a.step = 'approval' OR a.status = 'approved')
                  THEN 'approval' ELSE 'verification' END,
             replace(%(escalate)s, '{{agency}}', g.name), '[]'::jsonb, NULL::bigint),
            (a.status = 'rejected', a.decided_at, o.verifier_label, 'reject', 'in_progress', 'rejected',
             'verification', '', %(reject)s, '[]'::jsonb, o.verifier_id),
            (a.status = 'approved', a.decided_at, o.approver_label, 'approve', 'in_progress', 'approved', 'approval',
             '', '', '[]'::jsonb, o.approver_id)
        ) AS e (applies, at, label, action, from_status, to_status, from_step, to_step, note, fields, actor)
        WHERE e.applies
        """,
        now=now,
        **labels,
    )


# --- sessions and files for wrk ---------------------------------------------------------------


def session_for(user: User) -> str:
    """A signed-in session, as django.contrib.auth.login leaves it; returns its key (the sessionid cookie)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def citizens_by_index(cursor, indexes: list[int]) -> dict[int, User]:
    cursor.execute("SELECT n, user_id FROM bench_applicant WHERE n = ANY(%s)", [indexes])
    ids = dict(cursor.fetchall())
    users = User.objects.in_bulk(list(ids.values()))
    return {n: users[user_id] for n, user_id in ids.items()}


def birth_form(now: datetime) -> str:
    """The form a parent sends for a newborn without a birth letter (SPTJM instead): the registry fills the rest."""
    born = timezone.localdate(now) - timedelta(days=3)
    return urlencode(
        {
            "child_name": "Ayu Lestari",
            "child_sex": "PEREMPUAN",
            "birth_date": born.isoformat(),
            "birth_time": "07:45",
            "birth_place": "Samarinda",
            "birth_order": "2",
            "birth_attendant": "bidan",
            "has_birth_letter": "tidak",
            "sptjm": "on",
            "truth": "on",
            # The load sends each of its 2,000 citizens' newborn again and again: past the first, each is a
            # likely duplicate (#21), which the citizen confirms, so every POST takes the whole submit path.
            "allow_duplicate": "on",
        }
    )


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="ascii")
    return str(path)


def counts(cursor) -> dict:
    cursor.execute(
        """
        SELECT (SELECT count(*) FROM applications_application), (SELECT count(*) FROM applications_event),
               (SELECT count(*) FROM identity_user), (SELECT count(*) FROM registry_personrecord),
               (SELECT count(*) FROM registry_familyrecord)
        """
    )
    applications, events, accounts, persons, families = cursor.fetchone()
    cursor.execute("SELECT status, count(*) FROM applications_application GROUP BY status ORDER BY status")
    return {
        "applications": applications,
        "events": events,
        "accounts": accounts,  # all of them: the identity scenarios' and the officers' too
        "person_records": persons,
        "family_records": families,
        "by_status": dict(cursor.fetchall()),
    }


def worklist_sizes(cursor, verifiers: dict) -> dict[str, int]:
    """Open applications at the verification step, per Disdukcapil verifier (their worklist's length)."""
    cursor.execute(
        "SELECT agency_id, count(*) FROM applications_application WHERE status = 'in_progress' "
        "AND step_role = 'verifier' GROUP BY agency_id"
    )
    sizes = {str(agency_id): total for agency_id, total in cursor.fetchall()}
    return {user.username: sizes.get(str(agency_id), 0) for agency_id, user in verifiers.items()}


def skip_foreign_key_checks(cursor) -> bool:
    """Skip the foreign-key triggers for this transaction when we may (a superuser, as pg_restore does).

    The rows are consistent by construction (they come from joins on the referenced tables),
    and the deferred checks of four million rows took over a minute at commit.
    """
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def drop_secondary_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' indexes that back no constraint; returns their definitions, to build them again.

    One sort per index after the load is far faster than a million random inserts into each
    (the primary keys and unique constraints stay: they check the rows as they come).
    """
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


@transaction.atomic
def seed(args, now: datetime, step: Steps) -> dict:
    """Everything but the sessions, in one transaction: officers, citizens, applications, events."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        skipped = skip_foreign_key_checks(cursor)
        with step("reference data and officers"):
            password_hash = make_password(PASSWORD)  # once: a hash per row would take hours
            regions = pilot_regions()
            services = online_services(regions)
            officers = create_officers(services, password_hash)
            birth_services = load_reference_tables(cursor, regions, services, officers, now)
        with step("citizens, registry copies and family cards"):
            create_citizens(cursor, args.citizens, password_hash=password_hash, now=now, regions=len(regions))
        dropped = drop_secondary_indexes(cursor, ["applications_application", "applications_event"])
        with step("applications"):
            create_applications(cursor, args.applications, citizens=args.citizens, now=now)
        with step("timeline events"):
            create_events(cursor, now=now)
        with step("indexes of applications and events"):
            for definition in dropped:
                cursor.execute(definition)
        # Citizens 1 … submitters send the load; the next two are kept back for the checks.
        indexes = list(range(args.submitters + 3))
        return {
            "regions": regions,
            "officers": officers,
            "birth_services": birth_services,
            "citizens": citizens_by_index(cursor, indexes),
            "counts": counts(cursor) | {"citizens": args.citizens},
            "foreign_key_checks_skipped": skipped,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--submitters", type=int, default=2_000, help="citizens who submit during the load")
    args = parser.parse_args()
    if args.applications <= DASHBOARD_APPLICATIONS or args.citizens <= args.submitters + 3:
        raise SystemExit("too few applications or citizens for the scenarios")
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    step = Steps()
    started = time.perf_counter()
    seeded = seed(args, now, step)
    seed_s = round(time.perf_counter() - started, 1)  # with the commit
    step.seconds["commit"] = round(seed_s - sum(step.seconds.values()), 2)

    regions, officers, citizens = seeded["regions"], seeded["officers"], seeded["citizens"]
    birth_services = seeded["birth_services"]
    sessions_started = time.perf_counter()
    submitters = range(1, args.submitters + 1)
    check_n, count_n = args.submitters + 1, args.submitters + 2
    service_of = {n: birth_services[regions[n % len(regions)].code] for n in [*submitters, check_n, count_n]}
    submit_lines = [f"{session_for(citizens[n])}\t{service_of[n]}" for n in submitters]
    disdukcapil = {
        agency_id: roles[Role.VERIFIER]
        for agency_id, roles in officers.items()
        if roles[Role.VERIFIER].username.startswith("verifikator.disdukcapil.")
    }
    verifier_sessions = {agency_id: session_for(user) for agency_id, user in disdukcapil.items()}
    dashboard_session = session_for(citizens[0])
    check_session = session_for(citizens[check_n])
    sessions_s = round(time.perf_counter() - sessions_started, 1)
    with connection.cursor() as cursor:
        sizes = worklist_sizes(cursor, disdukcapil)

    check_agency = next(iter(verifier_sessions))
    pilot_agency = next(agency_id for agency_id, user in disdukcapil.items() if user.username.endswith(PILOT_REGION))
    print(
        json.dumps(
            {
                "seed_s": seed_s,
                "steps_s": step.seconds,
                "sessions_s": sessions_s,
                "foreign_key_checks_skipped": seeded["foreign_key_checks_skipped"],
                "counts": seeded["counts"],
                "weights": SERVICE_WEIGHTS,
                "worklist_sizes": sizes,
                "form": birth_form(now),
                "dashboard_user_id": citizens[0].pk,
                "dashboard_applications": DASHBOARD_APPLICATIONS,
                "submitters": args.submitters,
                "verifiers": len(verifier_sessions),
                "check": {
                    "submit_session": check_session,
                    "submit_service": service_of[check_n],
                    "submit_user_id": citizens[check_n].pk,
                    "worklist_session": verifier_sessions[check_agency],
                    "worklist_agency": str(check_agency),
                    "dashboard_session": dashboard_session,
                },
                "queries": {
                    # For applications_queries.py: a citizen with no session yet, and the pilot region's verifier.
                    "citizen_id": citizens[count_n].pk,
                    "citizen_service": service_of[count_n],
                    "verifier_id": disdukcapil[pilot_agency].pk,
                    "dashboard_user_id": citizens[0].pk,
                    "form": birth_form(now),
                },
                "files": {
                    "submit": write_lines(out / "submit-sessions.txt", submit_lines),
                    # The same citizens and services for the write ceiling (bench/write_ceiling.lua): no session.
                    "write_ceiling": write_lines(
                        out / "write-ceiling-citizens.txt", [f"{citizens[n].pk}\t{service_of[n]}" for n in submitters]
                    ),
                    "worklist": write_lines(out / "worklist-sessions.txt", list(verifier_sessions.values())),
                    # One citizen: the same session on a few lines, as every wrk thread needs one of its own.
                    "dashboard": write_lines(out / "dashboard-sessions.txt", [dashboard_session] * 8),
                },
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
