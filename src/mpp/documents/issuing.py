"""What each service's result says: one small function per document, from the application's data.

The Dukcapil outputs (akta kelahiran, KIA, KK) and the practice permit (SIP). A service whose
template has no entry here issues no document: its approval is the result (e.g. a letter
collected at the counter).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from mpp.permits import sip
from mpp.registry.nik import mask_nik
from mpp.registry.selectors import family_record, person_record

from .models import DocumentType
from .rendering import indonesian_date


@dataclass(frozen=True)
class Content:
    """A document's wording before it is numbered, rendered and signed."""

    document_type: str
    title: str
    holder_name: str
    holder_nik: str
    fields: list[tuple[str, str]]
    #: What /verify/<code> shows: enough to recognise the document, no full NIK.
    key_fields: list[tuple[str, str]]
    number_prefix: str
    valid_until: dt.date | None = None
    table_header: tuple[str, ...] = ()
    table_rows: list[tuple[str, ...]] = field(default_factory=list)
    extra_lines: tuple[str, ...] = ()
    #: Issuing this revokes the earlier documents whose number starts with ``number_prefix``
    #: (a new family card supersedes the old one).
    supersedes_earlier: bool = False


def content_for(application, *, issued_on: dt.date) -> Content | None:
    """The application's result document, or None when its service issues none."""
    build = BUILDERS.get(application.service.template.slug)
    if build is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):  # documents are in Indonesian, whoever approves
        return build(application, issued_on)


def _person(nik: str) -> dict:
    record = person_record(nik) if nik else None
    return record.data if record else {}


def _name_of(value) -> str:
    nik = value.get("nik", "") if isinstance(value, dict) else ""
    return _person(nik).get("name", "") if nik else ""


def _date(value: str) -> str:
    try:
        return indonesian_date(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return value or "—"


def _birth_certificate(application, issued_on: dt.date) -> Content:
    data = application.data
    applicant = _person(application.applicant.nik)
    mother_or_father = applicant.get("name", application.applicant.get_full_name())
    other_parent = _name_of(data.get("other_parent"))
    born = f"{data.get('birth_place', '')}, {_date(data.get('birth_date', ''))}"
    return Content(
        document_type=DocumentType.AKTA_KELAHIRAN,
        title=_("KUTIPAN AKTA KELAHIRAN"),
        holder_name=data.get("child_name", ""),
        holder_nik=application.beneficiary_nik,
        number_prefix=f"{application.region_id.replace('.', '')}-LU",
        fields=[
            (_("Nama"), data.get("child_name", "")),
            (_("Jenis kelamin"), data.get("child_sex", "")),
            (_("Tempat dan tanggal lahir"), born),
            (_("Anak ke-"), str(data.get("birth_order", ""))),
            (_("Nama orang tua"), " dan ".join(name for name in (other_parent, mother_or_father) if name)),
            (_("Nomor Kartu Keluarga"), data.get("kk_number", "")),
        ],
        key_fields=[
            (_("Nama"), data.get("child_name", "")),
            (_("Tempat dan tanggal lahir"), born),
        ],
    )


def _child_id_card(application, issued_on: dt.date) -> Content:
    data = application.data
    nik = application.beneficiary_nik or application.applicant.nik
    child = _person(nik)
    born = f"{child.get('birth_place', '')}, {_date(data.get('birth_date') or child.get('birth_date', ''))}".strip(", ")
    # A KIA runs until the child turns 17, when the KTP-el takes over.
    birth = child.get("birth_date") or data.get("birth_date") or ""
    try:
        born_on = dt.date.fromisoformat(birth)
        valid_until = born_on.replace(year=born_on.year + 17) - dt.timedelta(days=1)
    except ValueError:
        valid_until = None
    return Content(
        document_type=DocumentType.KIA,
        title=_("KARTU IDENTITAS ANAK"),
        holder_name=data.get("name") or child.get("name", ""),
        holder_nik=nik,
        number_prefix="KIA",
        valid_until=valid_until,
        fields=[
            (_("NIK"), nik),
            (_("Nama"), data.get("name") or child.get("name", "")),
            (_("Tempat dan tanggal lahir"), born),
            (_("Jenis kelamin"), child.get("sex", "")),
            (_("Nomor Kartu Keluarga"), data.get("kk_number", "")),
            (_("Nama kepala keluarga"), _name_of(data.get("parent"))),
            (_("Berlaku hingga"), indonesian_date(valid_until) if valid_until else "—"),
        ],
        key_fields=[(_("Nama"), data.get("name") or child.get("name", "")), (_("NIK"), mask_nik(nik))],
    )


def _family_card(application, issued_on: dt.date) -> Content:
    data = application.data
    kk_number = data.get("kk_number", "")
    family = family_record(kk_number)
    members = family.data.get("members", []) if family else []
    head = next((m for m in members if m.get("relationship") == "KEPALA KELUARGA"), members[0] if members else {})
    return Content(
        document_type=DocumentType.KARTU_KELUARGA,
        title=_("KARTU KELUARGA"),
        holder_name=head.get("name", ""),
        holder_nik=head.get("nik", application.applicant.nik),
        number_prefix=f"KK-{kk_number}",
        supersedes_earlier=True,
        fields=[
            (_("Nomor Kartu Keluarga"), kk_number),
            (_("Nama kepala keluarga"), head.get("name", "")),
            (_("Jenis permohonan"), data.get("request_kind", "")),
        ],
        table_header=(_("NIK"), _("Nama"), _("Hubungan keluarga"), _("Tanggal lahir")),
        table_rows=[
            (m.get("nik", ""), m.get("name", ""), m.get("relationship", ""), _date(m.get("birth_date", "")))
            for m in members
        ],
        key_fields=[(_("Nomor Kartu Keluarga"), kk_number), (_("Nama kepala keluarga"), head.get("name", ""))],
    )


_PROFESSIONS = {
    "dokter": "DOKTER",
    "dokter_gigi": "DOKTER GIGI",
    "perawat": "PERAWAT",
    "bidan": "BIDAN",
    "apoteker": "APOTEKER",
}


def _practice_permit(application, issued_on: dt.date) -> Content:
    data = application.data
    profession = _PROFESSIONS.get(data.get("profession", ""), data.get("profession", "").upper())
    name = data.get("name") or _person(application.applicant.nik).get("name", "")
    until = sip.valid_until(application, issued_on)
    address = data.get("practice_address") or {}
    where = address.get("street", "") if isinstance(address, dict) else str(address)
    return Content(
        document_type=DocumentType.SIP,
        title=_("SURAT IZIN PRAKTIK %(profession)s") % {"profession": profession},
        holder_name=name,
        holder_nik=application.applicant.nik,
        number_prefix=f"SIP-{data.get('profession', '').upper()}/{application.region_id}",
        valid_until=until,
        fields=[
            (_("Nama"), name),
            (_("NIK"), mask_nik(application.applicant.nik)),
            (_("Profesi"), profession.title()),
            (_("Nomor STR"), data.get("str_number", "")),
            (_("Tempat praktik"), data.get("practice_name", "")),
            (_("Alamat tempat praktik"), where or "—"),
            (_("Hari dan jam praktik"), data.get("practice_hours", "")),
            (_("Berlaku sampai"), indonesian_date(until)),
        ],
        key_fields=[
            (_("Nama"), name),
            (_("Profesi"), profession.title()),
            (_("Nomor STR"), data.get("str_number", "")),
            (_("Tempat praktik"), data.get("practice_name", "")),
        ],
        extra_lines=(
            _("Berdasarkan UU Nomor 17 Tahun 2023 tentang Kesehatan dan PP Nomor 28 Tahun 2024."),
            _("Surat izin ini berlaku selama STR berlaku dan tempat praktik masih sesuai."),
        ),
    )


BUILDERS: dict[str, Callable] = {
    "akta-kelahiran": _birth_certificate,
    "kia": _child_id_card,
    "kartu-keluarga": _family_card,
    "sip-tenaga-kesehatan": _practice_permit,
}

#: What else happens when a template's document is issued or revoked: a permit's practice place
#: is registered in SISDMK, and ended with it, so the national count of places stays true.
AFTER_ISSUE: dict[str, Callable] = {"sip-tenaga-kesehatan": sip.after_issue}
AFTER_REVOKE: dict[str, Callable] = {"sip-tenaga-kesehatan": sip.after_revoke}
