"""Reads of onboarding: where each region stands, the ministry's queue, and who may see a request."""

from django.db.models import Count, QuerySet

from mpp.regions.models import Level, Region

from .models import Participation, Stage


def active_region_codes() -> set[str]:
    """The kabupaten/kota codes where MPP Digital is active."""
    return set(Participation.objects.filter(stage=Stage.ACTIVE).values_list("region_id", flat=True))


def stage_counts(province_code: str | None = None) -> dict[str, int]:
    """How many kabupaten/kota stand at each stage (every ``Stage`` value, ``not_requested`` included),
    nationally or in one province. Two grouped counts, whatever the number of regions."""
    regions = Region.objects.filter(level=Level.REGENCY)
    participations = Participation.objects.all()
    if province_code:
        regions = regions.filter(parent_id=province_code)
        participations = participations.filter(region__parent_id=province_code)
    counts = dict.fromkeys(Stage.values, 0)
    for row in participations.values("stage").annotate(n=Count("region")).order_by():
        counts[row["stage"]] = row["n"]
    counts[Stage.NOT_REQUESTED] = regions.count() - sum(counts.values())
    return counts


def participations() -> QuerySet[Participation]:
    return Participation.objects.select_related("region", "region__parent")
