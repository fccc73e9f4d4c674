"""Reads of the catalog, tuned for the public pages and the API.

The public catalog shows active services only; the admin has its own scoped
querysets (see ``admin.py``).
"""

from django.db.models import F, Q, QuerySet

from mpp.core.db.rows import one_or_none

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
            "current_version__summary",
        )
        .order_by("mode", "template__name")
    )


def service_detail(service_id) -> Service | None:
    """One active service with its template, agency, region and current standard, or None."""
    return one_or_none(
        Service.objects.filter(pk=service_id, is_active=True).select_related(
            "template",
            "template__agency_kind",
            "agency",
            "region",
            "region__parent",
            "current_version__template_version",
        )
    )


def mpps_in_region(regency_code: str) -> list[tuple[Mpp, list[dict]]]:
    """The region's MPPs, each with its counters by number as plain rows (``number``, ``agency_id``,
    ``agency_name``, ``short_name``, ``system_name``, ``system_url``), in two queries."""
    rows: dict[object, list[dict]] = {}
    for counter in (
        Counter.objects.filter(mpp__region_id=regency_code)
        .order_by("number")
        .values(
            "mpp_id",
            "number",
            "agency_id",
            agency_name=F("agency__name"),
            short_name=F("agency__kind__short_name"),
            system_name=F("agency__kind__system_name"),
            system_url=F("agency__kind__system_url"),
        )
    ):
        rows.setdefault(counter["mpp_id"], []).append(counter)
    return [(mpp, rows.get(mpp.pk, [])) for mpp in Mpp.objects.filter(region_id=regency_code)]


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
