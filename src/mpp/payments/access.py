"""Who may see which money: the one place that decides.

A bill is its payer's (``selectors.bill_of``). A region's revenue treasurer (``Role.TREASURER``) sees what the
region collected, its reconciliation and its mismatches; a counter officer takes cash for the bills of their
agencies. Anyone else is told the page does not exist.
"""

from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles


def treasurer_regions(user) -> list[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return []
    return list(user.role_assignments.filter(role=Role.TREASURER).values_list("region_id", flat=True))


def cash_agencies(user) -> list:
    """The agencies whose bills ``user`` may take cash for (a counter officer's)."""
    return [agency for agency, role in agency_roles(user) if role == Role.COUNTER_OFFICER]
