"""Who handles which complaint: the one place that decides.

A region's MPP managers triage and follow every complaint of their region; an agency's complaint
officers (and its approvers, the agency's head, who receive the overdue ones) handle those routed to
their agency, and may acknowledge them too. Anyone else is told the complaint does not exist.
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from mpp.applications.models import normalise_tracking_number
from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles
from mpp.registry.selectors import person_record

from .models import Complaint

#: Agency roles that work complaints.
HANDLING_ROLES = frozenset({Role.COMPLAINT_OFFICER, Role.APPROVER})
PREFIX = "ADU-"


@dataclass(frozen=True)
class Handler:
    regions: frozenset[str]
    agencies: frozenset

    @property
    def is_empty(self) -> bool:
        return not self.regions and not self.agencies

    def filter(self, queryset: QuerySet) -> QuerySet:
        if self.is_empty:
            return queryset.none()
        return queryset.filter(Q(region_id__in=self.regions) | Q(agency_id__in=self.agencies))

    def may_handle(self, complaint: Complaint) -> bool:
        return complaint.region_id in self.regions or complaint.agency_id in self.agencies

    def manages(self, complaint: Complaint) -> bool:
        return complaint.region_id in self.regions


def handler(user) -> Handler:
    """What ``user`` may handle, computed once per request and kept on the user."""
    cached = getattr(user, "_complaint_handler", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        found = Handler(frozenset(), frozenset())
    else:
        regions = frozenset(user.role_assignments.filter(role=Role.MPP_MANAGER).values_list("region_id", flat=True))
        agencies = frozenset(agency for agency, role in agency_roles(user) if role in HANDLING_ROLES)
        found = Handler(regions, agencies)
    user._complaint_handler = found
    return found


def normalise_number(typed: str) -> str:
    """A complaint number as stored, from what someone typed: ``ADU-`` and an application-style number."""
    compact = typed.strip().upper()
    if compact.startswith("ADU"):
        compact = compact[3:].lstrip("-").strip()
    return PREFIX + normalise_tracking_number(compact)


def name_of(user) -> str:
    """A citizen's name as the registry holds it (the account keeps none of its own), "" without one."""
    if user is None:
        return ""
    record = person_record(user.nik) if user.nik else None
    return record.data.get("name", "") if record else user.get_full_name()


def hash_secret(value: str, salt="") -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{salt}:{value}".encode()).hexdigest()


def secret_matches(complaint: Complaint, secret: str) -> bool:
    return bool(complaint.secret_hash) and hmac.compare_digest(
        complaint.secret_hash, hash_secret(secret.strip().upper())
    )
