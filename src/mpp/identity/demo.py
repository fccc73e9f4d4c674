"""Demo accounts for `make run`. They exist only in demo mode (MPP_DEMO_MODE=true):
the password below is public, so nothing else may ever create these accounts."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .models import Role, RoleAssignment, User

DEMO_PASSWORD = "demo-mpp-2026"

DEMO_STAFF = [
    # username, name, role, region
    ("kemenpanrb", "Admin KemenPANRB", Role.MINISTRY, None),
    ("pengelola.samarinda", "Pengelola MPP Kota Samarinda", Role.MPP_MANAGER, "64.72"),
    ("pengelola.surakarta", "Pengelola MPP Kota Surakarta", Role.MPP_MANAGER, "33.72"),
]


@transaction.atomic
def seed_demo_accounts() -> list[str]:
    """Create (or reset) the demo staff accounts. Refuses outside demo mode."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo accounts are created only when MPP_DEMO_MODE=true.")
    created = []
    for username, name, role, region in DEMO_STAFF:
        first, _, last = name.partition(" ")
        user, _new = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": True,
                "email": f"{username}@demo.mpp.go.id",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=role, region_id=region)
        created.append(username)
    return created
