"""The public figures of each region's complaints, in aggregate tables the worker keeps current.

``refresh`` (every minute) recounts the regions whose complaints changed since its last run, from the
complaints themselves (never by adding deltas), so running it twice, or with ``rebuild`` at once,
leaves the same figures. It reads changes by ``updated_at`` from a moment ``SETTLE`` before the last
run: a change committed late is recounted by the next run, never lost. A region's complaints number
in the thousands, so a region is recounted whole.
"""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from mpp.applications import calendar

from .models import AWAITING_CONTACT, Complaint, CountFigure, DurationFigure, FigureCursor, Status

CURSOR = "figures"
SETTLE = dt.timedelta(minutes=2)
RESPOND, RESOLVE = "respond", "resolve"
#: Durations longer than this many working days are counted in this last bucket.
LONGEST = 120


def refresh(now=None) -> int:
    """Recount the regions whose complaints changed since the last run; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        cursor, _created = FigureCursor.objects.select_for_update().get_or_create(name=CURSOR)
        since = cursor.moment - SETTLE if cursor.moment else None
        changed = Complaint.objects.all() if since is None else Complaint.objects.filter(updated_at__gte=since)
        regions = set(changed.order_by().values_list("region_id", flat=True).distinct())
        for region in regions:
            recount_region(region)
        cursor.moment = now
        cursor.save()
    return len(regions)


def rebuild() -> int:
    """Recount every region from scratch; returns how many regions have complaints."""
    with transaction.atomic():
        FigureCursor.objects.select_for_update().get_or_create(name=CURSOR)
        CountFigure.objects.all().delete()
        DurationFigure.objects.all().delete()
        regions = set(Complaint.objects.order_by().values_list("region_id", flat=True).distinct())
        for region in regions:
            recount_region(region)
        FigureCursor.objects.filter(name=CURSOR).update(moment=timezone.now())
    return len(regions)


def recount_region(region_id: str) -> None:
    counts, durations = recount(region_id)
    CountFigure.objects.filter(region_id=region_id).delete()
    DurationFigure.objects.filter(region_id=region_id).delete()
    CountFigure.objects.bulk_create(
        CountFigure(region_id=region_id, category=category, status=status, count=count)
        for (category, status), count in counts.items()
    )
    DurationFigure.objects.bulk_create(
        DurationFigure(region_id=region_id, measure=measure, days=days, count=count, on_time=on_time)
        for (measure, days), (count, on_time) in durations.items()
    )


def recount(region_id: str) -> tuple[dict, dict]:
    """A region's figures counted from its complaints: {(category, status): count} and
    {(measure, working days): (count, within deadline)}. Complaints awaiting their contact's code are not counted."""
    visible = Complaint.objects.filter(region_id=region_id).exclude(AWAITING_CONTACT)
    counts = {
        (row["category"], row["status"]): row["count"]
        for row in visible.order_by().values("category", "status").annotate(count=Count("pk"))
    }
    durations: Counter = Counter()
    on_time: Counter = Counter()
    rows = visible.exclude(status=Status.MERGED).values_list(
        "received_at", "responded_at", "respond_due_at", "resolved_at", "resolve_due_at", "region__time_zone"
    )
    for received, responded, respond_due, resolved, resolve_due, zone in rows:
        for measure, done, due in ((RESPOND, responded, respond_due), (RESOLVE, resolved, resolve_due)):
            if done is None:
                continue
            days = min(calendar.working_days_between(received, done, zone), LONGEST)
            durations[(measure, days)] += 1
            on_time[(measure, days)] += done <= due
    return counts, {key: (count, on_time[key]) for key, count in durations.items()}
