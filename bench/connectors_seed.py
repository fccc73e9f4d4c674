"""Bench-only: agency systems of Kota Samarinda and the applications forwarded to them (issue #19's connectors).

Run by bench/connectors_bench.py with the benchmark's environment (its PostgreSQL database, after load_regions and
seed_catalog), in two steps:

    python bench/connectors_seed.py health <out_dir> --systems 24 --applications 100000 --pending 300 --failed 20
    python bench/connectors_seed.py forwarding <out_dir> --applications 20000 --credentials BENCH_POLRI

``health`` (for the connector health page): ``--systems`` forwarded systems connected through the platform's own
``connectors.connect`` (contract credentials ``BENCH_<n>``), over the agencies of 64.72 that offer a service (an
agency holds several); the region's MPP manager, signed in through Django's session engine; citizens; and
``--applications`` applications forwarded over the last 30 days, spread unevenly over the systems, each with its
``ExternalCase`` and the webhook that forwarded it (``notifications.OutboxMessage``, channel webhook, endpoint the
system's, dedup key ``forward:<application id>``): sent after 1–3 attempts, ``--pending`` still waiting (retried,
most of them at two systems that stopped answering) and ``--failed`` given up; then
``notifications.webhooks.rebuild_health`` recounts the hourly figures from them. Renders the health page in-process
and counts its queries.

``forwarding`` (for the notifier's throughput): Polres Samarinda's SKCK system, connected with a contract whose
``fields`` give the polri profile of the agency simulator what it requires (``surat_pengantar``, an uploaded
document, and ``keperluan``), and ``--applications`` SKCK applications just forwarded to it, their webhooks
pending in the outbox with the body ``forwarding.forward_if_configured`` queues (checked against the platform's
own ``forwarding.payload`` and ``contract.mapped`` for a few of them).

Rows go in with bulk_create in one transaction (as a superuser the foreign-key triggers are skipped, as the other
seeds do). Prints one JSON object on stdout: the files, the counts, how long each step took.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from scenarios import PILOT_REGION  # noqa: E402
from seeding import Steps, sign_in, skip_foreign_key_checks  # noqa: E402
from uuid6 import uuid7  # noqa: E402

from mpp.applications import connectors, forwarding  # noqa: E402
from mpp.applications.contract import mapped  # noqa: E402
from mpp.applications.models import Application, ExternalCase, ExternalSystem, Status  # noqa: E402
from mpp.catalog.models import Agency, Service  # noqa: E402
from mpp.identity.models import Role, RoleAssignment, User  # noqa: E402
from mpp.notifications import webhooks  # noqa: E402
from mpp.notifications.models import Channel, Delivery, EndpointHealth, EndpointHour, OutboxMessage  # noqa: E402

PASSWORD = "sandi-uji-beban-konektor-2026"
BATCH = 5_000
DAYS = 30
CITIZENS = 1_000
#: Tracking numbers of the seed: <region>-<yymm>-<letter><7 digits>, letters no random number of the platform's
#: starts with here (K: the health page's, W: the notifier's).
HEALTH_LETTER, FORWARDING_LETTER = "K", "W"
#: Systems that stopped answering: most of the waiting webhooks are theirs, and all the failed ones.
DOWN = 2
DOWN_SHARE_OF_PENDING = 0.7
ERROR = "WebhookError: ConnectTimeout: timed out"
#: Attempts of a delivered webhook: (attempts, per 100).
ATTEMPTS = ((1, 95), (2, 4), (3, 1))
POLRI_FIELDS = {"surat_pengantar": "form.surat_pengantar", "keperluan": "form.keperluan"}
PURPOSES = ("Melamar pekerjaan", "Mendaftar CPNS", "Melanjutkan pendidikan", "Pengurusan visa")


def agencies_with_a_service() -> list[tuple[Agency, Service]]:
    """Each agency of the region (not a village's) with its first active service, by name."""
    found = []
    for agency in Agency.objects.filter(region_id=PILOT_REGION, village__isnull=True).select_related("kind"):
        service = Service.objects.filter(agency=agency, is_active=True).select_related("template").order_by("pk")
        if service.first() is not None:
            found.append((agency, service.first()))
    return sorted(found, key=lambda pair: pair[0].name)


def create_citizens(count: int, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{n:010d}",
                nik=f"{prefix}{n:010d}",
                first_name="Warga",
                last_name=f"Konektor {n}",
                password="!",  # never signs in
            )
            for n in range(count)
        ],
        batch_size=2_000,
    )


def create_manager() -> User:
    user = User.objects.create(username="pengelola.konektor.bench", is_staff=True, password="!")
    RoleAssignment.objects.create(user=user, role=Role.MPP_MANAGER, region_id=PILOT_REGION)
    return user


# --- what forward_if_configured writes, in bulk -------------------------------------------------------------------


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


def context_of(application: Application, service: Service, applicant: User, system: ExternalSystem) -> dict:
    """The webhook's ``data`` as ``forwarding.payload`` builds it (the applicant has no registry record; an uploaded
    document not found among the uploads is listed by its id), with the contract's fields mapped into ``form``."""
    number = application.tracking_number
    data = {
        "tracking_number": number,
        "service": {"code": service.template.slug, "name": service.template.name},
        "region_code": application.region_id,
        "agency": {"name": system.agency.name},
        "channel": application.channel,
        "submitted_at": _iso(application.submitted_at),
        "due_at": _iso(application.due_at),
        "applicant": {"nik": applicant.nik, "name": applicant.get_full_name()},
        "beneficiary": {"nik": application.beneficiary_nik or None, "name": application.beneficiary_name},
        "form": application.data,
        "attachments": [
            {"type": name, "id": str(value["id"])}
            for name, value in application.data.items()
            if isinstance(value, dict) and value.get("source") in ("upload", "vault") and value.get("id")
        ],
        "callback": {
            "status_url": settings.SITE_URL + reverse("api-v1:agency_application_status", args=[number]),
            "token_url": settings.SITE_URL + reverse("oauth2_provider:token"),
        },
    }
    contract = system.parsed_contract
    if contract is not None and contract.fields:
        data["form"] = mapped(contract, data)
    return data


def forwarded(
    *,
    number: str,
    system: ExternalSystem,
    service: Service,
    applicant: User,
    at: dt.datetime,
    form: dict,
    delivery: dict,
) -> tuple[Application, ExternalCase, OutboxMessage]:
    """An application forwarded to ``system`` at ``at`` (status forwarded, no officer's step), its case, and its
    webhook with ``delivery`` (status, attempts, sent_at, next_attempt_at, last_error)."""
    application = Application(
        id=uuid7(),
        tracking_number=number,
        service=service,
        service_version_id=service.current_version_id,
        region_id=PILOT_REGION,
        agency_id=system.agency_id,
        applicant=applicant,
        basis="self",
        channel="online",
        data=form,
        status=Status.FORWARDED,
        submitted_at=at,
        due_at=at + dt.timedelta(days=14),
        version=2,
    )
    case = ExternalCase(application=application, external_system=system, forwarded_at=at)
    message = OutboxMessage(
        created_at=at,
        channel=Channel.WEBHOOK,
        recipient=f"connector:{system.parsed_contract.credentials}",
        endpoint_id=system.webhook_id,
        kind=webhooks.APPLICATION_FORWARDED,
        context=context_of(application, service, applicant, system),
        dedup_key=f"forward:{application.pk}",
        **delivery,
    )
    return application, case, message


def write(rows: list[tuple]) -> None:
    for model, objects in zip((Application, ExternalCase, OutboxMessage), zip(*rows, strict=True), strict=True):
        model.objects.bulk_create(objects, batch_size=BATCH)


def tracking(letter: str, n: int, at: dt.datetime) -> str:
    return f"{PILOT_REGION.replace('.', '')}-{at:%y%m}-{letter}{n:07d}"


# --- health: 24 systems and 100,000 forwarded applications ------------------------------------------------------


def connect_systems(count: int) -> list[ExternalSystem]:
    pairs = agencies_with_a_service()
    systems = []
    for n in range(count):
        agency, _service = pairs[n % len(pairs)]
        registered = connectors.connect(
            name=f"Sistem {agency.kind.short_name} {n // len(pairs) + 1} (uji beban {n + 1:02d})",
            mode="forwarded",
            agency=agency,
            contract={"credentials": f"BENCH_{n + 1:02d}"},
        )
        systems.append(registered.system)
    return systems


def deliveries(count: int, pending: int, failed: int, systems: int, rng: random.Random) -> list[tuple[int, str]]:
    """(system index, status) of each application: the failed at the DOWN systems, most of the pending too, the
    rest spread unevenly (system n weighs 1 + n % 4)."""
    weights = [1 + n % 4 for n in range(systems)]
    plan = [(rng.randrange(DOWN), Delivery.FAILED) for _ in range(failed)]
    down = round(pending * DOWN_SHARE_OF_PENDING)
    plan += [(rng.randrange(DOWN), Delivery.PENDING) for _ in range(down)]
    plan += [(rng.choices(range(systems), weights)[0], Delivery.PENDING) for _ in range(pending - down)]
    plan += [(n, Delivery.SENT) for n in rng.choices(range(systems), weights, k=count - len(plan))]
    rng.shuffle(plan)
    return plan


def delivery_of(status: str, down: bool, at: dt.datetime, now: dt.datetime, rng: random.Random) -> dict:
    """The webhook's delivery: sent after its attempts; given up after 20; waiting, retried with its last error at
    a system that stopped answering, else just queued."""
    if status == Delivery.SENT:
        attempts = rng.choices([a for a, _ in ATTEMPTS], [w for _, w in ATTEMPTS])[0]
        sent_at = at + dt.timedelta(seconds=rng.uniform(0.05, 0.5) + 2 ** (attempts - 1) - 1)
        return {"status": status, "attempts": attempts, "sent_at": sent_at, "next_attempt_at": sent_at}
    if status == Delivery.FAILED:
        return {"status": status, "attempts": 20, "next_attempt_at": at + dt.timedelta(hours=10), "last_error": ERROR}
    attempts = rng.randint(1, 6) if down else 0
    return {
        "status": status,
        "attempts": attempts,
        "next_attempt_at": now + dt.timedelta(seconds=2**attempts),
        "last_error": ERROR if attempts else "",
    }


def when(status: str, down: bool, now: dt.datetime, rng: random.Random) -> dt.datetime:
    """Delivered and failed ones over the last DAYS days (failed ones at least half a day ago); waiting ones in the
    last three hours at a system that stopped answering, else in the last minute."""
    if status == Delivery.PENDING:
        return now - dt.timedelta(seconds=rng.uniform(5, 3 * 3600 if down else 60))
    earliest = 12 * 3600 if status == Delivery.FAILED else 0
    return now - dt.timedelta(seconds=rng.uniform(earliest, DAYS * 86_400))


def create_health_applications(args, systems, now: dt.datetime, step: Steps) -> None:
    rng = random.Random(args.seed)
    citizens = step("citizens", lambda: create_citizens(CITIZENS, "647296"))
    service_of = {agency.pk: service for agency, service in agencies_with_a_service()}
    plan = deliveries(args.applications, args.pending, args.failed, len(systems), rng)

    def insert() -> None:
        rows = []
        for n, (index, status) in enumerate(plan, start=1):
            system, down = systems[index], index < DOWN
            at = when(status, down, now, rng)
            rows.append(
                forwarded(
                    number=tracking(HEALTH_LETTER, n, at),
                    system=system,
                    service=service_of[system.agency_id],
                    applicant=citizens[n % len(citizens)],
                    at=at,
                    form={"keperluan": PURPOSES[n % len(PURPOSES)]},
                    delivery=delivery_of(status, down, at, now, rng),
                )
            )
            if len(rows) == BATCH:
                write(rows)
                rows = []
        if rows:
            write(rows)

    step("applications", insert)


def last_errors(endpoints: list) -> None:
    """Each receiver's last failure, as the notifier would have left it (the recount keeps only successes)."""
    failures = (
        OutboxMessage.objects.filter(endpoint_id__in=endpoints, attempts__gt=0)
        .exclude(last_error="")
        .values("endpoint_id")
        .annotate(at=Max("created_at"))
    )
    for row in failures:
        EndpointHealth.objects.update_or_create(
            endpoint_id=row["endpoint_id"], defaults={"last_failure_at": row["at"], "last_error": ERROR}
        )


def health_queries(manager: User, names: list[str]) -> dict:
    """The health page in-process as the manager: its queries and time (after one request that warms the process),
    and whether it lists every system."""
    try:
        path = reverse("applications:connectors")
    except NoReverseMatch as missing:
        return {"error": f"no page applications:connectors yet ({missing})"}
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(manager)
    client.get(path)
    renders = []
    for _ in range(3):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        renders.append(
            {
                "status": response.status_code,
                "queries": len(queries),
                "wall_ms": round((time.perf_counter() - started) * 1000, 1),
                "sql_ms": round(sum(float(query["time"]) for query in queries.captured_queries) * 1000, 1),
                "sql": [query["sql"] for query in queries.captured_queries],
                "body": response.content.decode(errors="replace"),
            }
        )
    last = renders[-1]
    return {
        "path": path,
        "status": last["status"],
        "queries": last["queries"],
        "wall_ms": sorted(render["wall_ms"] for render in renders)[1],
        "sql_ms": last["sql_ms"],
        "sql": last["sql"],
        "missing_systems": [name for name in names if name not in last["body"]],
    }


def figures(systems: list[ExternalSystem]) -> dict:
    """What the page shows, summed over the systems (``connectors.health``), and the rows behind it."""
    rows = connectors.health(PILOT_REGION)
    ours, endpoints = {system.pk for system in systems}, [system.webhook_id for system in systems]
    mine = [row for row in rows if row.system_id in ours]
    outbox = dict(OutboxMessage.objects.filter(endpoint_id__in=endpoints).values_list("status").annotate(n=Count("id")))
    return {
        "systems_listed": len(rows),
        "waiting": sum(row.waiting for row in mine),
        "failed": sum(row.failed for row in mine),
        "attempts_24h": sum(row.attempts for row in mine),
        "failures_24h": sum(row.failures for row in mine),
        "unhealthy": sum(1 for row in mine if not row.is_healthy),
        "outbox": outbox,
        "endpoint_hours": EndpointHour.objects.filter(
            endpoint_id__in=[system.webhook_id for system in systems]
        ).count(),
        "applications": Application.objects.filter(tracking_number__contains=f"-{HEALTH_LETTER}").count(),
        "cases": ExternalCase.objects.filter(external_system__in=systems).count(),
    }


def health(args, out: Path, step: Steps) -> dict:
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            skipped = skip_foreign_key_checks(cursor)
        systems = step("systems", lambda: connect_systems(args.systems))
        manager = create_manager()
        create_health_applications(args, systems, now, step)
    rebuilt = step("rebuild_health", webhooks.rebuild_health)
    last_errors([system.webhook_id for system in systems])
    with connection.cursor() as cursor:
        for model in (Application, ExternalCase, OutboxMessage, EndpointHour):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    session = sign_in([manager])[manager.pk]
    sessions = out / "connectors-manager.txt"
    sessions.write_text(f"{session}\n" * 8, encoding="ascii")  # a line for each wrk thread
    names = [system.name for system in systems]
    return {
        "foreign_key_checks_skipped": skipped,
        "files": {"sessions": str(sessions)},
        "systems": names,
        "agencies": len({system.agency_id for system in systems}),
        "endpoint_hours_rebuilt": rebuilt,
        "counts": step("figures", lambda: figures(systems)),
        "queries": health_queries(manager, names),
    }


# --- forwarding: one system and its pending webhooks --------------------------------------------------------------


def forwarding_set(args, out: Path, step: Steps) -> dict:
    now = timezone.now()
    polres = Agency.objects.get(region_id=PILOT_REGION, kind__code="polres", village__isnull=True)
    service = (
        Service.objects.filter(agency=polres, template__slug="skck").select_related("template").first()
        or Service.objects.filter(agency=polres).select_related("template").order_by("pk").first()
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            skipped = skip_foreign_key_checks(cursor)
        system = connectors.connect(
            name="SKCK Online Polresta Samarinda (uji beban)",
            mode="forwarded",
            agency=polres,
            contract={"credentials": args.credentials, "fields": POLRI_FIELDS, "timeout_seconds": 10},
        ).system
        system = ExternalSystem.objects.select_related("agency").get(pk=system.pk)
        citizens = create_citizens(CITIZENS, "647295")

        def insert() -> list[str]:
            rows, numbers = [], []
            for n in range(1, args.applications + 1):
                at = now - dt.timedelta(seconds=args.applications - n)  # queued over the last minutes, in order
                form = {
                    "surat_pengantar": {"source": "upload", "id": str(uuid.uuid4())},
                    "keperluan": PURPOSES[n % len(PURPOSES)],
                }
                delivery = {"status": Delivery.PENDING, "attempts": 0, "next_attempt_at": at}
                number = tracking(FORWARDING_LETTER, n, at)
                rows.append(
                    forwarded(
                        number=number,
                        system=system,
                        service=service,
                        applicant=citizens[n % len(citizens)],
                        at=at,
                        form=form,
                        delivery=delivery,
                    )
                )
                numbers.append(number)
                if len(rows) == BATCH:
                    write(rows)
                    rows = []
            if rows:
                write(rows)
            return numbers

        numbers = step("applications", insert)
    with connection.cursor() as cursor:
        for model in (Application, ExternalCase, OutboxMessage):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    numbers_file = out / "forwarded-numbers.txt"
    numbers_file.write_text("".join(f"{number}\n" for number in numbers), encoding="ascii")
    return {
        "foreign_key_checks_skipped": skipped,
        "system": str(system.pk),
        "system_name": system.name,
        "endpoint": str(system.webhook_id),
        "service": service.template.slug,
        "contract": system.contract,
        "files": {"numbers": str(numbers_file)},
        "counts": {
            "applications": len(numbers),
            "pending": OutboxMessage.objects.filter(endpoint_id=system.webhook_id, status=Delivery.PENDING).count(),
        },
        "payload_problems": check_payloads(numbers[:: max(len(numbers) // 3, 1)][:3]),
        "example": OutboxMessage.objects.filter(endpoint_id=system.webhook_id).order_by("created_at").first().context,
    }


def check_payloads(numbers: list[str]) -> list[str]:
    """The seeded webhooks' bodies against the platform's own (``forwarding.payload`` and the contract's mapping),
    for a few of them."""
    problems = []
    for application in Application.objects.filter(tracking_number__in=numbers).select_related(
        "service__template", "applicant", "agency", "external_case__external_system"
    ):
        expected = forwarding.payload(application)
        contract = application.external_case.external_system.parsed_contract
        expected["form"] = mapped(contract, expected)
        stored = OutboxMessage.objects.get(dedup_key=f"forward:{application.pk}").context
        if stored != json.loads(json.dumps(expected)):
            problems.append(f"{application.tracking_number}: seeded {stored} ≠ the platform's {expected}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("health", "forwarding"))
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--systems", type=int, default=24)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--pending", type=int, default=300)
    parser.add_argument("--failed", type=int, default=20)
    parser.add_argument("--credentials", default="BENCH_POLRI")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    step = Steps()
    started = time.perf_counter()
    seeded = health(args, args.out_dir, step) if args.what == "health" else forwarding_set(args, args.out_dir, step)
    print(
        json.dumps({"seed_s": round(time.perf_counter() - started, 1), "steps_s": step.seconds, **seeded}, default=str)
    )


if __name__ == "__main__":
    sys.exit(main())
