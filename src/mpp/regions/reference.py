"""Facts about regions that the Kemendagri code list does not carry.

Pilot regions: the 21 kabupaten/kota where MPP Digital launched on 20 June 2023.
The announcement names "Kotawaringin" without Barat or Timur; we take Kotawaringin
Barat (62.01) — see docs/decisions/0002-kotawaringin-barat-pilot.md.
"""

from .models import TimeZone

PILOT_REGION_CODES = frozenset(
    {
        "33.02",  # Kabupaten Banyumas
        "35.10",  # Kabupaten Banyuwangi
        "33.29",  # Kabupaten Brebes
        "33.15",  # Kabupaten Grobogan
        "63.06",  # Kabupaten Hulu Sungai Selatan
        "62.01",  # Kabupaten Kotawaringin Barat
        "35.20",  # Kabupaten Magetan
        "16.05",  # Kabupaten Musi Rawas
        "33.14",  # Kabupaten Sragen
        "35.23",  # Kabupaten Tuban
        "11.71",  # Kota Banda Aceh
        "21.71",  # Kota Batam
        "13.75",  # Kota Bukittinggi
        "74.71",  # Kota Kendari
        "33.71",  # Kota Magelang
        "18.72",  # Kota Metro
        "35.76",  # Kota Mojokerto
        "64.72",  # Kota Samarinda
        "33.72",  # Kota Surakarta
        "21.72",  # Kota Tanjung Pinang
        "34.71",  # Kota Yogyakarta
    }
)

# Province code → time zone (UU/Keppres 41/1987 boundaries). Provinces not listed are WIB.
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}


def time_zone_for(code: str) -> str:
    """The IANA zone of a region, decided by its province (the first two digits of the code)."""
    province = code[:2]
    if province in _WIT_PROVINCES:
        return TimeZone.WIT
    if province in _WITA_PROVINCES:
        return TimeZone.WITA
    return TimeZone.WIB
