"""Reads of the catalog, tuned for the public pages and the API.

The public catalog shows active services only; the admin has its own scoped
querysets (see ``admin.py``).
"""

from django.db.models import Prefetch, Q, QuerySet

from .models import Counter, Mpp, Service, ServiceLevel


def services_in_region(regency_code: str) -> QuerySet[Service]:
    """Active services of a kabupaten/kota's own agencies (not its villages' letters, which each village's
    page lists) with what a list needs, in two joins, ordered by name."""
    return (
        Service.objects.filter(region_id=regency_code, is_active=True, template__level=ServiceLevel.REGION)
        .select_related("template", "agency__kind", "current_version")
        .only(
            "id",
            "region_id",
            "is_active",
            "template__slug",
            "template__name",
            "template__name_en",
            "template__summary",
            "template__summary_en",
            "mode",
            "template__channels",
            "template__assurance_level",
            "agency__name",
            "agency__kind__system_name",
            "agency__kind__system_url",
            "current_version__number",
            "current_version__standard",
        )
        .order_by("mode", "template__name")
    )


def service_detail(service_id) -> Service | None:
    """One active service with its template, agency, region and current standard, or None."""
    return (
        Service.objects.filter(pk=service_id, is_active=True)
        .select_related(
            "template",
            "template__agency_kind",
            "agency",
            "region",
            "region__parent",
            "current_version__template_version",
        )
        .first()
    )


def mpps_in_region(regency_code: str) -> list[Mpp]:
    """The region's MPPs with their counters and each counter's agency, in three queries."""
    counters = Counter.objects.select_related("agency", "agency__kind").order_by("number")
    return list(Mpp.objects.filter(region_id=regency_code).prefetch_related(Prefetch("counters", queryset=counters)))


def search_services(q: str, *, regency_code: str | None = None, limit: int = 50) -> QuerySet[Service]:
    """Active services whose name, summary or keywords contain the words of ``q`` (every word must match)."""
    queryset = Service.objects.filter(is_active=True)
    if regency_code:
        queryset = queryset.filter(region_id=regency_code)
    for word in q.split()[:6]:
        queryset = queryset.filter(
            Q(template__name__icontains=word)
            | Q(template__name_en__icontains=word)
            | Q(template__summary__icontains=word)
            | Q(template__keywords__icontains=word)
        )
    return queryset.select_related("template", "agency", "region").order_by("template__name", "region_id")[:limit]
