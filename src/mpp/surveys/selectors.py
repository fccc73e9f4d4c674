"""Reads of the survey: the invitation a citizen or a kiosk opens, and the index of a region, of every region and
of a service, from the figures only: a constant number of queries whatever the number of answers (a region's
year is a few hundred figure rows, every region's a few thousand).

A region's and the nation's index are shared between readers through the cache for a minute, under a
generation the worker's refresh changes whenever it recounts something (``GENERATION_KEY``, as the
statistics do): a new answer shows within a minute or two.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils.translation import get_language

from mpp.catalog.models import Service
from mpp.core.tenancy import RegionScope
from mpp.regions.models import Level, Region

from .ikm import Scores
from .models import Answer, FollowUpAction, IndexFigure, Invitation, Kind
from .periods import Period
from .questionnaire import ELEMENTS

GENERATION_KEY = "surveys:generation"
CACHE_SECONDS = 60
SUMS = {
    "n": Sum("respondents"),
    "served": Sum("served"),
    **{f"s{element.number}": Sum(element.field) for element in ELEMENTS},
}


def generation() -> str:
    """Changes whenever the refresh or a rebuild changes figures: part of every cached index's key."""
    return cache.get(GENERATION_KEY) or "0"


def new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _cached(kind: str, key: str, period: Period, compute):
    """What ``compute`` returns, shared by every reader of this index and period until the figures change."""
    full = f"surveys:{generation()}:{get_language()}:{kind}:{key}:{period.code}:{period.first}"
    found = cache.get(full)
    if found is None:
        found = compute()
        cache.set(full, found, CACHE_SECONDS)
    return found


# --- who may answer -----------------------------------------------------------------------------


def invitation_of_application(application) -> Invitation | None:
    """The application's invitation, if it has one (answered or not)."""
    return Invitation.objects.filter(kind=Kind.APPLICATION, reference=str(application.pk)).first()


def invitation_of_visit(ticket) -> Invitation | None:
    """The queue ticket's invitation, if it has one (answered or not)."""
    return Invitation.objects.filter(kind=Kind.VISIT, reference=str(ticket.pk)).first()


def is_answered(invitation: Invitation | None) -> bool:
    return invitation is not None and Answer.objects.filter(invitation=invitation).exists()


def regency(code: str) -> Region | None:
    """A kabupaten/kota (the level whose MPP the survey rates), with its province."""
    return Region.objects.filter(code=code, level=Level.REGENCY).select_related("parent").first()


def services_of(region_code: str) -> list[tuple[str, str]]:
    """(id, name) of the region's active services, for the public survey's choice."""
    english = get_language() == "en"
    rows = (
        Service.objects.filter(region_id=region_code, is_active=True)
        .order_by("template__name")
        .values_list("pk", "template__name", "template__name_en")
    )
    return [(str(pk), (name_en if english and name_en else name)) for pk, name, name_en in rows]


# --- the index ----------------------------------------------------------------------------------


@dataclass
class Row:
    """A service, an agency or a region, and its scores."""

    key: str
    name: str
    scores: Scores
    #: For a service: its agency's name; for a region: its province's.
    parent: str = ""


@dataclass
class RegionIndex:
    region_code: str
    period: Period
    #: Answers tied to a served transaction: the index.
    linked: Scores
    #: Answers of the open public survey: counted, shown apart, never in the index.
    open: Scores
    services: list[Row] = field(default_factory=list)
    agencies: list[Row] = field(default_factory=list)


def region_index(region_code: str, period: Period) -> RegionIndex:
    """The region's index over ``period``, and each service's and agency's: one query (none when cached)."""
    return _cached("region", region_code, period, lambda: _region_index(region_code, period))


def _region_index(region_code: str, period: Period) -> RegionIndex:
    english = get_language() == "en"
    rows = (
        IndexFigure.objects.filter(region_id=region_code, month__range=(period.first, period.last))
        .values(
            "is_linked",
            "service_id",
            "agency_id",
            "service__template__name",
            "service__template__name_en",
            "agency__name",
        )
        .annotate(**SUMS)
        .order_by()
    )
    linked, opened = Scores(), Scores()
    services: dict = {}
    agencies: dict = {}
    for row in rows:
        scores = Scores.of(row)
        if not row["is_linked"]:
            opened += scores
            continue
        linked += scores
        name = row["service__template__name_en"] if english and row["service__template__name_en"] else None
        service = services.setdefault(
            row["service_id"],
            Row(str(row["service_id"]), name or row["service__template__name"], Scores(), row["agency__name"]),
        )
        service.scores += scores
        agency = agencies.setdefault(row["agency_id"], Row(str(row["agency_id"]), row["agency__name"], Scores()))
        agency.scores += scores
    return RegionIndex(
        region_code=region_code,
        period=period,
        linked=linked,
        open=opened,
        services=sorted(services.values(), key=lambda row: (row.parent, row.name)),
        agencies=sorted(agencies.values(), key=lambda row: row.name),
    )


def region_scores(region_code: str, period: Period) -> Scores:
    """The region's index alone (its portal page's summary): one query."""
    return _split(Q(region_id=region_code), period)[0]


def service_scores(service_id, period: Period) -> tuple[Scores, Scores]:
    """A service's index and its open answers over ``period`` (its public page): one query."""
    return _split(Q(service_id=service_id), period)


def _split(condition: Q, period: Period) -> tuple[Scores, Scores]:
    found = {True: Scores(), False: Scores()}
    rows = (
        IndexFigure.objects.filter(condition, month__range=(period.first, period.last))
        .values("is_linked")
        .annotate(**SUMS)
        .order_by()
    )
    for row in rows:
        found[row["is_linked"]] = Scores.of(row)
    return found[True], found[False]


@dataclass
class NationalIndex:
    period: Period
    #: Every region offering services on the platform (or with answers), by province and name.
    regions: list[Row]
    #: Open answers per region code (not in the index).
    open: dict[str, int]
    total: Scores


def national_index(period: Period) -> NationalIndex:
    """Every active region's index over ``period``: two queries (none when cached)."""
    return _cached("national", "", period, lambda: _national_index(period))


def _national_index(period: Period) -> NationalIndex:
    by_region: dict[str, Scores] = defaultdict(Scores)
    opened: dict[str, int] = {}
    rows = (
        IndexFigure.objects.filter(month__range=(period.first, period.last))
        .values("region_id", "is_linked")
        .annotate(**SUMS)
        .order_by()
    )
    for row in rows:
        if row["is_linked"]:
            by_region[row["region_id"]] = Scores.of(row)
        else:
            opened[row["region_id"]] = row["n"] or 0
    offering = Service.objects.filter(is_active=True).values("region_id")
    regions = (
        Region.objects.filter(Q(code__in=offering) | Q(code__in=set(by_region) | set(opened)), level=Level.REGENCY)
        .order_by("parent__name", "name")
        .values_list("code", "name", "parent__name")
    )
    listed = [Row(code, name, by_region.get(code, Scores()), province) for code, name, province in regions]
    total = sum((row.scores for row in listed), Scores())
    return NationalIndex(period=period, regions=listed, open=opened, total=total)


# --- the follow-up plan and the manager's reading -----------------------------------------------


def actions_of(region_code: str, period: Period) -> list[FollowUpAction]:
    """The region's follow-up actions for survey periods overlapping ``period``."""
    return list(
        FollowUpAction.objects.filter(region_id=region_code, period_start__lte=period.end, period_end__gte=period.start)
    )


def action_for(scope: RegionScope, action_id) -> FollowUpAction | None:
    """An action of the plan of a region in ``scope``, or None."""
    try:
        found = FollowUpAction.objects.filter(pk=action_id).first()
    except (ValueError, TypeError, ValidationError):
        return None
    return found if found is not None and not scope.is_national and scope.allows(found.region_id) else None


def suggestions_of(region_code: str, period: Period, *, limit: int = 50) -> list[dict]:
    """The latest suggestions left in the region's surveys, with the month and service only (never who)."""
    return list(
        Answer.objects.filter(region_id=region_code, month__range=(period.first, period.last))
        .exclude(suggestion="")
        .order_by("-id")
        .values("month", "is_linked", "service__template__name", "suggestion")[:limit]
    )


@dataclass
class ExportRow:
    region_code: str
    region_name: str
    level: str  # "region", "agency" or "service"
    agency: str
    service: str
    scores: Scores
    open: int = 0


def export_rows(scope: RegionScope, period: Period, region_code: str = "") -> list[ExportRow]:
    """Each region in ``scope`` (or only ``region_code``), then its agencies and its services, with their
    scores: one query. Counts and sums only; nothing about a respondent."""
    figures = IndexFigure.objects.filter(month__range=(period.first, period.last))
    figures = scope.filter(figures) if not region_code else figures.filter(region_id=region_code)
    rows = (
        figures.values(
            "region_id",
            "region__name",
            "is_linked",
            "agency_id",
            "agency__name",
            "service_id",
            "service__template__name",
        )
        .annotate(**SUMS)
        .order_by("region_id")
    )
    regions: dict[str, dict] = {}
    for row in rows:
        region = regions.setdefault(
            row["region_id"],
            {"name": row["region__name"], "total": Scores(), "open": 0, "agencies": {}, "services": {}},
        )
        scores = Scores.of(row)
        if not row["is_linked"]:
            region["open"] += scores.respondents
            continue
        region["total"] += scores
        agency = region["agencies"].setdefault(row["agency_id"], [row["agency__name"], Scores()])
        agency[1] += scores
        service = region["services"].setdefault(
            row["service_id"], [row["agency__name"], row["service__template__name"], Scores()]
        )
        service[2] += scores
    exported = []
    for code in sorted(regions):
        region = regions[code]
        exported.append(ExportRow(code, region["name"], "region", "", "", region["total"], region["open"]))
        for name, scores in sorted(region["agencies"].values(), key=lambda item: item[0]):
            exported.append(ExportRow(code, region["name"], "agency", name, "", scores))
        for agency, name, scores in sorted(region["services"].values(), key=lambda item: (item[0], item[1])):
            exported.append(ExportRow(code, region["name"], "service", agency, name, scores))
    return exported
