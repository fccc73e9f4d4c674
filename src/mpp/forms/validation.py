"""Checking what a citizen (or an officer for them) entered against a form schema.

``clean`` returns the values in canonical form and an error per field, in the active
language, for every rule the schema states. Fields hidden by ``visible_if`` are dropped:
what the citizen could not see is neither required nor kept. Locked (registry) fields are
not taken from the input at all: the caller supplies them from the prefill; so is a document
the caller found in the vault (``prefill.py``, ``vault.<type>``), whatever the input says.

What needs the database — that a village code exists, that a person is on the citizen's
family card, that a vault document belongs to them — is checked by the applications service
with these clean values; here only the shape of each value is checked.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mpp.registry.nik import validate_nik

from .schema import (
    AddressField,
    ChoiceField,
    DateField,
    DeclarationField,
    DocumentField,
    FormSchema,
    NumberField,
    PersonField,
    TextField,
)

VILLAGE_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
RT_RW = re.compile(r"^\d{1,3}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass
class Cleaned:
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


class _Invalid(Exception):
    def __init__(self, message: str):
        self.message = message


def clean(schema: FormSchema, data: dict, *, locked: dict | None = None, today: date | None = None) -> Cleaned:
    """Check ``data`` (field name → raw value) against ``schema``; ``locked`` holds the values the state supplies
    (the registry's, and documents taken from the vault), which replace the input's."""
    today = today or date.today()
    locked = locked or {}
    result = Cleaned()
    for spec in schema.fields:
        condition = spec.visible_if
        if condition is not None and (
            condition.field not in result.values or not condition.holds(result.values[condition.field])
        ):
            continue
        raw = locked.get(spec.name) if spec.locked else locked.get(spec.name, data.get(spec.name))
        if _empty(raw):
            if spec.required:
                result.errors[spec.name] = (
                    _("Konfirmasi pernyataan ini untuk melanjutkan.")
                    if isinstance(spec, DeclarationField)
                    else _("Wajib diisi.")
                )
            continue
        try:
            result.values[spec.name] = _CLEANERS[type(spec)](spec, raw, today)
        except _Invalid as invalid:
            result.errors[spec.name] = invalid.message
    return result


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {} or value is False


def _localized(spec, name: str) -> str:
    english = get_language() == "en"
    return getattr(spec, f"{name}_en") if english and getattr(spec, f"{name}_en") else getattr(spec, name)


def _text(spec: TextField, raw, today) -> str:
    if not isinstance(raw, str):
        raise _Invalid(_("Isikan teks."))
    value = raw.strip() if spec.multiline else " ".join(raw.split())
    if len(value) < spec.min_length:
        raise _Invalid(_("Paling sedikit %(count)d karakter.") % {"count": spec.min_length})
    if len(value) > spec.max_length:
        raise _Invalid(_("Paling banyak %(count)d karakter.") % {"count": spec.max_length})
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        raise _Invalid(_localized(spec, "pattern_message") or _("Formatnya tidak sesuai."))
    return value


def _number(spec: NumberField, raw, today) -> int | float:
    if isinstance(raw, bool):
        raise _Invalid(_("Isikan angka."))
    try:
        value = float(str(raw).strip().replace(",", ".")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise _Invalid(_("Isikan angka.")) from None
    if not math.isfinite(value):
        raise _Invalid(_("Isikan angka."))
    if spec.integer:
        if not value.is_integer():
            raise _Invalid(_("Isikan bilangan bulat."))
        value = int(value)
    if spec.minimum is not None and value < spec.minimum:
        raise _Invalid(_("Paling kecil %(value)s.") % {"value": _plain(spec.minimum)})
    if spec.maximum is not None and value > spec.maximum:
        raise _Invalid(_("Paling besar %(value)s.") % {"value": _plain(spec.maximum)})
    return value


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _date(spec: DateField, raw, today) -> str:
    try:
        value = date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if value is None:
        raise _Invalid(_("Isikan tanggal yang benar (tahun-bulan-tanggal)."))
    if spec.not_after == "today" and value > today:
        raise _Invalid(_("Tanggal tidak boleh di masa depan."))
    if spec.not_before and value < spec.not_before:
        raise _Invalid(_("Tanggal paling awal %(date)s.") % {"date": spec.not_before.isoformat()})
    return value.isoformat()


def _choice(spec: ChoiceField, raw, today) -> str:
    if not isinstance(raw, str) or raw not in {choice.value for choice in spec.choices}:
        raise _Invalid(_("Pilih salah satu pilihan yang tersedia."))
    return raw


def _address(spec: AddressField, raw, today) -> dict:
    if not isinstance(raw, dict):
        raise _Invalid(_("Lengkapi alamat."))
    village = raw.get("village_code")
    if not isinstance(village, str) or not VILLAGE_CODE.match(village):
        raise _Invalid(_("Pilih desa/kelurahan."))
    street = raw.get("street")
    if not isinstance(street, str) or not 3 <= len(street.strip()) <= 200:
        raise _Invalid(_("Isikan nama jalan dan nomor rumah."))
    rt, rw = raw.get("rt", ""), raw.get("rw", "")
    if not (isinstance(rt, str) and RT_RW.match(rt) and isinstance(rw, str) and RT_RW.match(rw)):
        raise _Invalid(_("RT dan RW berupa angka, paling banyak 3 digit."))
    return {"village_code": village, "street": " ".join(street.split()), "rt": rt.zfill(3), "rw": rw.zfill(3)}


def _person(spec: PersonField, raw, today) -> dict:
    nik = raw.get("nik") if isinstance(raw, dict) else None
    if not isinstance(nik, str):
        raise _Invalid(_("Pilih orangnya."))
    try:
        validate_nik(nik)
    except ValidationError as error:
        raise _Invalid(error.messages[0]) from None
    return {"nik": nik.strip()}


def _document(spec: DocumentField, raw, today) -> dict:
    if not isinstance(raw, dict):
        raise _Invalid(_("Pilih dokumen dari brankas atau unggah berkasnya."))
    source = raw.get("source")
    document_id = raw.get("id")
    if source not in ("vault", "upload") or not isinstance(document_id, str) or not UUID.match(document_id):
        raise _Invalid(_("Pilih dokumen dari brankas atau unggah berkasnya."))
    return {"source": source, "id": document_id}


def _declaration(spec: DeclarationField, raw, today) -> bool:
    if raw is not True and raw not in ("on", "true", "1"):
        raise _Invalid(_("Konfirmasi pernyataan ini untuk melanjutkan."))
    return True


_CLEANERS = {
    TextField: _text,
    NumberField: _number,
    DateField: _date,
    ChoiceField: _choice,
    AddressField: _address,
    PersonField: _person,
    DocumentField: _document,
    DeclarationField: _declaration,
}
