"""Telling a region's MPP managers about its monev report: who they are, and the message through the outbox."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from mpp.core import clock
from mpp.identity.models import Role, RoleAssignment, User
from mpp.notifications.services import notify

from .models import ReportingRound


def managers_of(region_codes) -> list[RoleAssignment]:
    """The active MPP managers' assignments in ``region_codes``, with their users: one query."""
    return list(
        RoleAssignment.objects.filter(role=Role.MPP_MANAGER, region_id__in=list(region_codes), user__is_active=True)
        .select_related("user")
        .order_by("region_id", "user__username")
    )


def tell(
    user: User, kind: str, *, key: str, reporting_round: ReportingRound, region: str, region_code: str, now, **extra
) -> None:
    """Tell a manager about their region's report in ``reporting_round`` (``kind`` of ``notifications.messages``),
    with a link to it. Inside the change's transaction; ``key`` makes a repeat send nothing twice."""
    with translation.override(settings.LANGUAGE_CODE):
        period = f"{clock.local_date(reporting_round.period_start)} – {clock.local_date(reporting_round.period_end)}"
        deadline = clock.local_date(reporting_round.deadline)
    url = reverse("monitoring:manager_report", args=[reporting_round.pk])
    notify(
        user=user,
        kind=kind,
        key=key,
        context={
            "round": reporting_round.title,
            "region": region,
            "period": period,
            "deadline": deadline,
            "url": f"{settings.SITE_URL}{url}?wilayah={region_code}",
            **{name: str(value) for name, value in extra.items()},
        },
        now=now,
    )
