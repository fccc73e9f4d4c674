"""What was collected (``Collected``): payments per region, local day, agency, service, revenue and channel, kept
current by the worker. A refresh recounts each region day that got payments since the last one (reading a little
before its cursor, ``SETTLE``, so a late commit is never skipped); ``rebuild`` recounts every day; a test checks
that both agree with a full recount."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from mpp.regions.models import Region

from .models import Collected, CollectedCursor, Payment

SETTLE = dt.timedelta(minutes=2)


def _day_of(payment_at: dt.datetime, zone: str) -> dt.date:
    return payment_at.astimezone(ZoneInfo(zone)).date()


def _days(payments) -> set[tuple[str, dt.date]]:
    zones = dict(Region.objects.filter(level=2).values_list("code", "time_zone"))
    return {
        (region, _day_of(paid_at, zones.get(region) or "Asia/Jakarta"))
        for region, paid_at in payments.values_list("bill__region_id", "paid_at")
    }


def refresh(*, now=None) -> int:
    """Recount the region days with payments recorded since the last refresh; returns how many."""
    now = now or timezone.now()
    cursor = CollectedCursor.objects.first()
    recorded = Payment.objects.all()
    if cursor is not None:
        recorded = recorded.filter(recorded_at__gte=cursor.read_until - SETTLE)
    days = _days(recorded)
    for region, day in days:
        recount(region, day)
    CollectedCursor.objects.update_or_create(pk=1, defaults={"read_until": now})
    return len(days)


def rebuild() -> int:
    days = _days(Payment.objects.all())
    with transaction.atomic():
        Collected.objects.all().delete()
        for region, day in days:
            recount(region, day)
        CollectedCursor.objects.update_or_create(pk=1, defaults={"read_until": timezone.now()})
    return len(days)


def counted(region_code: str, day: dt.date) -> list[Collected]:
    """One region day's figures, counted from its payments (unsaved)."""
    zone = ZoneInfo(Region.objects.get(pk=region_code).time_zone)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    rows = (
        Payment.objects.filter(
            bill__region_id=region_code, paid_at__gte=start, paid_at__lt=start + dt.timedelta(days=1)
        )
        .values("bill__agency_id", "bill__application__service__template_id", "bill__revenue", "channel")
        .annotate(payments=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    return [
        Collected(
            region_id=region_code,
            day=day,
            agency_id=row["bill__agency_id"],
            service_id=row["bill__application__service__template_id"],
            revenue=row["bill__revenue"],
            channel=row["channel"],
            payments=row["payments"],
            amount=row["amount"],
        )
        for row in rows
    ]


@transaction.atomic
def recount(region_code: str, day: dt.date) -> None:
    Collected.objects.filter(region_id=region_code, day=day).delete()
    Collected.objects.bulk_create(counted(region_code, day))
