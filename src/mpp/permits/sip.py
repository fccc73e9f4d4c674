"""The health-worker practice permit (SIP): its STR read from SISDMK, never uploaded.

Before a SIP application is accepted, the applicant's STR is read from SISDMK by NIK (the
once-only principle: the state holds it): it must be valid and of the profession applied
for, and a doctor or dentist may hold at most three practice places (UU 17/2023, PP 28/2024).
The STR's number and end go with the application; when the permit is issued its validity
follows the STR and the new practice place is registered in SISDMK, so the count stays true
for the next application anywhere in the country.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpp.audit.models import AccessKind
from mpp.audit.services import record_data_access
from mpp.core.errors import Unavailable
from mpp.forms.prefill import Prefill
from mpp.registry import sisdmk

SOURCE = "SATUSEHAT SDMK (Kementerian Kesehatan)"
#: Practice places a professional may hold at once, by profession (others: no national limit).
MAX_PRACTICE_PLACES = {"dokter": 3, "dokter_gigi": 3}
#: A lifelong STR (UU 17/2023) has no end for the permit to follow: the permit then runs this long.
YEARS_FOR_A_LIFELONG_STR = 5


def _unavailable() -> Unavailable:
    return Unavailable(_("SATUSEHAT SDMK belum dapat dihubungi. Tidak ada yang berubah; silakan coba lagi nanti."))


def check(*, applicant, values: dict) -> tuple[dict[str, str], dict[str, Prefill]]:
    """Field errors for a SIP application, after reading the applicant's STR from SISDMK.

    On success ``values`` gains the STR's number and end (``str_number``, ``str_valid_until``),
    and the STR number's source is returned. Raises Unavailable when SISDMK does not answer.
    """
    actor = _actor(applicant)
    try:
        worker = sisdmk.health_worker(applicant.nik, actor=actor)
    except sisdmk.SisdmkUnavailable as exc:
        raise _unavailable() from exc
    _record_read(applicant, found=worker is not None)
    if worker is None:
        return {"str_number": _("SATUSEHAT SDMK tidak memiliki STR atas NIK Anda.")}, {}
    registration = worker.valid_registration(values.get("str_number") or None)
    if registration is None:
        return {"str_number": _("Tidak ada STR yang masih berlaku atas NIK Anda di SATUSEHAT SDMK.")}, {}
    if registration.profession.code != values.get("profession"):
        return {
            "profession": _("STR Anda untuk profesi %(profession)s, bukan profesi yang Anda pilih.")
            % {"profession": registration.profession.label}
        }, {}
    limit = MAX_PRACTICE_PLACES.get(registration.profession.code)
    if limit is not None and len(worker.practice_places) >= limit:
        return {
            "practice_name": _("Anda sudah memiliki %(count)d tempat praktik, batas untuk profesi Anda.")
            % {"count": len(worker.practice_places)}
        }, {}
    values["str_number"] = registration.number
    values["str_valid_until"] = registration.expires_on.isoformat() if registration.expires_on else ""
    return {}, {"str_number": Prefill(registration.number, "sisdmk", SOURCE, timezone.now(), locked=True)}


def valid_until(application, issued_on: dt.date) -> dt.date:
    """The permit's end: the STR's, or for a lifelong STR the term the region gives a permit."""
    str_end = application.data.get("str_valid_until")
    if str_end:
        return dt.date.fromisoformat(str_end)
    return issued_on.replace(year=issued_on.year + YEARS_FOR_A_LIFELONG_STR)


def after_issue(application, issued, *, actor_label: str) -> None:
    """Tell SISDMK about the new practice place (idempotent by SIP number: a retry is harmless)."""
    data = application.data
    try:
        sisdmk.register_practice_place(
            nik=application.applicant.nik,
            str_number=data["str_number"],
            sip_number=issued.number,
            facility=data.get("practice_name", ""),
            facility_type=data.get("facility_type") or None,
            region_code=application.region_id,
            valid_until=issued.valid_until,
            actor=sisdmk.Actor(actor_label, _purpose(application)),
        )
    except sisdmk.SisdmkUnavailable as exc:
        raise _unavailable() from exc


def after_revoke(issued, *, actor_label: str) -> None:
    """The practice place ends with its revoked permit."""
    try:
        sisdmk.end_practice_place(issued.number, actor=sisdmk.Actor(actor_label, _purpose(issued.application)))
    except sisdmk.SisdmkUnavailable as exc:
        raise _unavailable() from exc


def _actor(applicant) -> sisdmk.Actor:
    with translation.override(settings.LANGUAGE_CODE):
        return sisdmk.Actor("MPP Digital", _("Permohonan Surat Izin Praktik oleh pemiliknya"))


def _purpose(application) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Surat Izin Praktik, permohonan %(number)s") % {"number": application.tracking_number}


def _record_read(applicant, *, found: bool) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        record_data_access(
            subject_nik=applicant.nik,
            kind=AccessKind.SISDMK_READ,
            actor=applicant,
            actor_label="MPP Digital",
            purpose=_("Permohonan Surat Izin Praktik: STR dan tempat praktik dibaca dari SATUSEHAT SDMK"),
            fields=["str", "practice_places"],
            outcome="ditemukan" if found else "tidak ditemukan",
        )
