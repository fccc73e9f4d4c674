"""Who may work which MPP's line: the one place that decides.

A counter officer works the counters of their agencies (``Role.COUNTER_OFFICER``) at the MPPs of their
region; an MPP manager runs the queue of the MPPs of their regions (hours, capacities, announcement,
figures). Anyone else is told the counter or the MPP does not exist.
"""

from django.db.models import F, QuerySet

from mpp.catalog.models import Counter, Mpp
from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles


def _counter_agencies(user) -> list:
    """The agencies whose counters ``user`` may sit at."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return []
    return [agency for agency, role in agency_roles(user) if role == Role.COUNTER_OFFICER]


def counters_of(user) -> QuerySet[Counter]:
    """The counters ``user`` may sit at, in MPP and number order."""
    agencies = _counter_agencies(user)
    return (
        # An agency belongs to one region: its counters at that region's MPPs.
        Counter.objects.filter(agency_id__in=agencies, mpp__region_id=F("agency__region_id"))
        .select_related("mpp__region", "agency__kind")
        .order_by("mpp__name", "number")
    )


def counter_for(user, counter_id) -> Counter | None:
    """The counter if ``user`` may sit at it, else None (a 404 for the caller): one query, by its key."""
    return counters_of(user).filter(pk=counter_id).order_by().first()


def managed_mpps(user) -> QuerySet[Mpp]:
    """The MPPs whose queue ``user`` runs: those of the regions they manage."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return Mpp.objects.none()
    regions = user.role_assignments.filter(role=Role.MPP_MANAGER).values("region_id")
    return Mpp.objects.filter(region_id__in=regions).select_related("region").order_by("name")
