"""Reads of the data-use records, above all the citizen's "who used my data" log.

The log is kept raw and complete (``DataAccess``: one row per use, never edited). What the citizen
reads is made human here:

- **one line per use**: the same use repeated within ``REPEAT_WINDOW`` is one line with a count
  (an officer's page is shown again after each of their own actions: open, claim, decide are three
  rows of one reading of the file);
- **words, not keys**: each field by its label in the reader's language, from the form of the
  application it belongs to, else from ``FIELD_LABELS``, else the key made readable;
- **grouped by what it was about**: the app that recorded a use about one of its records (an
  application named in the purpose) says what that record is, its region's time zone and what its
  fields are called. Such apps register a describer (``describes``) in a ``data_uses`` module,
  found the way Django's admin finds ``admin`` modules: audit sits below them and imports none.
"""

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import QuerySet
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from .models import AccessKind, DataAccess

#: The same use again within this time is the same reading: one line, with a count.
REPEAT_WINDOW = dt.timedelta(minutes=30)

#: The filter of the log page: its GET value, its label, the kinds it shows.
KIND_FILTERS: dict[str, tuple] = {
    "petugas": (_("Dilihat petugas"), (AccessKind.OFFICER_VIEW,)),
    # Every exchange with a population or workforce registry: a match, a read, a KK, an event recorded there.
    "registri": (
        _("Data di Dukcapil atau SATUSEHAT SDMK"),
        tuple(kind for kind in AccessKind if kind.value.startswith(("registry_", "family_", "sisdmk_"))),
    ),
    "wajah": (_("Verifikasi wajah"), (AccessKind.FACE_CHECK,)),
    "instansi": (_("Dikirim ke sistem instansi"), (AccessKind.SSO_RELEASE,)),
    "kuasa": (_("Tindakan atas nama orang lain"), (AccessKind.ON_BEHALF,)),
}

#: Personal data named the same way by every recorder: registry elements, SSO claims, SATUSEHAT SDMK reads.
FIELD_LABELS = {
    "name": _("nama"),
    "birth_date": _("tanggal lahir"),
    "birthdate": _("tanggal lahir"),
    "birth_place": _("tempat lahir"),
    "gender": _("jenis kelamin"),
    "nik": _("NIK"),
    "address": _("alamat"),
    "kk_number": _("nomor KK"),
    "family_members": _("anggota keluarga"),
    "email": _("alamat surel"),
    "email_verified": _("status verifikasi surel"),
    "phone_number": _("nomor telepon"),
    "phone_number_verified": _("status verifikasi nomor telepon"),
    "str": _("STR (Surat Tanda Registrasi)"),
    "practice_places": _("tempat praktik"),
    "data kependudukan": _("data kependudukan"),
    "kartu keluarga": _("kartu keluarga"),
    "foto wajah": _("foto wajah"),
    "berkas": _("berkas"),
    "permohonan": _("permohonan"),
}

#: What came of a use, when the kind does not say it already ("" for nothing to add).
OUTCOME_LABELS = {
    "dilihat": "",
    "dibuka": _("dibuka"),
    "dikirim": _("dikirim"),
    "berhasil": _("berhasil"),
    "gagal": _("gagal: layanan tidak menjawab"),
    "cocok": _("cocok"),
    "tidak cocok": _("tidak cocok"),
    "ditemukan": _("ditemukan"),
    "tidak ditemukan": _("tidak ditemukan"),
    "parent_of_minor": _("sebagai orang tua"),
    "delegation": _("sebagai penerima kuasa"),
}


def data_uses_about(nik: str) -> QuerySet[DataAccess]:
    """Every recorded use of a person's data, newest first, one row per record (raw; the page reads ``use_lines``)."""
    return DataAccess.objects.filter(subject_nik=nik).select_related("actor").order_by("-created_at")


@dataclass(frozen=True)
class Subject:
    """What a use was about, as the app that keeps that record describes it."""

    #: Groups the lines about the same record (an application's tracking number).
    key: str
    title: str
    #: Where the citizen opens the record ("" when they cannot).
    url: str = ""
    #: The IANA time zone of the record's region: its times are shown there.
    zone: str = ""
    #: Field key → label, in the active language.
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass
class UseLine:
    """One use as the citizen reads it: the first time, and how often and until when it was repeated."""

    id: UUID
    kind: str
    actor_label: str
    purpose: str
    fields: tuple[str, ...]
    outcome: str
    at: dt.datetime
    last_at: dt.datetime
    times: int = 1
    # Set by ``described`` for the lines of the page shown:
    subject: Subject | None = None
    zone: str = ""
    field_labels: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(AccessKind(self.kind).label) if self.kind in AccessKind.values else self.kind

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.outcome, self.outcome))


@dataclass
class UseGroup:
    """The lines of a page about one record (``subject``), or about the person and their account (None)."""

    subject: Subject | None
    lines: list[UseLine]


#: (subject NIK, lines) → {line id: what the line is about}, for the lines about the describer's records.
Describer = Callable[[str, Sequence[UseLine]], Mapping[UUID, Subject]]
_describers: list[Describer] = []


def describes(describer: Describer) -> Describer:
    """Register ``describer`` (a decorator, used in an app's ``data_uses`` module)."""
    if describer not in _describers:
        _describers.append(describer)
    return describer


def use_lines(nik: str, *, kinds: Iterable[str] | None = None) -> list[UseLine]:
    """Every use of ``nik``'s data (of ``kinds``, else all), newest first, repeats within REPEAT_WINDOW as one line.

    Reads the person's rows once (the ``access_subject_recent`` index), only the columns shown.
    """
    rows = DataAccess.objects.filter(subject_nik=nik)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    rows = rows.order_by("-created_at").values_list(
        "id", "kind", "actor_id", "actor_label", "purpose", "fields", "outcome", "on_behalf_of_nik", "created_at"
    )
    lines: list[UseLine] = []
    latest: dict[tuple, UseLine] = {}
    for pk, kind, actor_id, actor_label, purpose, fields, outcome, other, at in rows.iterator(chunk_size=2000):
        fields = tuple(fields or ())
        same = (kind, actor_id, actor_label, purpose, fields, outcome, other)
        line = latest.get(same)
        if line is not None and line.at - at <= REPEAT_WINDOW:
            line.at = at  # an earlier repeat: the line starts then
            line.times += 1
            continue
        latest[same] = line = UseLine(
            id=pk,
            kind=kind,
            actor_label=actor_label,
            purpose=purpose,
            fields=fields,
            outcome=outcome,
            at=at,
            last_at=at,
        )
        lines.append(line)
    return lines


def described(nik: str, lines: Sequence[UseLine], *, home_zone: str) -> list[UseGroup]:
    """``lines`` (a page of them) with field labels and time zones, grouped by what they were about.

    A line about a record is shown in its region's zone; any other in ``home_zone`` (the reader's).
    Groups keep the order of their newest line.
    """
    subjects: dict[UUID, Subject] = {}
    for describer in _all_describers():
        subjects |= describer(nik, lines)
    groups: dict[str, UseGroup] = {}
    for line in lines:
        line.subject = subjects.get(line.id)
        line.zone = (line.subject.zone if line.subject else "") or home_zone
        labels = line.subject.labels if line.subject else {}
        in_form_order = sorted(line.fields, key=_position_in(labels))
        line.field_labels = [str(labels.get(key) or FIELD_LABELS.get(key) or _readable(key)) for key in in_form_order]
        key = line.subject.key if line.subject else ""
        groups.setdefault(key, UseGroup(subject=line.subject, lines=[])).lines.append(line)
    return list(groups.values())


def _position_in(labels: Mapping[str, str]) -> Callable[[str], int]:
    """Fields in the order their form asks them (``labels`` keeps it); unknown ones after, as recorded."""
    order = {key: position for position, key in enumerate(labels)}
    return lambda key: order.get(key, len(order))


def _readable(key: str) -> str:
    return key.replace("_", " ").strip()


def _all_describers() -> list[Describer]:
    _discover()
    return list(_describers)


@functools.cache
def _discover() -> None:
    autodiscover_modules("data_uses")
