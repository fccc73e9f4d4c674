"""Demo accounts for `make run`. They exist only in demo mode (MPP_DEMO_MODE=true):
the password below is public, so nothing else may ever create these accounts."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from mpp.catalog.models import Agency
from mpp.identity.models import AssuranceLevel, Role, RoleAssignment, User
from mpp.regions.models import Region

DEMO_PASSWORD = "demo-mpp-2026"

# Citizens of the registry simulator's fixed demo population (python -m simulators.dukcapil demo-persons).
# Their registry data is read from the registry at first sign-in, like anyone's.
DEMO_CITIZENS = [
    # NIK, e-mail, level of assurance
    ("6472035204900001", "siti@demo.mpp.go.id", AssuranceLevel.NIK_VERIFIED),  # Siti Rahmawati, mother of two
    ("3372013001790001", "joko@demo.mpp.go.id", AssuranceLevel.NIK_VERIFIED),  # Joko Widodo Pratama, Surakarta
    # Dewi Lestari, a nurse in Samarinda with a valid STR in SISDMK: face-verified, so she can apply for a SIP.
    ("6472054211950001", "dewi@demo.mpp.go.id", AssuranceLevel.FACE_VERIFIED),
]

DEMO_STAFF = [
    # username, name, role, region, agency kind (officers only)
    ("kemenpanrb", "Admin KemenPANRB", Role.MINISTRY, None, None),
    ("pengelola.samarinda", "Pengelola MPP Kota Samarinda", Role.MPP_MANAGER, "64.72", None),
    ("pengelola.surakarta", "Pengelola MPP Kota Surakarta", Role.MPP_MANAGER, "33.72", None),
    ("verifikator.samarinda", "Verifikator Disdukcapil Samarinda", Role.VERIFIER, "64.72", "disdukcapil"),
    ("kadis.samarinda", "Kepala Disdukcapil Samarinda", Role.APPROVER, "64.72", "disdukcapil"),
    ("loket.samarinda", "Petugas Loket Disdukcapil Samarinda", Role.COUNTER_OFFICER, "64.72", "disdukcapil"),
    ("pengaduan.samarinda", "Petugas Pengaduan Disdukcapil Samarinda", Role.COMPLAINT_OFFICER, "64.72", "disdukcapil"),
    ("verifikator.dinkes.samarinda", "Verifikator Dinas Kesehatan Samarinda", Role.VERIFIER, "64.72", "dinkes"),
    ("kadinkes.samarinda", "Kepala Dinas Kesehatan Samarinda", Role.APPROVER, "64.72", "dinkes"),
    ("bendahara.samarinda", "Bendahara Penerimaan Kota Samarinda", Role.TREASURER, "64.72", None),
]


@transaction.atomic
def seed_demo_accounts() -> list[str]:
    """Create (or reset) the demo staff accounts. Refuses outside demo mode."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo accounts are created only when MPP_DEMO_MODE=true.")
    if not Region.objects.filter(code__in=[region for *_rest, region, _kind in DEMO_STAFF if region]).exists():
        raise ImproperlyConfigured("Load the regions first (manage.py load_regions): demo managers belong to one.")
    created = []
    for username, name, role, region, kind in DEMO_STAFF:
        first, _, last = name.partition(" ")
        user, _new = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": True,
                "email": f"{username}@demo.mpp.go.id",
                # Confirmed, so notices (monev reminders, overdue applications) reach the demo mailbox.
                "email_verified_at": timezone.now(),
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        agency = Agency.objects.get(region_id=region, kind__code=kind) if kind else None
        RoleAssignment.objects.get_or_create(user=user, role=role, region_id=region, agency=agency)
        created.append(username)
    now = timezone.now()
    for nik, email, level in DEMO_CITIZENS:
        user, _new = User.objects.update_or_create(
            username=nik,
            defaults={
                "nik": nik,
                "email": email,
                "email_verified_at": now,
                "assurance_level": level,
                "nik_verified_at": now,
                "face_verified_at": now if level >= AssuranceLevel.FACE_VERIFIED else None,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        created.append(nik)
    return created
