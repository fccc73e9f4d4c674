"""Reads of the catalog, tuned for the public pages and the API.

The public catalog shows active services only; the admin has its own scoped
querysets (see ``admin.py``).
"""

from django.db.models import F, Q, QuerySet

from mpp.core.db.rows import one_or_none

from .models import Counter, Mpp, Service, ServiceLevel


def services_in_region(regency_code: str) -> QuerySet[dict]:
    """Active services of a kabupaten/kota's own agencies (not its villages' letters, which each village's
    page lists) with what a list needs, ordered by name: one query, as plain rows (``SERVICE_ROW``'s keys), for a
    list makes no model instances (five a service, more CPU than the region page's template: issue #16)."""
    return (
        Service.objects.filter(region_id=regency_code, is_active=True, template__level=ServiceLevel.REGION)
        .order_by("mode", "template__name")
        .values("id", "mode", "agency_id", **SERVICE_ROW)
    )


#: A service in a list, beside its ``id``, ``mode`` and ``agency_id``: ``figures`` are its current version's
#: list figures (``standard.list_figures``).
SERVICE_ROW = {
    "slug": F("template__slug"),
    "name": F("template__name"),
    "name_en": F("template__name_en"),
    "summary": F("template__summary"),
    "summary_en": F("template__summary_en"),
    "channels": F("template__channels"),
    "assurance_level": F("template__assurance_level"),
    "agency_name": F("agency__name"),
    "system_name": F("agency__kind__system_name"),
    "system_url": F("agency__kind__system_url"),
    "version": F("current_version__number"),
    "figures": F("current_version__summary"),
}


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
