"""The demo village for `make run`: Kelurahan Air Putih in Samarinda, where the demo citizen Siti Rahmawati
lives (RT 014/RW 005 in the registry simulator's demo population), with its staff, its lurah and its RT/RW heads.
Demo mode only, like every demo account."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from mpp.catalog.models import Agency
from mpp.identity.models import Role, RoleAssignment, User
from mpp.regions.models import Region
from mpp.villages.models import NeighbourhoodHead
from mpp.villages.services import change_office, village_agency

from .accounts import DEMO_PASSWORD

VILLAGE = "64.72.03.1004"  # Kelurahan Air Putih, Kecamatan Samarinda Ulu
STAFF = [
    ("petugas.airputih", "Petugas Kelurahan Air Putih", Role.VILLAGE_OFFICER),
    ("lurah.airputih", "Lurah Air Putih", Role.VILLAGE_HEAD),
]
#: (kind, RW, RT, name, phone): the demo gateway shows what is sent to these numbers.
HEADS = [
    ("rt", "005", "014", "Hasan Basri", "081234500514"),
    ("rt", "005", "015", "Nur Aini", "081234500515"),
    ("rw", "005", "", "Rahmat Hidayat", "081234500500"),
]


@transaction.atomic
def seed_demo_village() -> list[str]:
    """Create (or reset) the demo village's staff, office and RT/RW directory; returns the staff usernames."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("The demo village is created only when MPP_DEMO_MODE=true.")
    village = Region.objects.get(code=VILLAGE)
    region_agency = Agency.objects.get(region_id="64.72", kind__code="pemdes", village=None)
    agency = village_agency(village, region_agency=region_agency)
    for username, name, role in STAFF:
        first, _, last = name.partition(" ")
        user, _new = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": True,
                "email": f"{username}@demo.mpp.go.id",
                "email_verified_at": timezone.now(),
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=role, region_id="64.72", agency=agency)
    change_office(
        village=village,
        by=None,
        head_name="Andi Firmansyah, S.STP.",
        address="Jl. Juanda No. 40, Air Putih, Samarinda Ulu",
        phone="0541741234",
    )
    for kind, rw, rt, name, phone in HEADS:
        NeighbourhoodHead.objects.update_or_create(
            village=village, kind=kind, rw=rw, rt=rt, is_active=True, defaults={"name": name, "phone": phone}
        )
    return [username for username, _name, _role in STAFF]
