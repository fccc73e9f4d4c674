"""The professions the registry knows: code (as in the platform's SIP form), Indonesian label,
the council that issues their STR, and the digits and permit names they use.

Doctors and dentists register with the Konsil Kedokteran Indonesia (KKI), every other health
worker with the Konsil Tenaga Kesehatan Indonesia (KTKI).
"""

from __future__ import annotations

from dataclasses import dataclass

ISSUERS = {"KKI": "Konsil Kedokteran Indonesia", "KTKI": "Konsil Tenaga Kesehatan Indonesia"}


@dataclass(frozen=True, slots=True)
class Profession:
    code: str
    label: str
    issuer: str  # a key of ISSUERS
    digits: str  # the first two digits of its STR numbers
    permit: str  # the SIP's name for this profession, part of generated SIP numbers
    #: At most this many current practice places (doctors and dentists: three, as the SIP
    #: service standard says); None: any number is recorded, the profession's rule is the caller's.
    max_practice_places: int | None = None


PROFESSIONS = {
    p.code: p
    for p in (
        Profession("dokter", "Dokter", "KKI", "11", "SIPD", max_practice_places=3),
        Profession("dokter_gigi", "Dokter Gigi", "KKI", "12", "SIPDG", max_practice_places=3),
        Profession("perawat", "Perawat", "KTKI", "21", "SIPP"),
        Profession("bidan", "Bidan", "KTKI", "22", "SIPB"),
        Profession("apoteker", "Apoteker", "KTKI", "31", "SIPA"),
    )
}

FACILITY_TYPES = ("rumah_sakit", "puskesmas", "klinik", "apotek", "laboratorium", "praktik_mandiri", "lainnya")
