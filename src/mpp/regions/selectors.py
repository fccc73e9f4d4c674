"""Reads of the region tree. Regions are public reference data: no user scoping."""

import re

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.functions import Upper

from .models import Level, Region


def regions(
    *, pilot: bool | None = None, level: int | None = None, parent: str | None = None, q: str | None = None
) -> QuerySet[Region]:
    """Regions filtered by pilot flag, level, direct parent and a name search, in code order."""
    queryset = Region.objects.only("code", "name", "level", "kind", "parent_id", "postal_code", "time_zone", "is_pilot")
    if pilot is not None:
        queryset = queryset.filter(is_pilot=pilot)
    if level is not None:
        queryset = queryset.filter(level=level)
    if parent:
        queryset = queryset.filter(parent_id=parent)
    if q:
        queryset = queryset.filter(name__icontains=q.strip())
    return queryset.order_by("code")


CODE_PATTERN = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")


#: How long the shared cache keeps a region: reference data, written only by ``load_regions`` (a reload with
#: new names shows everywhere within this time).
REGION_SECONDS = 3600


def level_of(code: str) -> Level | None:
    """The level a region's code says it is (its number of parts: ``64.72.03.1004`` is a village), without a
    query; None for anything that cannot be a code."""
    return Level(code.count(".") + 1) if CODE_PATTERN.fullmatch(code) else None


def region(code: str) -> Region | None:
    """One region by its code, or None (also for anything that cannot be a code, without a query). Found
    regions come from the cache after the first read: a filing, a kiosk or a region's page reads one on every
    request."""
    if not CODE_PATTERN.fullmatch(code):
        return None
    key = f"regions:region:{code}"
    found = cache.get(key)
    if found is None:
        found = Region.objects.filter(code=code).first()
        if found is not None:
            cache.set(key, found, REGION_SECONDS)
    return found


def ancestors(region: Region) -> list[Region]:
    """The region's parents, province first, in one query (the codes are prefixes of its own)."""
    parts = region.code.split(".")
    codes = [".".join(parts[:i]) for i in range(1, len(parts))]
    return list(Region.objects.filter(code__in=codes).order_by("level")) if codes else []


def regency_code_of(code: str) -> str | None:
    """The kabupaten/kota a region belongs to (itself when it is one); None for a province."""
    parts = code.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def search_regencies(q: str, *, limit: int = 10) -> list[Region]:
    """Kabupaten/kota whose name matches, pilot regions and prefix matches first, for the region picker."""
    term = q.strip()
    if not term:
        return []
    matches = Region.objects.filter(level=Level.REGENCY).filter(
        Q(name__icontains=term) | Q(parent__name__icontains=term)
    )
    found = list(matches.select_related("parent").order_by("-is_pilot", "name")[:50])
    plain = term.lower()
    found.sort(key=lambda r: (not r.is_pilot, not _bare(r.name).startswith(plain), r.name))
    return found[:limit]


def search_villages(q: str, *, limit: int = 10) -> list[Region]:
    """Villages and kelurahan whose name starts with ``q`` (then those containing it), with their kecamatan and
    kabupaten/kota, for the region picker: one query over the name index."""
    term = q.strip().upper()
    if len(term) < 3:
        return []
    found = list(
        Region.objects.annotate(upper_name=Upper("name"))
        .filter(level=Level.VILLAGE, upper_name__startswith=term)
        .select_related("parent__parent")
        .order_by("upper_name", "code")[:limit]
    )
    return found


def _bare(name: str) -> str:
    lowered = name.lower()
    for prefix in ("kabupaten ", "kota "):
        if lowered.startswith(prefix):
            return lowered[len(prefix) :]
    return lowered
