"""Reads about villages: a village's page (its services, as its region offers them and it changes them), its
directory of RT/RW heads, and finding a village by name. Each a constant number of queries, whatever the
number of villages loaded."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import IntegerField, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from mpp.catalog.models import Mode, Service, ServiceLevel, schedule
from mpp.catalog.presentation import Text, text
from mpp.regions.models import Level, Region
from mpp.regions.selectors import level_of

from .models import HeadKind, NeighbourhoodHead, VillageOffice

#: A village office's hours where the village has not said otherwise: Monday to Friday, 08:00–16:00.
NATIONAL_HOURS = [{"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "16:00"}]


@dataclass(frozen=True)
class Letter:
    """A village letter as a village's pages show it: its region's service, named, with the region's fee (None or 0:
    free)."""

    pk: UUID
    slug: str
    name: str
    name_en: str
    introduction: bool
    region_fee: int | None

    @property
    def title(self) -> Text:
        """Its name in the page's language."""
        return text(self.name, self.name_en)


@dataclass(frozen=True)
class VillagePage:
    village: Region
    district: Region
    regency: Region
    office: VillageOffice | None
    letters: list[Letter]

    @property
    def head_title(self) -> str:
        return "Lurah" if self.village.kind == "kelurahan" else "Kepala Desa"

    @property
    def schedule(self) -> list[tuple[str, str, str]]:
        """The office's hours as people read them: the village's own, else a village office's usual hours."""
        return schedule((self.office.opening_hours if self.office else None) or NATIONAL_HOURS)

    @property
    def priced_letters(self) -> list[tuple[Letter, int]]:
        """Each letter with what it costs here."""
        return [(letter, self.fee(letter)) for letter in self.letters]

    def fee(self, letter: Letter) -> int:
        """What the village charges for ``letter``: its Perdes fee when it set one, else the region's (0: free)."""
        if self.office and letter.slug in self.office.fees:
            return self.office.fees[letter.slug]
        return letter.region_fee or 0


def village_page(code: str) -> VillagePage | None:
    """A village with its district, regency, what it changed and the village letters its region offers; None
    when there is no such village. Two queries, whatever the number of villages: a page every visitor may open
    for any of 83,762 villages, mostly not in any cache."""
    if level_of(code) != Level.VILLAGE:
        return None
    # The codes are prefixes of each other (64.72.03.1004 is in 64.72.03, in 64.72): the three in one query.
    parts = code.split(".")
    found = {
        region.code: region
        for region in Region.objects.filter(code__in=[code, ".".join(parts[:3]), ".".join(parts[:2])]).select_related(
            "village_office"
        )
    }
    village = found.get(code)
    if village is None or village.parent_id not in found:
        return None
    district = found[village.parent_id]
    regency = found[district.parent_id]
    letters = [
        Letter(*row)
        for row in Service.objects.filter(
            region_id=regency.code, is_active=True, mode=Mode.APPLICATION, template__level=ServiceLevel.VILLAGE
        )
        .order_by("template__name")
        .values_list(
            "pk",
            "template__slug",
            "template__name",
            "template__name_en",
            "template__introduction",
            # The fee from the version's list figures, not the whole standard (kilobytes of JSON per letter).
            Cast(KeyTextTransform("fee", "current_version__summary"), IntegerField()),
        )
    ]
    return VillagePage(village, district, regency, getattr(village, "village_office", None), letters)


def village_service(code: str, service_id) -> tuple[VillagePage, Letter, dict] | None:
    """A village's page, one of its letters and that letter's standard (for a light page: what to bring, how
    long, what it costs; the full standard is the region's service page), or None. Three queries."""
    page = village_page(code)
    if page is None:
        return None
    letter = next((letter for letter in page.letters if str(letter.pk) == str(service_id)), None)
    if letter is None:
        return None
    standard = Service.objects.filter(pk=letter.pk).values_list("current_version__standard", flat=True).first()
    return page, letter, standard or {}


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
