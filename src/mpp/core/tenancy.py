"""Who may see which region's records: the one place that decides.

Every record belongs to a kabupaten/kota (its ``region``). The ministry and
superusers see every region; an MPP manager sees the regions they are assigned
to; anyone else sees none.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class RegionScope:
    codes: frozenset[str] | None  # None means national: every region

    @property
    def is_national(self) -> bool:
        return self.codes is None

    @property
    def is_empty(self) -> bool:
        return self.codes is not None and not self.codes

    def allows(self, code: str | None) -> bool:
        if self.codes is None:
            return True
        return code is not None and code[:5] in self.codes

    def filter(self, queryset: QuerySet, field: str = "region") -> QuerySet:
        """The queryset limited to this scope; ``field`` is the path to the region foreign key."""
        if self.codes is None:
            return queryset
        return queryset.filter(**{f"{field}__in": self.codes})

    def filter_regions(self, queryset: QuerySet) -> QuerySet:
        """Regions inside the scope: the assigned kabupaten/kota and everything below them."""
        if self.codes is None:
            return queryset
        condition = Q(pk__in=[])
        for code in self.codes:
            condition |= Q(code=code) | Q(code__startswith=f"{code}.")
        return queryset.filter(condition)


NONE = RegionScope(frozenset())
NATIONAL = RegionScope(None)


def region_scope(user) -> RegionScope:
    """The scope of a signed-in staff member, computed once per request and kept on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return NONE
    cached = getattr(user, "_region_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = NATIONAL
    else:
        assignments = list(user.role_assignments.values_list("role", "region_id"))
        if any(role == "ministry" for role, _region in assignments):
            scope = NATIONAL
        else:
            scope = RegionScope(frozenset(region for role, region in assignments if role == "mpp_manager"))
    user._region_scope = scope
    return scope
