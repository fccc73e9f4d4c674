"""The zone a person reads times in when what is shown has no region of its own (a session, a consent).

A record that belongs to a region (an application, an issued document) is shown in that region's
zone (``mpp.core.clock``). Anything else about a person is shown in their home zone: an officer's
or MPP manager's region, a citizen's kabupaten/kota (the first four digits of the NIK), or the
server's zone for anyone else (the ministry, an account without a NIK).
"""

from django.conf import settings

from mpp.regions.models import Region


def home_zone(user) -> str:
    """The IANA zone name of ``user``'s region; the server's when there is none. One query at most, cached."""
    if not getattr(user, "is_authenticated", False):
        return settings.TIME_ZONE
    cached = getattr(user, "_home_zone", None)
    if cached is None:
        cached = _staff_zone(user) if user.is_staff else ""
        cached = cached or _citizen_zone(user.nik or "") or settings.TIME_ZONE
        user._home_zone = cached
    return cached


def _staff_zone(user) -> str:
    return (
        user.role_assignments.filter(region__isnull=False)
        .order_by("created_at")
        .values_list("region__time_zone", flat=True)
        .first()
        or ""
    )


def _citizen_zone(nik: str) -> str:
    if len(nik) != 16 or not nik.isdigit():
        return ""
    code = f"{nik[:2]}.{nik[2:4]}"
    return Region.objects.filter(code=code).values_list("time_zone", flat=True).first() or ""
