"""The regions already on MPP Digital before anyone could ask to join: the 21 pilots of 2023."""

from mpp.regions.models import Level, Region

from .services import record_pilot

#: How the pilots' agreements and decree are on record (signed on paper in 2023; our numbering).
PILOT_DECREE = "Penetapan lokus percontohan MPP Digital 2023 (Kementerian PANRB)"


def record_pilots() -> int:
    """Put every pilot kabupaten/kota (``Region.is_pilot``) on record as active since 20 June 2023.
    Idempotent; returns how many were added now."""
    pilots = Region.objects.filter(level=Level.REGENCY, is_pilot=True).order_by("code")
    return sum(
        record_pilot(
            region=region, agreement_number=f"{position:02d}/PKS-MPPD/{region.code}/2023", decree_number=PILOT_DECREE
        )
        for position, region in enumerate(pilots, start=1)
    )
