"""Demo satisfaction surveys for `make run`: a month of decided applications in the demo regions (Kota Samarinda
and Kota Surakarta), most of them rated through the survey's own services, some through the kiosk with a counter
code, a few open answers, a suggestion here and there, and a follow-up plan in Samarinda; so that the index pages,
the service pages and the manager's page show real charts.

The applications are made directly, with the timeline the workflow would have left (as the statistics' test
factories make theirs), for walk-in citizens of the demo only; the answers go through ``surveys.services``.
Answers are not random noise: each element has its own level (fees are mostly free, complaint handling and
waiting times weakest), each service and region shifts it a little. The demo citizen Siti also gets a rejected
application not yet rated, and a counter visit for the counter officer's code, to try both by hand.
"""

import datetime as dt
import random

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from mpp.applications.models import Application, Channel, Event, Status, new_tracking_number
from mpp.catalog.models import Mode, Service
from mpp.identity.models import Role, User
from mpp.surveys import services as surveys
from mpp.surveys.models import FollowUpAction, Invitation, Kind
from mpp.surveys.periods import parse

REGIONS = ("64.72", "33.72")
DAYS = 30
KEY = "demo-survey"
#: Decided applications per region and day, on average.
PER_DAY = 12
#: Of the online services, how often each is asked for (per 100).
WEIGHTS = {
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
#: Each element's mean answer (1 to 4) at an average service: fees are mostly free, complaints and time weakest.
ELEMENT_LEVELS = {"u1": 3.3, "u2": 3.1, "u3": 2.8, "u4": 3.8, "u5": 3.3, "u6": 3.3, "u7": 3.5, "u8": 2.7, "u9": 3.0}
#: How a service shifts some elements (a practice permit waits on SISDMK; a birth certificate is quick).
SERVICE_SHIFTS = {
    "sip-tenaga-kesehatan": {"u1": -0.3, "u3": -0.5, "u2": -0.2},
    "akta-kelahiran": {"u3": 0.3},
    "pindah-datang": {"u2": -0.3, "u3": -0.2},
    "ktp-el-cetak-ulang": {"u9": -0.3},
}
REGION_SHIFTS = {"64.72": 0.05, "33.72": -0.1}
SUGGESTIONS = (
    "Ruang tunggu di lantai dua panas, mohon ditambah kipas angin.",
    "Petugas ramah dan sigap, terima kasih.",
    "Informasi persyaratan di situs sudah jelas, tapi nomor pengaduan sulit dihubungi.",
    "Mohon notifikasi WhatsApp dikirim juga saat berkas diverifikasi.",
    "Parkir motor terlalu sempit pada hari Senin.",
    "Prosesnya cepat, dokumen langsung bisa diunduh.",
)


def seed_demo_surveys(*, now=None, rng: random.Random | None = None) -> dict:
    """Seed the demo surveys once (a second run adds nothing); returns what was added. Refuses outside demo mode."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo surveys are seeded only when MPP_DEMO_MODE=true.")
    if Application.objects.filter(submit_key__startswith=KEY).exists():
        return {"applications": 0, "answers": 0}
    now, rng = now or timezone.now(), rng or random.Random(2026)
    with transaction.atomic():
        applications = []
        for region in REGIONS:
            applications += _applications(region, now, rng)
        _for_siti(now)
    answered = _answers(applications, now, rng)
    _open_answers(now, rng)
    _plan(now)
    return {"applications": len(applications), "answers": answered}


def _citizens(region: str) -> list[User]:
    """Walk-in citizens of the demo (no password: nobody signs in as them)."""
    citizens = []
    for index in range(40):
        user, created = User.objects.get_or_create(username=f"warga.demo.{region}.{index:02d}")
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        citizens.append(user)
    return citizens


def _applications(region: str, now, rng) -> list[Application]:
    offered = list(
        Service.objects.filter(region_id=region, is_active=True, mode=Mode.APPLICATION)
        .select_related("region", "template", "current_version")
        .order_by("template__slug")
    )
    if not offered:
        return []
    weights = [WEIGHTS.get(service.template.slug, 5) for service in offered]
    citizens = _citizens(region)
    counter = User.objects.filter(
        role_assignments__role=Role.COUNTER_OFFICER, role_assignments__region_id=region
    ).first()
    made, events = [], []
    for index in range(DAYS * PER_DAY):
        service = rng.choices(offered, weights)[0]
        decided_at = now - dt.timedelta(hours=rng.uniform(2, DAYS * 24 - 2))
        submitted_at = decided_at - dt.timedelta(hours=rng.uniform(1, 24 * 6))
        at_counter = rng.random() < 0.35
        status = Status.REJECTED if rng.random() < 0.08 else Status.APPROVED
        application = Application(
            service=service,
            service_version=service.current_version,
            region=service.region,
            agency_id=service.agency_id,
            applicant=rng.choice(citizens),
            basis="self",
            channel=Channel.COUNTER if at_counter else Channel.ONLINE,
            entered_by=counter if at_counter and counter and service.agency_id == _agency_of(counter) else None,
            status=status,
            submitted_at=submitted_at,
            due_at=submitted_at + dt.timedelta(days=10),
            decided_at=decided_at,
            tracking_number=new_tracking_number(region, submitted_at.strftime("%y%m")),
            submit_key=f"{KEY}-{region}-{index}",
            version=2,
        )
        made.append(application)
        events += _timeline(application)
    Application.objects.bulk_create(made)
    Event.objects.bulk_create(events)
    return made


def _agency_of(officer: User):
    assignment = officer.role_assignments.filter(role=Role.COUNTER_OFFICER).first()
    return assignment.agency_id if assignment else None


def _timeline(application: Application) -> list[Event]:
    decided = application.status
    return [
        Event(
            application=application,
            at=application.submitted_at,
            actor_label="Petugas loket MPP" if application.channel == Channel.COUNTER else "Pemohon",
            action="submit",
            to_status=Status.IN_PROGRESS,
            to_step="verification",
        ),
        Event(
            application=application,
            at=application.decided_at,
            actor_label=f"Pejabat penyetuju · {application.service.agency.name}",
            action="approve" if decided == Status.APPROVED else "reject",
            from_status=Status.IN_PROGRESS,
            to_status=decided,
            note="" if decided == Status.APPROVED else "Dokumen pendukung tidak terbaca.",
        ),
    ]


def _answers(applications: list[Application], now, rng) -> int:
    """About three in five served applications rated: at the kiosk with a code for counter visits, else online."""
    surveys.invite_applications([application.pk for application in applications])
    invitations = {
        invitation.reference: invitation
        for invitation in Invitation.objects.filter(
            kind=Kind.APPLICATION, reference__in=[str(application.pk) for application in applications]
        )
    }
    answered = 0
    for application in applications:
        invitation = invitations.get(str(application.pk))
        if invitation is None or rng.random() > 0.6:
            continue
        when = min(now, invitation.served_at + dt.timedelta(hours=rng.uniform(0.1, 72)))
        values = _values(application.service.template.slug, application.region_id, rng)
        if application.channel == Channel.COUNTER and rng.random() < 0.7:
            code = surveys.issue_code(application=application, now=invitation.served_at).code
            surveys.answer_code(code=code, values=values, now=when)
        else:
            surveys.answer_invitation(invitation_id=invitation.pk, values=values, source="web", now=when)
        answered += 1
    return answered


def _values(slug: str, region: str, rng) -> dict:
    shifts = SERVICE_SHIFTS.get(slug, {})
    mood = rng.gauss(0, 0.35)  # one person's day: every answer of theirs a little up or down
    values = {}
    for field, level in ELEMENT_LEVELS.items():
        mean = level + shifts.get(field, 0) + REGION_SHIFTS.get(region, 0) + mood
        values[field] = max(1, min(4, round(rng.gauss(mean, 0.55))))
    values |= {
        "gender": rng.choice(["L", "P", "P", ""]),
        "age_band": rng.choice(["20-29", "30-39", "30-39", "40-49", "50-59", ""]),
        "education": rng.choice(["slta", "slta", "s1", "d1-d3", "sltp", ""]),
        "occupation": rng.choice(["swasta", "wirausaha", "pns", "lainnya", "lainnya", ""]),
        "suggestion": rng.choice(SUGGESTIONS) if rng.random() < 0.08 else "",
    }
    return values


def _open_answers(now, rng) -> None:
    """A few answers of the open public survey: counted apart, never in the index."""
    from mpp.regions.models import Region

    for code in REGIONS:
        region = Region.objects.get(code=code)
        offered = list(Service.objects.filter(region_id=code, is_active=True))
        for _ in range(15):
            service = rng.choice([*offered[:5], None])
            values = _values(service.template.slug if service else "", code, rng)
            surveys.answer_open(
                region=region, service=service, values=values, now=now - dt.timedelta(hours=rng.uniform(1, DAYS * 24))
            )


def _for_siti(now) -> None:
    """Siti (the demo citizen): a rejected application to rate from its page, and a counter visit for a code."""
    siti = User.objects.filter(username="6472035204900001").first()
    counter = User.objects.filter(username="loket.samarinda").first()
    if siti is None:
        return
    kk = Service.objects.select_related("region", "template", "current_version", "agency").get(
        region_id="64.72", template__slug="kartu-keluarga"
    )
    ktp = Service.objects.select_related("region", "template", "current_version", "agency").get(
        region_id="64.72", template__slug="ktp-el-cetak-ulang"
    )
    rejected = Application(
        service=kk,
        service_version=kk.current_version,
        region=kk.region,
        agency_id=kk.agency_id,
        applicant=siti,
        basis="self",
        status=Status.REJECTED,
        submitted_at=now - dt.timedelta(days=4),
        due_at=now + dt.timedelta(days=3),
        decided_at=now - dt.timedelta(days=1),
        tracking_number=new_tracking_number("64.72", now.strftime("%y%m")),
        submit_key=f"{KEY}-siti-rejected",
        version=2,
    )
    visit = Application(
        service=ktp,
        service_version=ktp.current_version,
        region=ktp.region,
        agency_id=ktp.agency_id,
        applicant=siti,
        basis="self",
        channel=Channel.COUNTER,
        entered_by=counter,
        consent_recorded_at=now - dt.timedelta(hours=1),
        status=Status.IN_PROGRESS,
        step="verification",
        step_role=Role.VERIFIER,
        submitted_at=now - dt.timedelta(hours=1),
        due_at=now + dt.timedelta(days=5),
        tracking_number=new_tracking_number("64.72", now.strftime("%y%m")),
        submit_key=f"{KEY}-siti-counter",
        version=1,
    )
    Application.objects.bulk_create([rejected, visit])
    Event.objects.bulk_create([*_timeline(rejected), _timeline(visit)[0]])


def _plan(now) -> None:
    manager = User.objects.filter(username="pengelola.samarinda").first()
    if manager is None:
        return
    today = timezone.localdate(now)
    period = parse(f"{today.year}-S{1 if today.month <= 6 else 2}", today)
    for element, action, unit, days, status in (
        ("u8", "Petugas pengaduan di meja informasi setiap hari kerja; nomor WhatsApp pengaduan di setiap loket.",
         "DPMPTSP · Bidang Pengaduan", 30, "in_progress"),
        ("u3", "Tambah satu loket Disdukcapil pada Senin dan Selasa, hari tersibuk.",
         "Disdukcapil · Kepala Bidang Pelayanan", 60, "planned"),
        ("u9", "Perbaikan pendingin ruangan dan penambahan kursi di ruang tunggu lantai dua.",
         "Sekretariat MPP", 90, "planned"),
    ):  # fmt: skip
        FollowUpAction.objects.create(
            region_id="64.72",
            period=period.code,
            period_start=period.start,
            period_end=period.end,
            element=element,
            action=action,
            unit=unit,
            target_date=today + dt.timedelta(days=days),
            status=status,
            recorded_by=manager,
        )
