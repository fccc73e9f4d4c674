"""Figures recounted from the facts: one region's day (or month) at a time, or every region over a range.

A slice is all the figure rows of one region in one day or month; recounting it deletes them and
writes them again, so recounting twice gives the same rows (idempotent) and a recount is exact
whatever was there before. Day rows are counted from ``ApplicationFact``; month rows are the day
rows of the month summed (a month of a busy region is thousands of facts, but a few hundred day rows).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from mpp.regions.models import Level, Region

from .facts import Fact
from .models import ApplicationFact, DecidedFigure, Grain, OpenFigure, ReceivedFigure

BATCH = 5000


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


@dataclass
class Slices:
    """The (region, day) slices whose figures must be recounted: received and decided apart."""

    received: dict[str, set[dt.date]] = field(default_factory=lambda: defaultdict(set))
    decided: dict[str, set[dt.date]] = field(default_factory=lambda: defaultdict(set))
    #: Deadlines of running applications, by region.
    running: dict[str, set[dt.datetime]] = field(default_factory=lambda: defaultdict(set))

    def add(self, fact: Fact) -> None:
        self.received[fact.region_id].add(fact.received_on)
        if fact.decided_on is not None:
            self.decided[fact.region_id].add(fact.decided_on)
        if fact.open_due_at is not None:
            self.running[fact.region_id].add(fact.open_due_at)

    def __bool__(self) -> bool:
        return bool(self.received or self.decided or self.running)


def recount_slices(slices: Slices) -> None:
    """Recount the figures of ``slices``: their days, then the months they fall in."""
    provinces = _provinces()
    for grain in Grain:  # days first: a month is summed from them
        if slices.received:
            source, figures = _slice_filters(grain, slices.received, "received_on")
            _replace_received(grain, source, figures, provinces)
        if slices.decided:
            source, figures = _slice_filters(grain, slices.decided, "decided_on")
            _replace_decided(grain, source, figures, provinces)
    if slices.running:
        facts, figures = Q(pk__in=[]), Q(pk__in=[])
        for region_id, deadlines in slices.running.items():
            facts |= Q(region_id=region_id, open_due_at__in=sorted(deadlines))
            figures |= Q(region_id=region_id, due_at__in=sorted(deadlines))
        _replace_running(facts, figures, provinces)


def recount_running() -> None:
    """Recount every running application by its deadline (a rebuild's facts hold all of them fresh)."""
    _replace_running(Q(open_due_at__isnull=False), Q(), _provinces())


def recount_range(first: dt.date, last: dt.date) -> None:
    """Recount every region's figures of the days ``first``..``last``, then of the months they touch."""
    provinces = _provinces()
    figures = Q(grain=Grain.DAY, start__range=(first, last))
    _replace_received(Grain.DAY, Q(received_on__range=(first, last)), figures, provinces)
    _replace_decided(Grain.DAY, Q(decided_on__range=(first, last)), figures, provinces)
    months = (month_of(first), month_of(last))
    days = Q(start__range=(months[0], month_end(months[1])))
    figures = Q(grain=Grain.MONTH, start__range=months)
    _replace_received(Grain.MONTH, days, figures, provinces)
    _replace_decided(Grain.MONTH, days, figures, provinces)


def _slice_filters(grain: str, slices: dict[str, set[dt.date]], fact_day: str) -> tuple[Q, Q]:
    """What the slices are counted from (facts by ``fact_day`` for days, day rows for months), and their rows."""
    source, figures = Q(pk__in=[]), Q(pk__in=[])
    for region_id, days in slices.items():
        if grain == Grain.DAY:
            source |= Q(region_id=region_id, **{f"{fact_day}__in": sorted(days)})
            figures |= Q(region_id=region_id, start__in=sorted(days))
            continue
        months = sorted({month_of(day) for day in days})
        for month in months:
            source |= Q(region_id=region_id, start__range=(month, month_end(month)))
        figures |= Q(region_id=region_id, start__in=months)
    return source, Q(grain=grain) & figures


def _replace_received(grain: str, source: Q, figures: Q, provinces: dict[str, str]) -> None:
    """Replace the received rows ``figures`` with those counted from ``source`` (facts, or day rows for months)."""
    ReceivedFigure.objects.filter(figures).delete()
    columns = ("region_id", "bucket", "template_id", "channel")
    if grain == Grain.DAY:
        rows = (
            ApplicationFact.objects.filter(source)
            .annotate(bucket=F("received_on"))
            .values_list(*columns)
            .annotate(n=Count("pk"))
        )
    else:
        rows = (
            ReceivedFigure.objects.filter(source, grain=Grain.DAY)
            .annotate(bucket=TruncMonth("start"))
            .values_list(*columns)
            .annotate(n=Sum("count"))
        )
    _write(
        ReceivedFigure,
        (
            ReceivedFigure(
                grain=grain,
                start=start,
                region_id=region,
                province_id=provinces[region],
                template_id=template,
                channel=channel,
                count=n,
            )
            for region, start, template, channel, n in _rows(grain, rows)
        ),
    )


def _replace_decided(grain: str, source: Q, figures: Q, provinces: dict[str, str]) -> None:
    """Replace the decided rows ``figures`` with those counted from ``source`` (facts, or day rows for months)."""
    DecidedFigure.objects.filter(figures).delete()
    columns = ("region_id", "bucket", "received_bucket", "template_id", "outcome", "working_days")
    if grain == Grain.DAY:
        rows = (
            ApplicationFact.objects.filter(source, decided_on__isnull=False)
            .annotate(bucket=F("decided_on"), received_bucket=F("received_on"))
            .values_list(*columns)
            .annotate(n=Count("pk"), on_time_n=Count("pk", filter=Q(on_time=True)))
        )
    else:
        rows = (
            DecidedFigure.objects.filter(source, grain=Grain.DAY)
            .annotate(bucket=TruncMonth("start"), received_bucket=TruncMonth("received_start"))
            .values_list(*columns)
            .annotate(n=Sum("count"), on_time_n=Sum("on_time"))
        )
    _write(
        DecidedFigure,
        (
            DecidedFigure(
                grain=grain,
                start=start,
                received_start=received_start,
                region_id=region,
                province_id=provinces[region],
                template_id=template,
                outcome=outcome,
                working_days=days,
                count=n,
                on_time=on_time,
            )
            for region, start, received_start, template, outcome, days, n, on_time in _rows(grain, rows)
        ),
    )


def _rows(grain: str, rows):
    """Day rows stream from the facts; month rows are read whole first, as they are summed from the very
    table they are written to (a cursor left open on it while writing is undefined in SQLite)."""
    rows = rows.order_by()
    return rows.iterator(chunk_size=BATCH) if grain == Grain.DAY else list(rows)


def _replace_running(facts: Q, figures: Q, provinces: dict[str, str]) -> None:
    OpenFigure.objects.filter(figures).delete()
    rows = (
        ApplicationFact.objects.filter(facts)
        .values_list("region_id", "template_id", "open_due_at")
        .annotate(n=Count("pk"))
        .order_by()
    )
    _write(
        OpenFigure,
        (
            OpenFigure(region_id=region, province_id=provinces[region], template_id=template, due_at=due_at, count=n)
            for region, template, due_at, n in rows.iterator(chunk_size=BATCH)
        ),
    )


def _write(model, objects) -> None:
    batch = []
    for obj in objects:
        batch.append(obj)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


def _provinces() -> dict[str, str]:
    """Each kabupaten/kota's province, by code (one query of ~514 rows)."""
    return dict(Region.objects.filter(level=Level.REGENCY).values_list("code", "parent_id"))
