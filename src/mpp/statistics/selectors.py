"""Reads of the statistics: a scope's measures over a period and the one before, by child, in a constant
number of queries whatever the number of regions.

A scope is the nation, a province or a kabupaten/kota, optionally narrowed to one national service
template. Its children are what the dashboard ranks: the provinces of the nation, the kabupaten/kota
of a province, the services of a kabupaten/kota. Every figure comes from the aggregate tables
(``ReceivedFigure``, ``DecidedFigure``, and ``OpenFigure`` for what is overdue at this minute).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q, Subquery, Sum
from django.utils import timezone

from mpp.catalog.models import Mode, Service, ServiceTemplate
from mpp.core.tenancy import NATIONAL, RegionScope
from mpp.regions.models import Level, Region

from .measures import COMPARED, Measures, median_across
from .models import DecidedFigure, OpenFigure, Outcome, ReceivedFigure
from .periods import Period

#: Templates whose approvals are health-worker practice permits (SIP, ``permits/sip.py``).
HEALTH_WORKER_PERMITS = ("sip-tenaga-kesehatan",)


GENERATION_KEY = "statistics:generation"


def generation() -> str:
    """Changes whenever the refresh or a rebuild changes figures: part of every cached figure's key."""
    return cache.get(GENERATION_KEY) or "0"


@dataclass(frozen=True)
class Scope:
    region: Region | None = None  # a province or a kabupaten/kota; None: the nation
    template: ServiceTemplate | None = None

    @property
    def level(self) -> int:
        return self.region.level if self.region else 0

    @property
    def region_code(self) -> str:
        return self.region.code if self.region else ""

    @property
    def template_slug(self) -> str:
        return self.template.slug if self.template else ""

    @property
    def children(self) -> str | None:
        """What the scope is broken down into: "province", "regency", "service", or None."""
        if self.region is None:
            return "province"
        if self.region.level == Level.PROVINCE:
            return "regency"
        return None if self.template else "service"

    def figures(self, queryset):
        """Figure rows of this scope."""
        if self.region is not None:
            column = "province_id" if self.region.level == Level.PROVINCE else "region_id"
            queryset = queryset.filter(**{column: self.region.code})
        if self.template is not None:
            queryset = queryset.filter(template_id=self.template.pk)
        return queryset


def scope(*, region_code: str = "", template_slug: str = "", allowed: RegionScope = NATIONAL) -> Scope | None:
    """The scope these codes name, if ``allowed`` lets its reader see it; None when unknown or not theirs."""
    region = template = None
    if region_code:
        if not allowed.allows(region_code):
            return None
        region = Region.objects.filter(code=region_code, level__lte=Level.REGENCY).select_related("parent").first()
        if region is None:
            return None
    elif not allowed.is_national:
        return None
    if template_slug:
        template = ServiceTemplate.objects.filter(slug=template_slug, mode=Mode.APPLICATION).first()
        if template is None:
            return None
    return Scope(region, template)


@dataclass
class Row:
    """One child of the scope: a region (``code``) or a service (``slug``), and its measures."""

    code: str
    name: str
    measures: Measures
    slug: str = ""


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    previous: Period
    current: Measures
    before: Measures
    rows: list[Row] = field(default_factory=list)
    #: (label, received, decided) for each month or day of the period.
    trend: list[tuple[str, int, int]] = field(default_factory=list)


def dashboard(the_scope: Scope, period: Period, *, now=None, overdue: bool = True) -> Dashboard:
    """The scope's measures over ``period`` and the previous period, and each child's: six queries, and one
    more for what is ``overdue`` now."""
    now = now or timezone.now()
    previous = period.previous()
    child = _child_column(the_scope)
    by_child: dict[str, Measures] = defaultdict(Measures)
    current, before = Measures(overdue=0 if overdue else None), Measures()
    received = the_scope.figures(ReceivedFigure.objects).filter(
        grain=period.grain, start__range=(previous.start, period.end)
    )
    now_q, before_q = Q(start__gte=period.start), Q(start__lte=previous.end)
    for row in (
        received.values(*filter(None, [child, "channel"]))
        .annotate(n=Sum("count", filter=now_q), n_before=Sum("count", filter=before_q))
        .order_by()
    ):
        for measures, n in ((current, row["n"]), (before, row["n_before"])):
            measures.received += n or 0
            measures.channels[row["channel"]] += n or 0
        if child:
            by_child[row[child]].received += row["n"] or 0
            by_child[row[child]].channels[row["channel"]] += row["n"] or 0
    decided = the_scope.figures(DecidedFigure.objects).filter(
        grain=period.grain, start__range=(previous.start, period.end)
    )
    for row in _decisions(decided, period, previous, child):
        _add_decisions(current, row, "")
        _add_decisions(before, row, "_before")
        if child:
            _add_decisions(by_child[row[child]], row, "")
    for key, n in (_overdue(the_scope, now) if overdue else {}).items():
        current.overdue += n
        if child:
            by_child[key].overdue = n
    return Dashboard(
        scope=the_scope,
        period=period,
        previous=previous,
        current=current,
        before=before,
        rows=_rows(the_scope, by_child),
        trend=_trend(the_scope, period),
    )


def regions_compared(the_scope: Scope, period: Period, *, now=None) -> dict[str, float | None]:
    """The median across kabupaten/kota of each measure over ``period`` (for the scope's service, if it
    has one): what a region manager's figures are compared with. Regions that neither received nor
    decided anything in the period are left out. Three queries."""
    now = now or timezone.now()
    national = Scope(None, the_scope.template)
    by_region: dict[str, Measures] = defaultdict(Measures)
    received = national.figures(ReceivedFigure.objects).filter(
        grain=period.grain, start__range=(period.start, period.end)
    )
    for row in received.values("region_id").annotate(n=Sum("count")).order_by():
        by_region[row["region_id"]].received = row["n"]
    decided = national.figures(DecidedFigure.objects).filter(
        grain=period.grain, start__range=(period.start, period.end)
    )
    for row in _decisions(decided, period, period.previous(), "region_id"):
        _add_decisions(by_region[row["region_id"]], row, "")
    overdue = national.figures(OpenFigure.objects).filter(due_at__lt=now)
    overdue = dict(overdue.values("region_id").annotate(n=Sum("count")).order_by().values_list("region_id", "n"))
    for region_id, measures in by_region.items():
        measures.overdue = overdue.get(region_id, 0)
    regions = list(by_region.values())
    return {name: median_across(regions, name) for name in COMPARED}


# --- the queries -----------------------------------------------------------------------------------


def _child_column(the_scope: Scope) -> str | None:
    return {"province": "province_id", "regency": "region_id", "service": "template_id"}.get(the_scope.children)


def _decisions(decided, period: Period, previous: Period, child: str | None):
    """Decision rows summed by child, outcome and working days, for the period and the previous one."""
    now_q, before_q = Q(start__gte=period.start), Q(start__lte=previous.end)
    permits = Q(
        outcome=Outcome.APPROVED,
        template_id__in=Subquery(ServiceTemplate.objects.filter(slug__in=HEALTH_WORKER_PERMITS).values("pk")),
    )
    sums = {}
    for suffix, when, since in (("", now_q, period.start), ("_before", before_q, previous.start)):
        sums |= {
            f"n{suffix}": Sum("count", filter=when),
            f"in_time{suffix}": Sum("on_time", filter=when),
            f"settled{suffix}": Sum("count", filter=when & Q(received_start__gte=since)),
            f"permits{suffix}": Sum("count", filter=when & permits),
        }
    columns = filter(None, [child, "outcome", "working_days"])
    return decided.values(*columns).annotate(**sums).order_by()


def _add_decisions(measures: Measures, row: dict, suffix: str) -> None:
    n = row[f"n{suffix}"] or 0
    if not n:
        return
    if row["outcome"] == Outcome.APPROVED:
        measures.approved += n
    else:
        measures.rejected += n
    measures.on_time += row[f"in_time{suffix}"] or 0
    measures.settled += row[f"settled{suffix}"] or 0
    measures.permits += row[f"permits{suffix}"] or 0
    measures.days[row["working_days"]] += n


def _overdue(the_scope: Scope, now) -> dict:
    """Applications overdue now, by child (under "" for a scope without children)."""
    child = _child_column(the_scope)
    overdue = the_scope.figures(OpenFigure.objects).filter(due_at__lt=now)
    if child is None:
        return {"": overdue.aggregate(n=Sum("count"))["n"] or 0}
    return dict(overdue.values(child).annotate(n=Sum("count")).order_by().values_list(child, "n"))


def _rows(the_scope: Scope, by_child: dict[str, Measures]) -> list[Row]:
    """Every child of the scope, with its measures (zero when it had none): one query for their names."""
    children = the_scope.children
    if children is None:
        return []
    if children == "service":
        services = (
            Service.objects.filter(region_id=the_scope.region.code, mode=Mode.APPLICATION)
            .values_list("template_id", "template__slug", "template__name")
            .order_by("template__name")
        )
        return [
            Row(the_scope.region.code, name, _with_overdue(by_child.get(pk)), slug=slug) for pk, slug, name in services
        ]
    regions = Region.objects.filter(level=Level.PROVINCE) if children == "province" else the_scope.region.children
    return [
        Row(code, name, _with_overdue(by_child.get(code)))
        for code, name in regions.order_by("code").values_list("code", "name")
    ]


def _with_overdue(measures: Measures | None) -> Measures:
    measures = measures or Measures()
    if measures.overdue is None:
        measures.overdue = 0
    return measures


def _trend(the_scope: Scope, period: Period) -> list[tuple[str, int, int]]:
    """Received and decided in each month (or day) of the period: two queries."""
    window = {"grain": period.grain, "start__range": (period.start, period.end)}
    received, decided = (
        dict(
            the_scope.figures(model.objects)
            .filter(**window)
            .values("start")
            .annotate(n=Sum("count"))
            .order_by()
            .values_list("start", "n")
        )
        for model in (ReceivedFigure, DecidedFigure)
    )
    return [(label, received.get(start, 0), decided.get(start, 0)) for start, label in period.slices()]
