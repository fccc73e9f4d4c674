"""The index figures recounted from the invitations and the answers: some regions' months, or everything.

A slice is every figure row of one region in one month. Recounting deletes its rows and writes them
again from the source, so recounting twice gives the same rows and a recount is exact whatever was
there before. The population comes from the invitations (one per served transaction), the respondents
and the sums of each element from the answers, both by the month the transaction was served.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, Sum

from mpp.regions.models import Level, Region

from .models import Answer, IndexFigure, Invitation
from .questionnaire import ELEMENTS

BATCH = 5000
#: Regions recounted together: their rows are read at once (a busy region has a few thousand per year).
REGIONS_AT_ONCE = 50
ELEMENT_SUMS = {f"s{element.number}": Sum(element.field) for element in ELEMENTS}


def recount_slices(slices: Iterable[tuple[str, dt.date]]) -> None:
    """Recount the figures of these (region code, first day of the month) slices."""
    months_of: dict[str, set[dt.date]] = defaultdict(set)
    for region_id, month in slices:
        months_of[region_id].add(month)
    regions = sorted(months_of)
    for start in range(0, len(regions), REGIONS_AT_ONCE):
        condition = Q(pk__in=[])
        for region_id in regions[start : start + REGIONS_AT_ONCE]:
            condition |= Q(region_id=region_id, month__in=sorted(months_of[region_id]))
        _recount(condition)


def recount_everything() -> None:
    """Every figure from scratch, a few regions at a time."""
    IndexFigure.objects.all().delete()
    regions = set(Invitation.objects.order_by().values_list("region_id", flat=True).distinct())
    regions |= set(Answer.objects.order_by().values_list("region_id", flat=True).distinct())
    ordered = sorted(regions)
    for start in range(0, len(ordered), REGIONS_AT_ONCE):
        _recount(Q(region_id__in=ordered[start : start + REGIONS_AT_ONCE]))


def _recount(condition: Q) -> None:
    """Replace the figure rows matching ``condition`` (on region and month) with those the sources give."""
    IndexFigure.objects.filter(condition).delete()
    figures: dict[tuple, IndexFigure] = {}
    answered = (
        Answer.objects.filter(condition)
        .values("region_id", "month", "is_linked", "service_id", "agency_id")
        .annotate(n=Count("id"), **ELEMENT_SUMS)
        .order_by()
    )
    for row in answered:
        figure = _figure(figures, row, row["is_linked"])
        figure.respondents = row["n"]
        for element in ELEMENTS:
            setattr(figure, element.field, row[f"s{element.number}"])
    served = (
        Invitation.objects.filter(condition)
        .values("region_id", "month", "service_id", "agency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in served:
        _figure(figures, row, True).served = row["n"]
    if not figures:
        return
    provinces = dict(
        Region.objects.filter(code__in={key[0] for key in figures}, level=Level.REGENCY).values_list(
            "code", "parent_id"
        )
    )
    rows = list(figures.values())
    for figure in rows:
        figure.province_id = provinces[figure.region_id]
    IndexFigure.objects.bulk_create(rows, batch_size=BATCH)


def _figure(figures: dict, row: dict, is_linked: bool) -> IndexFigure:
    key = (row["region_id"], row["month"], is_linked, row["service_id"])
    figure = figures.get(key)
    if figure is None:
        figure = figures[key] = IndexFigure(
            region_id=row["region_id"],
            month=row["month"],
            is_linked=is_linked,
            service_id=row["service_id"],
            agency_id=row["agency_id"],
        )
    return figure
