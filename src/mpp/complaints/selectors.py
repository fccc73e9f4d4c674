"""Reads of complaints: the reporter's own, the officers' scoped worklist, and the public figures.

An anonymous reporter never leaves this module toward an officer: ``Reporter.of`` is the only way a
page learns who filed a complaint, and it says "Anonim" to everyone but the reporter.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from .access import handler, name_of, normalise_number, secret_matches
from .figures import RESOLVE, RESPOND
from .models import AWAITING_CONTACT, OPEN_STATUSES, Category, Complaint, CountFigure, DurationFigure, Status, Step

WORKLIST_STATUSES = {
    "open": OPEN_STATUSES,
    "received": (Status.RECEIVED,),
    "in_progress": (Status.IN_PROGRESS,),
    "info_requested": (Status.INFO_REQUESTED,),
    "resolved": (Status.RESOLVED,),
    "done": (Status.CLOSED, Status.MERGED, Status.FORWARDED),
}


def _related(queryset):
    return queryset.select_related("region", "agency", "service__template", "mpp", "application", "place")


def of_reporter(user) -> list[Complaint]:
    """The signed-in reporter's complaints, newest first (their dashboard)."""
    return list(Complaint.objects.filter(reporter=user).select_related("region", "agency").order_by("-received_at"))


def for_reporter(user, number: str) -> Complaint | None:
    """The complaint when ``user`` filed it; None otherwise (the page then answers 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _related(Complaint.objects.filter(reporter=user, tracking_number=normalise_number(number))).first()


def by_number(number: str) -> Complaint | None:
    """Any complaint by its number: only for a caller that checks the visitor is its reporter."""
    return _related(Complaint.objects.filter(tracking_number=normalise_number(number))).first()


def for_secret(number: str, secret: str) -> Complaint | None:
    """The complaint filed without an account, when ``secret`` is its own."""
    complaint = by_number(number)
    if complaint is None or not secret_matches(complaint, secret):
        return None
    return complaint


def pending_by_id(complaint_id) -> Complaint | None:
    """A complaint still waiting for its contact's code (the confirmation page)."""
    try:
        return Complaint.objects.filter(pk=complaint_id).filter(AWAITING_CONTACT).first()
    except (ValueError, TypeError):
        return None


def worklist(user, *, status: str = "open", overdue: bool = False):
    """The complaints ``user`` handles, those with the nearest deadline first."""
    listed = handler(user).filter(Complaint.objects.exclude(AWAITING_CONTACT))
    listed = listed.filter(status__in=WORKLIST_STATUSES.get(status, OPEN_STATUSES))
    if overdue:
        listed = listed.filter(resolve_due_at__lt=timezone.now())
    return listed.select_related("region", "agency").order_by("resolve_due_at", "received_at")


def for_handler(user, complaint_id) -> Complaint | None:
    """The complaint when ``user`` handles it; None otherwise (404)."""
    try:
        complaint = _related(Complaint.objects.exclude(AWAITING_CONTACT).filter(pk=complaint_id)).first()
    except (ValueError, TypeError):
        return None
    if complaint is None or not handler(user).may_handle(complaint):
        return None
    return complaint


def timeline(complaint: Complaint, *, for_reporter: bool) -> list[Step]:
    steps = complaint.steps.prefetch_related("attachments__upload")
    if for_reporter:
        steps = steps.filter(public=True)
    return list(steps)


@dataclass(frozen=True)
class Reporter:
    """Who filed the complaint, as a page may show it."""

    name: str
    contact: str
    anonymous: bool

    @classmethod
    def of(cls, complaint: Complaint) -> "Reporter":
        if complaint.anonymous:
            return cls(_("Anonim"), "", True)
        account = complaint.reporter
        name = complaint.reporter_name or name_of(account) or _("Tanpa nama")
        contact = complaint.contact or (account.email if account else "")
        return cls(name, contact, False)


# --- public figures --------------------------------------------------------------------------------


@dataclass
class Figures:
    """A region's complaints in figures: no personal data."""

    #: [(category label, {status: count}, total)] in the categories' order.
    rows: list = field(default_factory=list)
    statuses: list = field(default_factory=list)
    total: int = 0
    #: Median working days to the first answer and to resolution (None without any).
    median_respond: int | None = None
    median_resolve: int | None = None
    #: Percent answered / resolved within the deadline (None without any).
    on_time_respond: float | None = None
    on_time_resolve: float | None = None


def public_figures(region_code: str) -> Figures:
    """Two queries, whatever the number of complaints: the counts, and the duration histograms."""
    counts = {(row.category, row.status): row.count for row in CountFigure.objects.filter(region_id=region_code)}
    statuses = [status for status in Status if any(key[1] == status for key in counts)]
    figures = Figures(statuses=[(status.value, status.label) for status in statuses])
    for category in Category:
        per_status = {status.value: counts.get((category.value, status.value), 0) for status in statuses}
        total = sum(per_status.values())
        if total:
            figures.rows.append((category.label, [per_status[status.value] for status in statuses], total))
            figures.total += total
    histograms = {RESPOND: [], RESOLVE: []}
    for row in DurationFigure.objects.filter(region_id=region_code).order_by("measure", "days"):
        histograms[row.measure].append(row)
    figures.median_respond, figures.on_time_respond = _median_and_share(histograms[RESPOND])
    figures.median_resolve, figures.on_time_resolve = _median_and_share(histograms[RESOLVE])
    return figures


def _median_and_share(rows) -> tuple[int | None, float | None]:
    total = sum(row.count for row in rows)
    if not total:
        return None, None
    seen, median = 0, None
    for row in rows:
        seen += row.count
        if seen * 2 >= total:
            median = row.days
            break
    return median, round(100 * sum(row.on_time for row in rows) / total, 1)


def published(region_code: str, *, limit: int = 20) -> list[Complaint]:
    """Resolved complaints published with their reporters' consent, newest first: never a confidential one."""
    return list(
        Complaint.objects.filter(region_id=region_code, published=True, confidential=False)
        .select_related("agency")
        .order_by("-resolved_at")[:limit]
    )
