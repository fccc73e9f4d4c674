"""Writes about villages: the village's own government (its agency), what it changes, its RT/RW directory."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mpp.catalog.models import Agency
from mpp.core.errors import DomainError
from mpp.core.public_cache import invalidate_public_cache
from mpp.regions.models import Level, Region

from .models import NeighbourhoodHead, VillageOffice


def village_agency(village: Region, *, region_agency: Agency) -> Agency:
    """The village's own government, opened the first time it is needed (its first staff or application).

    ``region_agency`` is the region's agency that adopted the village letters (kind ``pemdes``): the village's
    agency is of its kind, in its kabupaten/kota. Raises DomainError for a region that is not a village of it.
    """
    if village.level != Level.VILLAGE or not village.code.startswith(f"{region_agency.region_id}."):
        raise DomainError(_("Desa/kelurahan ini tidak berada di %(region)s.") % {"region": region_agency.region})
    agency = Agency.objects.filter(village=village).first()
    if agency is not None:
        return agency
    try:
        with transaction.atomic():
            return Agency.objects.create(
                region_id=region_agency.region_id,
                kind_id=region_agency.kind_id,
                village=village,
                name=f"{village.get_kind_display()} {village.name.title()}",
            )
    except IntegrityError:  # opened by a concurrent request meanwhile
        return Agency.objects.get(village=village)


@transaction.atomic
def change_office(*, village: Region, by, **changes) -> VillageOffice:
    """The village changes its head's name, its office's address, phone or hours, or a letter's fee.

    ``changes`` holds only what changes; the others stay. Raises ValidationError with field errors.
    """
    office, _created = VillageOffice.objects.select_for_update().get_or_create(village=village)
    allowed = {"head_name", "address", "phone", "opening_hours", "fees"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(office, name, value)
    office.changed_by = by
    _check_fees(office.fees)
    office.full_clean()
    office.save()
    transaction.on_commit(invalidate_public_cache)
    return office


def _check_fees(fees) -> None:
    if not isinstance(fees, dict) or any(
        not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= 10_000_000
        for amount in fees.values()
    ):
        raise ValidationError({"fees": _("Biaya ditulis dalam rupiah, bilangan bulat dari 0 sampai 10.000.000.")})


@transaction.atomic
def save_head(*, village: Region, head: NeighbourhoodHead | None = None, **values) -> NeighbourhoodHead:
    """Add an RT/RW head to the village's directory, or change one (``head``). Raises ValidationError."""
    if head is not None and head.village_id != village.code:
        raise DomainError(_("Ketua RT/RW ini bukan dari desa/kelurahan Anda."))
    head = head or NeighbourhoodHead(village=village)
    for name, value in values.items():
        setattr(head, name, value)
    if head.kind == "rw":
        head.rt = ""
    head.full_clean()
    try:
        with transaction.atomic():
            head.save()
    except IntegrityError:
        raise ValidationError({"rt": _("RT/RW ini sudah memiliki ketua yang masih menjabat.")}) from None
    return head


@transaction.atomic
def retire_head(*, village: Region, head_id) -> None:
    """The head no longer serves: kept for the records of the introductions they gave, never asked again."""
    updated = NeighbourhoodHead.objects.filter(pk=head_id, village=village, is_active=True).update(is_active=False)
    if not updated:
        raise DomainError(_("Ketua RT/RW tidak ditemukan di desa/kelurahan Anda."))
