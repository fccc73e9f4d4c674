"""Reads about villages: a village's page (its services, as its region offers them and it changes them), its
directory of RT/RW heads, and finding a village by name. Each a constant number of queries, whatever the
number of villages loaded."""

from dataclasses import dataclass

from django.db.models import IntegerField, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast

from mpp.catalog.models import Mode, Service, ServiceLevel, schedule
from mpp.regions.models import Level, Region

from .models import HeadKind, NeighbourhoodHead, VillageOffice

#: A village office's hours where the village has not said otherwise: Monday to Friday, 08:00–16:00.
NATIONAL_HOURS = [{"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "16:00"}]


@dataclass(frozen=True)
class VillagePage:
    village: Region
    district: Region
    regency: Region
    office: VillageOffice | None
    services: list[Service]

    @property
    def head_title(self) -> str:
        return "Lurah" if self.village.kind == "kelurahan" else "Kepala Desa"

    @property
    def schedule(self) -> list[tuple[str, str, str]]:
        """The office's hours as people read them: the village's own, else a village office's usual hours."""
        return schedule((self.office.opening_hours if self.office else None) or NATIONAL_HOURS)

    @property
    def letters(self) -> list[tuple[Service, int]]:
        """Each service with what it costs here."""
        return [(service, self.fee(service)) for service in self.services]

    def fee(self, service: Service) -> int:
        """What the village charges for ``service``: its Perdes fee when it set one, else the region's (0: free)."""
        if self.office and service.template.slug in self.office.fees:
            return self.office.fees[service.template.slug]
        return service.region_fee


def village_page(code: str) -> VillagePage | None:
    """A village with its district, regency, what it changed and the village services its region offers; None
    when there is no such village. Four queries."""
    village = (
        Region.objects.select_related("parent__parent", "village_office").filter(code=code, level=Level.VILLAGE).first()
    )
    if village is None:
        return None
    district = village.parent
    regency = district.parent
    services = list(
        Service.objects.filter(
            region_id=regency.code, is_active=True, mode=Mode.APPLICATION, template__level=ServiceLevel.VILLAGE
        )
        .select_related("template")
        .only("id", "region_id", "template__slug", "template__name", "template__name_en", "template__introduction")
        # The fee alone, not the whole standard (kilobytes of JSON per letter, read for one number).
        .annotate(
            region_fee=Cast(
                KeyTextTransform("amount", KeyTransform("fee", "current_version__standard")), IntegerField()
            )
        )
        .order_by("template__name")
    )
    office = getattr(village, "village_office", None)
    return VillagePage(village, district, regency, office, services)


def village_service(code: str, service_id) -> tuple[VillagePage, Service, dict] | None:
    """A village's page, one of its services and that service's standard (for a light page: what to bring, how
    long, what it costs; the full standard is the region's service page), or None. Three or four queries."""
    page = village_page(code)
    if page is None:
        return None
    service = next((service for service in page.services if str(service.pk) == str(service_id)), None)
    if service is None:
        return None
    standard = Service.objects.filter(pk=service.pk).values_list("current_version__standard", flat=True).first()
    return page, service, standard or {}


def village_fee(village_code: str, template_slug: str) -> int | None:
    """The fee a village set for one of its letters (its Perdes), or None when it keeps the region's."""
    fees = VillageOffice.objects.filter(village_id=village_code).values_list("fees", flat=True).first()
    return (fees or {}).get(template_slug)


def villages_of(regency_code: str) -> QuerySet[Region]:
    """The villages and kelurahan of a kabupaten/kota, by district then name: one query (paginate it)."""
    return (
        Region.objects.filter(level=Level.VILLAGE, code__startswith=f"{regency_code}.")
        .select_related("parent")
        .only("code", "name", "kind", "parent__code", "parent__name")
        .order_by("code")
    )


def directory(village_code: str) -> QuerySet[NeighbourhoodHead]:
    """The village's serving RT/RW heads, RW by RW."""
    return NeighbourhoodHead.objects.filter(village_id=village_code, is_active=True).order_by("rw", "kind", "rt")


def head_for(village_code: str, *, rt: str, rw: str) -> NeighbourhoodHead | None:
    """Whom an applicant of RT ``rt``/RW ``rw`` asks first: their RT's head, else their RW's."""
    heads = {head.kind: head for head in directory(village_code).filter(rw=_three(rw)).filter(rt__in=[_three(rt), ""])}
    return heads.get(HeadKind.RT) or heads.get(HeadKind.RW)


def _three(number) -> str:
    text = str(number or "").strip()
    return text.zfill(3) if text.isdigit() else text
