"""Bench-only: what the queue scenarios need in Kota Samarinda's MPP, and a busy morning at a second MPP's board.

Run by bench/queue_bench.py with the benchmark's environment (its PostgreSQL database, after load_regions and
seed_catalog):

    python bench/queue_seed.py <out_dir> --waiting 200000 --bookings 10000 --holders 5000 \\
        --citizens 3000 --warm-up-citizens 600

Creates, in one transaction:

- the MPPs' lines (``services.assign_letters``: letters by each agency's first counter, as the kiosk gives them);
- for ``queue_call_next``: ``OFFICERS`` more counters of Samarinda's Disdukcapil (numbers 101–120) and as many
  counter officers (staff, a ``RoleAssignment`` of ``counter_officer`` for that agency in 64.72); ``--waiting``
  tickets waiting in Disdukcapil's line today (the MPP's local day, Asia/Makassar), numbered 1 … N with their
  ``DayNumber`` and their "issued" event, taken over the morning (INSERT … SELECT generate_series);
- for ``queue_display``: at Kota Surakarta's MPP (DISPLAY_REGION), a morning through the real services
  (``issue_ticket``, ``call_next``, ``finish``): DISPLAY_SERVED visitors served at its counters, DISPLAY_WAITING
  waiting in its lines, one called at each of its Disdukcapil counters; and a counter officer of its Disdukcapil
  for the probe, who calls at its counter 1;
- for ``queue_booking``: the MPP's policy (the defaults: 30-minute slots, 14 days ahead, 2 future bookings per
  citizen), a capacity for each of BOOKING_SERVICES high enough that no slot fills during the run, and
  ``--bookings`` future bookings held by ``--holders`` citizens (two each, the most the policy allows), spread
  over every open slot of the next 14 days (``slots.bookable_days`` and ``slots.slot_starts``: Friday closes at
  11:30, weekends and public holidays are closed), with the ``SlotCount`` rows that agree; then ``--citizens``
  and ``--warm-up-citizens`` fresh citizens, each to book two slots from tomorrow on (a line each in the
  measured run's file, or the warm-up's), and one more for the check.

Then signs everyone in through Django's session engine (the session as ``django.contrib.auth.login`` leaves it,
inserted in bulk), writes the wrk scripts' files to <out_dir> and prints one JSON object on stdout.
"""

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from scenarios import PILOT_REGION, QUEUE_DISPLAY_REGION  # noqa: E402
from seeding import Steps, sign_in, skip_foreign_key_checks  # noqa: E402

from mpp.catalog.models import Agency, Counter, Mpp, Service  # noqa: E402
from mpp.identity.models import Role, RoleAssignment, User  # noqa: E402
from mpp.queueing import services  # noqa: E402
from mpp.queueing.line import today_at  # noqa: E402
from mpp.queueing.models import CODE_ALPHABET, CODE_LENGTH, Booking, Capacity, Line, Ticket  # noqa: E402
from mpp.queueing.slots import bookable_days, slot_starts  # noqa: E402

PASSWORD = "sandi-uji-beban-antrean-2026"
OFFICERS = 20
FIRST_EXTRA_COUNTER = 101
#: Services of Samarinda's MPP that take bookings in the scenario (four agencies' counters).
BOOKING_SERVICES = ("akta-kelahiran", "kartu-keluarga", "paspor", "skck")
#: Surakarta's morning: visitors served so far and waiting now (most of them for Disdukcapil, whom the probe calls).
DISPLAY_SERVED = 60
DISPLAY_WAITING = 150
DISPLAY_DUKCAPIL_SHARE = 2 / 3


def morning_start(mpp: Mpp, now: dt.datetime) -> dt.datetime:
    """When the morning's line began: 08:00 local, or the start of the local day when the run is earlier."""
    local = timezone.localtime(now, timezone=_zone(mpp))
    start = local.replace(hour=8, minute=0, second=0, microsecond=0)
    return start if start < local else local.replace(hour=0, minute=0, second=0, microsecond=0)


def _zone(mpp: Mpp):
    from zoneinfo import ZoneInfo

    return ZoneInfo(mpp.region.time_zone)


# --- queue_call_next: officers at counters 101–120, and a long line waiting --------------------------------


def create_officers(mpp: Mpp, agency: Agency, password_hash: str) -> list[tuple[User, Counter]]:
    """OFFICERS counters of ``agency`` at ``mpp`` (numbers 101 …) and a counter officer for each."""
    counters = Counter.objects.bulk_create(
        [Counter(mpp=mpp, agency=agency, number=FIRST_EXTRA_COUNTER + n) for n in range(OFFICERS)]
    )
    officers = User.objects.bulk_create(
        [
            User(username=f"loket.antrean.{n:02d}", password=password_hash, is_staff=True)
            for n, counter in enumerate(counters)
        ]
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=user, role=Role.COUNTER_OFFICER, region_id=mpp.region_id, agency=agency)
            for user in officers
        ]
    )
    return list(zip(officers, counters, strict=True))


def create_waiting_line(cursor, mpp: Mpp, agency: Agency, count: int, now: dt.datetime) -> dt.date:
    """``count`` walk-ins waiting in the agency's line today, numbered 1 … count in the order they came
    (spread from the morning's start to now), with the agency's ``DayNumber`` and each one's "issued" event."""
    day = today_at(mpp, now)
    letter = Line.objects.get(mpp=mpp, agency=agency).letter
    values = {"mpp": mpp.pk, "agency": agency.pk, "day": day, "letter": letter, "count": count, "now": now}
    values["start"] = morning_start(mpp, now)
    cursor.execute(
        """
        INSERT INTO queueing_ticket (id, created_at, updated_at, mpp_id, agency_id, service_id, day, letter, number,
                                     priority, booking_id, due_at, status, in_line_since, counter_id,
                                     for_counter_id, officer_id, called_at, last_called_at, recalls, started_at,
                                     finished_at, phone)
        SELECT gen_random_uuid(), t.at, t.at, %(mpp)s, %(agency)s, NULL, %(day)s, %(letter)s, i, '', NULL, NULL,
               'waiting', t.at, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, ''
        FROM generate_series(1, %(count)s) AS i
        CROSS JOIN LATERAL (
            SELECT %(start)s::timestamptz + (%(now)s::timestamptz - %(start)s::timestamptz) * (i - 1) / %(count)s AS at
        ) t
        """,
        values,
    )
    cursor.execute(
        "INSERT INTO queueing_daynumber (mpp_id, agency_id, day, last) VALUES (%(mpp)s, %(agency)s, %(day)s, "
        "%(count)s)",
        values,
    )
    cursor.execute(
        """
        INSERT INTO queueing_ticketevent (ticket_id, kind, at, counter_id, officer_id, note)
        SELECT id, 'issued', in_line_since, NULL, NULL, '' FROM queueing_ticket
        WHERE mpp_id = %(mpp)s AND agency_id = %(agency)s AND day = %(day)s
        """,
        values,
    )
    return day


# --- queue_display: a busy morning at another MPP, through the services -------------------------------------


def display_morning(mpp: Mpp, officer: User, now: dt.datetime) -> dict:
    """DISPLAY_SERVED visitors served and DISPLAY_WAITING waiting at ``mpp``, as the kiosk and the counters would
    have left them (taken over the first four fifths of the morning, served in the last fifth), and one visitor
    called at each Disdukcapil counter. Returns the line's counts."""
    start = morning_start(mpp, now)
    span = now - start
    counters = list(Counter.objects.filter(mpp=mpp).select_related("mpp__region", "agency__kind").order_by("number"))
    dukcapil = next(counter.agency for counter in counters if counter.agency.kind.code == "disdukcapil")
    others = sorted({counter.agency for counter in counters} - {dukcapil}, key=lambda agency: agency.name)
    total = DISPLAY_SERVED + DISPLAY_WAITING
    for n in range(total):
        agency = dukcapil if n % 3 < 3 * DISPLAY_DUKCAPIL_SHARE else others[n % len(others)]
        services.issue_ticket(mpp=mpp, agency=agency, now=start + span * 0.8 * n / total)
    served, turn = 0, 0
    while served < DISPLAY_SERVED and turn < 10 * DISPLAY_SERVED:
        counter, turn = counters[turn % len(counters)], turn + 1
        at = start + span * (0.8 + 0.18 * served / DISPLAY_SERVED)
        ticket = services.call_next(counter=counter, officer=officer, now=at)
        if ticket is not None:
            services.finish(ticket_id=ticket.pk, counter=counter, officer=officer, now=at + span * 0.001)
            served += 1
    for counter in counters:
        if counter.agency_id == dukcapil.pk:
            services.call_next(counter=counter, officer=officer, now=start + span * 0.99)
    tickets = Ticket.objects.filter(mpp=mpp, day=today_at(mpp, now))
    return {
        "tickets": tickets.count(),
        "waiting": tickets.filter(status="waiting").count(),
        "served": tickets.filter(status="done").count(),
        "dukcapil_waiting": tickets.filter(status="waiting", agency=dukcapil).count(),
    }


def create_display_officer(mpp: Mpp, password_hash: str) -> tuple[User, Counter]:
    counter = Counter.objects.select_related("agency").get(mpp=mpp, agency__kind__code="disdukcapil", number=1)
    user = User.objects.create(username="loket.antrean.layar", password=password_hash, is_staff=True)
    RoleAssignment.objects.create(user=user, role=Role.COUNTER_OFFICER, region_id=mpp.region_id, agency=counter.agency)
    return user, counter


# --- queue_booking: capacities, 10,000 bookings held, and fresh citizens with the slots they will book ------


def code_of(k: int) -> str:
    """The k-th booking code: an odd multiplier not divisible by 31 is a bijection modulo 31⁸, so the codes
    are distinct, use the kiosk's alphabet and look random."""
    space = len(CODE_ALPHABET) ** CODE_LENGTH
    n = (k * 0x2545F491 + 0x1234567) % space
    letters = []
    for _ in range(CODE_LENGTH):
        n, digit = divmod(n, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[digit])
    return "".join(letters)


def open_slots(mpp: Mpp, now: dt.datetime) -> list[dt.datetime]:
    """Every slot's start from now to ``Policy.booking_days`` ahead (closed days have none), in order."""
    policy = services.policy_of(mpp)
    days = bookable_days(mpp, today_at(mpp, now), policy)
    return [start for day, hours in days for start in slot_starts(mpp, day, hours, policy.slot_minutes) if start > now]


def create_citizens(prefix: str, count: int, password_hash: str) -> list[User]:
    users = [User(username=f"{prefix}.{n}", last_name=f"Warga {n}", password=password_hash) for n in range(count)]
    return User.objects.bulk_create(users, batch_size=2000)


def create_bookings(mpp: Mpp, combos: list[tuple[Service, dt.datetime]], holders: list[User], count: int) -> None:
    """``count`` bookings, booking k in combination k (service and slot) round and round, two for each holder."""
    policy = services.policy_of(mpp)
    length = dt.timedelta(minutes=policy.slot_minutes)
    zone = _zone(mpp)
    Booking.objects.bulk_create(
        [
            Booking(
                code=code_of(k),
                mpp=mpp,
                service=service,
                agency_id=service.agency_id,
                citizen=holders[k // 2],
                starts_at=start,
                ends_at=start + length,
                day=start.astimezone(zone).date(),
            )
            for k in range(count)
            for service, start in [combos[k % len(combos)]]
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO queueing_slotcount (mpp_id, service_id, starts_at, booked)
            SELECT mpp_id, service_id, starts_at, count(*) FROM queueing_booking
            WHERE mpp_id = %s AND status = 'booked' GROUP BY mpp_id, service_id, starts_at
            """,
            [mpp.pk],
        )


def booking_lines(citizens: list[User], combos: list, offset: int, sessions: dict, zone) -> list[str]:
    """Two lines per citizen, ``<sessionid>\\t<service id>\\t<day>\\t<HH:MM>``: all first bookings, then all
    second ones, so a citizen's two requests are far apart in the run and never in flight together."""
    lines = []
    for turn in range(2):
        for n, citizen in enumerate(citizens):
            service, start = combos[(offset + 2 * n + turn) % len(combos)]
            local = start.astimezone(zone)
            lines.append(f"{sessions[citizen.pk]}\t{service.pk}\t{local:%Y-%m-%d}\t{local:%H:%M}")
    return lines


#: What EXPLAIN takes (not BEGIN, SAVEPOINT or COMMIT, which a press's queries count too).
EXPLAINABLE = ("SELECT", "UPDATE", "INSERT", "DELETE")


def call_queries(counter: Counter, officer: User) -> dict:
    """One press of the console's busiest button in-process (``finish_and_call_next`` at ``counter``, rolled back,
    so the line is left as it was): its queries and wall time (the median of three), and the plan of its slowest
    query (EXPLAIN ANALYZE)."""
    walls, plan = [], []
    for attempt in range(3):
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            started = time.perf_counter()
            services.finish_and_call_next(counter=counter, officer=officer)
            walls.append((time.perf_counter() - started) * 1000)
            statements = [query for query in captured.captured_queries if query["sql"].startswith(EXPLAINABLE)]
            slowest = max(statements, key=lambda query: float(query["time"]))
            if attempt == 2:
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE) {slowest['sql']}")
                    plan = [line for (line,) in cursor.fetchall()]
            transaction.set_rollback(True)
    return {
        "queries": len(captured.captured_queries),
        "wall_ms": round(sorted(walls)[1], 1),
        "slowest_ms": round(float(slowest["time"]) * 1000, 1),
        "slowest_sql": slowest["sql"][:300],
        "plan": plan,
    }


# --- sessions and files ---------------------------------------------------------------------------------------


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="ascii")
    return str(path)


@transaction.atomic
def seed(args, now: dt.datetime, step: Steps) -> dict:
    mpp = Mpp.objects.select_related("region").get(region_id=PILOT_REGION)
    display_mpp = Mpp.objects.select_related("region").get(region_id=QUEUE_DISPLAY_REGION)
    dukcapil = Agency.objects.get(region_id=PILOT_REGION, kind__code="disdukcapil")
    password_hash = make_password(PASSWORD)  # once, shared: a hash per account would take minutes
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        skipped = skip_foreign_key_checks(cursor)
        step("lines", lambda: [services.assign_letters(mpp), services.assign_letters(display_mpp)])
        officers = step("counters 101–120 and their officers", lambda: create_officers(mpp, dukcapil, password_hash))
        day = step(
            f"{args.waiting:,} tickets waiting", lambda: create_waiting_line(cursor, mpp, dukcapil, args.waiting, now)
        )
    probe_officer, probe_counter = create_display_officer(display_mpp, password_hash)
    display = step("Surakarta's morning", lambda: display_morning(display_mpp, probe_officer, now))

    booked_services = list(
        Service.objects.filter(region_id=PILOT_REGION, template__slug__in=BOOKING_SERVICES, is_active=True)
        .select_related("template")
        .order_by("template__slug")
    )
    slots = open_slots(mpp, now)
    combos = [(service, start) for start in slots for service in booked_services]
    today = today_at(mpp, now)
    zone = _zone(mpp)
    # Fresh citizens book from tomorrow on: a slot of today could begin while the run is on.
    later = [(service, start) for service, start in combos if start.astimezone(zone).date() > today]
    holders = step(
        f"{args.holders:,} citizens holding bookings",
        lambda: create_citizens("warga.pesan", args.holders, password_hash),
    )
    fresh_count = args.citizens + args.warm_up_citizens + 1
    fresh = step(f"{fresh_count:,} fresh citizens", lambda: create_citizens("warga.baru", fresh_count, password_hash))
    # Enough places that no slot fills: the held bookings of the fullest slot, plus every fresh line on it.
    held_per_slot = math.ceil(args.bookings / len(combos))
    fresh_per_slot = math.ceil(2 * fresh_count / len(later))
    per_slot = held_per_slot + fresh_per_slot + 1
    Capacity.objects.bulk_create([Capacity(mpp=mpp, service=service, per_slot=per_slot) for service in booked_services])
    step(f"{args.bookings:,} bookings held", lambda: create_bookings(mpp, combos, holders, args.bookings))

    return {
        "mpp": mpp,
        "display_mpp": display_mpp,
        "dukcapil": dukcapil,
        "day": day,
        "officers": officers,
        "probe": (probe_officer, probe_counter),
        "display": display,
        "services": booked_services,
        "slots": slots,
        "later": later,
        "fresh": fresh,
        "per_slot": per_slot,
        "zone": zone,
        "skipped": skipped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--waiting", type=int, default=200_000)
    parser.add_argument("--bookings", type=int, default=10_000)
    parser.add_argument("--holders", type=int, default=5_000)
    parser.add_argument("--citizens", type=int, default=3_000, help="fresh citizens of the measured run")
    parser.add_argument("--warm-up-citizens", type=int, default=600)
    args = parser.parse_args()
    if args.holders * 2 < args.bookings:
        raise SystemExit("each holder holds at most two bookings (Policy.max_future_bookings)")
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    step = Steps()
    started = time.perf_counter()
    seeded = seed(args, now, step)
    seed_s = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        for table in ("queueing_ticket", "queueing_ticketevent", "queueing_booking", "queueing_slotcount"):
            cursor.execute(f"ANALYZE {table}")

    officers, (probe_officer, probe_counter) = seeded["officers"], seeded["probe"]
    counter = Counter.objects.select_related("mpp__region", "agency__kind").get(pk=officers[0][1].pk)
    calls = step("one call in-process", lambda: call_queries(counter, officers[0][0]))
    fresh = seeded["fresh"]
    sessions_started = time.perf_counter()
    sessions = sign_in([user for user, _counter in officers] + [probe_officer, *fresh])
    sessions_s = round(time.perf_counter() - sessions_started, 1)
    measured, warm_up, check = fresh[: args.citizens], fresh[args.citizens : -1], fresh[-1]
    later, zone = seeded["later"], seeded["zone"]
    booking_files = {
        "bookings": write_lines(out / "bookings.txt", booking_lines(measured, later, 0, sessions, zone)),
        "bookings_warm_up": write_lines(
            out / "bookings-warm-up.txt", booking_lines(warm_up, later, 2 * len(measured), sessions, zone)
        ),
    }
    check_service, check_start = later[len(later) // 2]
    check_local = check_start.astimezone(zone)
    mpp = seeded["mpp"]
    kiosk_agencies = [
        str(line.agency_id)
        for line in Line.objects.filter(mpp=mpp).exclude(agency=seeded["dukcapil"]).order_by("letter")
    ]
    print(
        json.dumps(
            {
                "seed_s": seed_s,
                "steps_s": step.seconds,
                "sessions_s": sessions_s,
                "foreign_key_checks_skipped": seeded["skipped"],
                "mpp": str(mpp.pk),
                "mpp_name": mpp.name,
                "zone": mpp.region.time_zone,
                "day": seeded["day"].isoformat(),
                "dukcapil": str(seeded["dukcapil"].pk),
                "waiting": args.waiting,
                "call_queries": calls,
                "counters": [counter.pk for _user, counter in officers],
                # The kiosk's load takes numbers of these agencies' lines (not Disdukcapil's, which the officers
                # call): the warm-up's and the check's first, the measured run's after them.
                "kiosk_agencies": {
                    "check": kiosk_agencies[0],
                    "warm_up": kiosk_agencies[1:3],
                    "measured": kiosk_agencies[3:9],
                },
                "display": seeded["display"]
                | {
                    "mpp": str(seeded["display_mpp"].pk),
                    "mpp_name": seeded["display_mpp"].name,
                    "probe_session": sessions[probe_officer.pk],
                    "probe_counter": probe_counter.pk,
                    "probe_counter_number": probe_counter.number,
                },
                "booking": {
                    "services": [service.template.slug for service in seeded["services"]],
                    "slots": len(seeded["slots"]),
                    "slots_from_tomorrow": len({start for _service, start in later}),
                    "days": len({start.astimezone(zone).date() for start in seeded["slots"]}),
                    "held": args.bookings,
                    "holders": args.holders,
                    "citizens": len(measured),
                    "warm_up_citizens": len(warm_up),
                    "per_slot": seeded["per_slot"],
                    "citizen_ids": [measured[0].pk, warm_up[-1].pk],
                },
                "check": {
                    "officer_session": sessions[officers[0][0].pk],
                    "officer_counter": officers[0][1].pk,
                    "citizen_session": sessions[check.pk],
                    "citizen_id": check.pk,
                    "service": str(check_service.pk),
                    "day": f"{check_local:%Y-%m-%d}",
                    "time": f"{check_local:%H:%M}",
                    "starts_at": check_start.isoformat(),
                },
                "files": {
                    "officers": write_lines(
                        out / "officers.txt", [f"{sessions[user.pk]}\t{counter.pk}" for user, counter in officers]
                    ),
                    **booking_files,
                },
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
