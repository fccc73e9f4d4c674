"""Reads of monev, each scoped to who asks: the ministry sees every round and report, an MPP manager
the reports of their own kabupaten/kota. Anything outside the asker's scope is not found (None)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet

from mpp.applications.selectors import monev_figures
from mpp.core.tenancy import region_scope
from mpp.identity.access import has_role
from mpp.identity.models import Role
from mpp.onboarding import selectors as onboarding
from mpp.regions.models import Level, Region

from .models import (
    FIGURES,
    Obstacle,
    ObstacleCategory,
    Report,
    ReportChange,
    ReportingRound,
    ReportStatus,
)
from .workflow import ACTION_LABELS

SUBMITTED = Q(first_submitted_at__isnull=False)


def _by_id(queryset: QuerySet, pk):
    try:
        return queryset.filter(pk=pk).first()
    except (ValidationError, ValueError, TypeError):  # not a UUID
        return None


# --- the ministry ------------------------------------------------------------------------------


def rounds_overview() -> QuerySet[ReportingRound]:
    """Every round, newest first, with how many regions were asked, have submitted, were late, and
    whose report was accepted: one query."""
    return ReportingRound.objects.annotate(
        asked=Count("reports"),
        submitted=Count("reports", filter=Q(reports__first_submitted_at__isnull=False)),
        late=Count("reports", filter=Q(reports__is_late=True)),
        accepted=Count("reports", filter=Q(reports__status=ReportStatus.ACCEPTED)),
    ).order_by("-created_at")


def round_for_ministry(user, round_id) -> ReportingRound | None:
    if not has_role(user, Role.MINISTRY):
        return None
    return _by_id(ReportingRound.objects.all(), round_id)


@dataclass(frozen=True)
class Progress:
    asked: int
    submitted: int
    late: int
    missing: int
    waiting: int
    returned: int
    accepted: int


def round_reports(reporting_round: ReportingRound) -> list[Report]:
    """The round's reports with their regions, by region name: one query."""
    return list(
        Report.objects.filter(reporting_round=reporting_round)
        .select_related("region")
        .only(
            "id",
            "status",
            "submitted_at",
            "first_submitted_at",
            "is_late",
            "version",
            "region__code",
            "region__name",
            "region__time_zone",
            "reporting_round_id",
        )
        .order_by("region__name", "region__code")
    )


def progress(reports: list[Report]) -> Progress:
    """How far a round is, from its reports (no query)."""
    statuses = [report.status for report in reports]
    submitted = sum(report.was_submitted for report in reports)
    return Progress(
        asked=len(reports),
        submitted=submitted,
        late=sum(report.is_late for report in reports),
        missing=len(reports) - submitted,
        waiting=statuses.count(ReportStatus.SUBMITTED),
        returned=statuses.count(ReportStatus.RETURNED),
        accepted=statuses.count(ReportStatus.ACCEPTED),
    )


def report_for_ministry(user, round_id, region_code: str) -> Report | None:
    if not has_role(user, Role.MINISTRY):
        return None
    try:
        return (
            Report.objects.select_related("reporting_round", "region", "decree_file")
            .filter(reporting_round_id=round_id, region_id=region_code)
            .first()
        )
    except (ValidationError, ValueError, TypeError):
        return None


def active_region_codes() -> set[str]:
    """Where MPP Digital is active: the regions a round asks unless the ministry chooses (onboarding's answer)."""
    return onboarding.active_region_codes()


def selectable_regions(active_codes: set[str]) -> list[Region]:
    """The kabupaten/kota a round may ask: where MPP Digital is active, and the 2023 pilots. One query."""
    return list(
        Region.objects.filter(Q(pk__in=sorted(active_codes)) | Q(is_pilot=True), level=Level.REGENCY)
        .only("code", "name")
        .order_by("name", "code")
    )


# --- the region's manager ----------------------------------------------------------------------


def manager_reports(user) -> QuerySet[Report]:
    """The reports of the user's regions, newest round first, with their rounds: one query."""
    scope = region_scope(user)
    if scope.is_empty:
        return Report.objects.none()
    return scope.filter(Report.objects.select_related("reporting_round", "region")).order_by(
        "-reporting_round__created_at", "region__code"
    )


def manager_report(user, round_id, region_code: str = "") -> Report | None:
    """The user's region's report in the round (the one of ``region_code`` when they manage several);
    None for a round that did not ask them, or another region's report."""
    try:
        queryset = manager_reports(user).select_related("decree_file").filter(reporting_round_id=round_id)
        return (queryset.filter(region_id=region_code) if region_code else queryset).first()
    except (ValidationError, ValueError, TypeError):  # not a UUID
        return None


# --- both --------------------------------------------------------------------------------------


def report_visible_to(user, report_id) -> Report | None:
    """A report the ministry, or a manager of its region, may open; None for anyone else."""
    scope = region_scope(user)
    if scope.is_empty or not has_role(user, Role.MINISTRY, Role.MPP_MANAGER):
        return None
    return _by_id(scope.filter(Report.objects.select_related("decree_file", "region")), report_id)


def obstacles_of(report: Report) -> list[Obstacle]:
    return list(report.obstacles.all())


def history_of(report: Report) -> list[ReportChange]:
    """The report's moves, oldest first, each with its ``label`` for people: one query."""
    changes = list(ReportChange.objects.filter(report=report).order_by("at", "id"))
    for change in changes:
        change.label = ACTION_LABELS.get(change.action, change.action)
    return changes


def latest_return_note(history: list[ReportChange]) -> str:
    """What the ministry asked to revise, when the latest move returned the report; "" otherwise."""
    return history[-1].note if history and history[-1].action == "return" else ""


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    platform: int
    outside: int

    @property
    def total(self) -> int:
        return self.platform + self.outside


def figures_of(report: Report, *, live: bool | None = None) -> list[Figure]:
    """Items 2–4 of ``report``: the platform's count, the region's count outside it, and their sum.

    The platform's counts are current while the report is editable (``live`` None) and frozen once
    it was submitted; ``live`` False always reads the frozen ones (what the ministry received).
    """
    live = report.is_editable if live is None else live
    if live:
        period = report.reporting_round
        counted = monev_figures(report.region_id, period.period_start, period.period_end)
    else:
        counted = report.platform_figures or {}
    return [Figure(key, label, int(counted.get(key) or 0), getattr(report, f"{key}_outside")) for key, label in FIGURES]


# --- the ministry's dashboard ------------------------------------------------------------------


def dashboard_summary(region_codes: set[str] | None = None) -> dict:
    """The latest round at a glance, for the ministry's dashboard: ``round`` (the latest
    ``ReportingRound`` or None), how many regions ``submitted``, were ``late`` and are ``missing``
    (limited to ``region_codes`` when given), and its ``obstacles`` as (category label, count), most
    frequent first, over the reports submitted. Three queries at most, whatever the numbers.
    """
    latest = ReportingRound.objects.order_by("-created_at").first()
    if latest is None:
        return {"round": None, "submitted": 0, "late": 0, "missing": 0, "obstacles": []}
    reports = Report.objects.filter(reporting_round=latest)
    if region_codes is not None:
        reports = reports.filter(region_id__in=sorted(region_codes))
    counts = reports.aggregate(
        asked=Count("pk"), submitted=Count("pk", filter=SUBMITTED), late=Count("pk", filter=Q(is_late=True))
    )
    grouped = (
        Obstacle.objects.filter(report__in=reports.filter(SUBMITTED))
        .exclude(category="")
        .values("category")
        .annotate(count=Count("id"))
        .order_by("-count", "category")
    )
    labels = dict(ObstacleCategory.choices)
    return {
        "round": latest,
        "submitted": counts["submitted"],
        "late": counts["late"],
        "missing": counts["asked"] - counts["submitted"],
        "obstacles": [(str(labels.get(row["category"], row["category"])), row["count"]) for row in grouped],
    }


# --- export ------------------------------------------------------------------------------------


def reports_for_export(reporting_round: ReportingRound) -> list[Report]:
    """The round's reports with their regions and obstacles, by region name: two queries."""
    return list(
        Report.objects.filter(reporting_round=reporting_round)
        .select_related("region")
        .prefetch_related(Prefetch("obstacles", queryset=Obstacle.objects.order_by("position", "id")))
        .order_by("region__name", "region__code")
    )
