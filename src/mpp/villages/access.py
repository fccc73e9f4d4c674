"""Who may keep a village's page and directory: the one place that decides.

A village's own staff (its officer and its lurah or kepala desa: roles on the village's agency) keep their
village only. The region's MPP manager keeps every village of the kabupaten/kota, and the ministry every
village. Anyone else is told the page does not exist.
"""

from mpp.catalog.models import Agency
from mpp.core.tenancy import region_scope
from mpp.identity.access import has_role
from mpp.identity.models import VILLAGE_ROLES, Role
from mpp.identity.selectors import agency_roles


def staff_villages(user) -> list[str]:
    """The villages whose staff ``user`` is (usually one)."""
    agencies = {agency for agency, role in agency_roles(user) if role in VILLAGE_ROLES}
    if not agencies:
        return []
    return list(Agency.objects.filter(pk__in=agencies, village__isnull=False).values_list("village_id", flat=True))


def may_keep(user, village_code: str) -> bool:
    """Whether ``user`` may change the village's office details, fees and RT/RW directory."""
    if village_code in staff_villages(user):
        return True
    return has_role(user, Role.MPP_MANAGER, Role.MINISTRY) and region_scope(user).allows(village_code)
