"""What each service's result says: the official form of each document, and where each value comes from.

``FORMS`` is the table: for every document the platform issues, its title, the legal source of its
content, and the fields its official form carries, in order (the registration number is the
document's number, printed under the title). A builder fills them from two sources
only (``Sources``): the application's own recorded data, and the population registry — our dated
copies of it (each read from Dukcapil, with when) or, for a person no copy knows, a read at the
moment of issue. Never from "whoever happens to have an account". A required value that is missing
stops the issue with ``IssueRefused``, naming it: the approval is undone, nothing is signed or stored.

A service whose template has no builder issues no document: its approval is the result.

The letters of villages and kelurahan (``VILLAGE_LETTERS``) share one builder: the person the letter is
about as the registry holds them, the letter's own values from the application, and the village whose
government issues it (the application's village agency, else the village of the address the letter is
about), which heads the letter (``Content.issuer``) and is named in what its head states.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from num2words import num2words

from mpp.core.errors import DomainError, Unavailable
from mpp.permits import sip
from mpp.regions.models import Level, Region
from mpp.registry.nik import mask_nik
from mpp.registry.selectors import family_record, known_person, person_record
from mpp.registry.services import Actor, RegistryUnavailable, read_family, read_person

from .models import DocumentType
from .rendering import indonesian_date


@dataclass(frozen=True)
class OfficialForm:
    """One document's official content: ``fields`` in the order the form prints them; all are
    required except ``optional`` (printed when known, e.g. the father on a birth certificate of a
    child whose father is not recorded)."""

    title: str
    legal_source: str
    fields: tuple[str, ...]
    optional: frozenset[str] = frozenset()
    table: tuple[str, ...] = ()


#: What every letter of a village or kelurahan rests on, before what its own subject adds.
_VILLAGE_LAW = "UU 6/2014 tentang Desa jo. UU 3/2024; PP 73/2005 tentang Kelurahan"
#: How a village letter starts: the person it is about, as the registry holds them (``_identity``).
_PERSON = ("NIK", "Nama", "Tempat dan tanggal lahir", "Jenis kelamin")

# The table (labels in Indonesian, as the documents are printed).
FORMS: dict[str, OfficialForm] = {
    DocumentType.AKTA_KELAHIRAN: OfficialForm(
        title="KUTIPAN AKTA KELAHIRAN",
        legal_source="UU 23/2006 jo. UU 24/2013 (Administrasi Kependudukan) Pasal 27; Permendagri 108/2019, "
        "blangko kutipan akta kelahiran",
        fields=(
            "NIK",
            "Nama",
            "Tempat lahir",
            "Tanggal lahir",
            "Jenis kelamin",
            "Anak ke-",
            "Nama ayah",
            "Nama ibu",
            "Kewarganegaraan",
            "Nomor Kartu Keluarga",
        ),
        optional=frozenset({"Nama ayah"}),  # a child whose father is not recorded: "anak seorang ibu"
    ),
    DocumentType.AKTA_KEMATIAN: OfficialForm(
        title="KUTIPAN AKTA KEMATIAN",
        legal_source="UU 23/2006 jo. UU 24/2013 Pasal 44; Permendagri 108/2019, blangko kutipan akta kematian",
        fields=(
            "NIK",
            "Nama",
            "Jenis kelamin",
            "Tempat lahir",
            "Tanggal lahir",
            "Tempat meninggal",
            "Tanggal meninggal",
            "Nomor Kartu Keluarga",
        ),
    ),
    DocumentType.KARTU_KELUARGA: OfficialForm(
        title="KARTU KELUARGA",
        legal_source="UU 23/2006 jo. UU 24/2013 Pasal 61; Permendagri 108/2019, blangko kartu keluarga",
        fields=(
            "Nomor Kartu Keluarga",
            "Nama kepala keluarga",
            "Alamat",
            "RT/RW",
            "Desa/Kelurahan",
            "Kecamatan",
            "Kabupaten/Kota",
            "Provinsi",
            "Kode pos",
        ),
        optional=frozenset({"Kode pos"}),
        table=(
            "Nama lengkap",
            "NIK",
            "Jenis kelamin",
            "Tempat, tanggal lahir",
            "Agama",
            "Pekerjaan",
            "Status perkawinan",
            "Hubungan keluarga",
            "Nama ayah / ibu",
        ),
    ),
    DocumentType.KIA: OfficialForm(
        title="KARTU IDENTITAS ANAK",
        legal_source="Permendagri 2/2016 tentang Kartu Identitas Anak, Pasal 4",
        fields=(
            "NIK",
            "Nama",
            "Tempat lahir",
            "Tanggal lahir",
            "Jenis kelamin",
            "Agama",
            "Kewarganegaraan",
            "Nomor Kartu Keluarga",
            "Nama kepala keluarga",
            "Alamat",
            "Berlaku hingga",
        ),
    ),
    DocumentType.SKPWNI: OfficialForm(
        title="SURAT KETERANGAN PINDAH WARGA NEGARA INDONESIA",
        legal_source="Permendagri 108/2019, formulir F-1.03 dan blangko SKPWNI",
        fields=(
            "NIK pemohon",
            "Nama pemohon",
            "Nomor Kartu Keluarga",
            "Nama kepala keluarga",
            "Alamat asal",
            "Alamat tujuan",
            "Alasan pindah",
            "Jenis kepindahan",
            "Tanggal pindah",
        ),
        table=("NIK", "Nama", "Hubungan keluarga"),
    ),
    DocumentType.AKTA_PERKAWINAN: OfficialForm(
        title="KUTIPAN AKTA PERKAWINAN",
        legal_source="UU 1/1974 tentang Perkawinan; UU 23/2006 jo. UU 24/2013 Pasal 34; "
        "Permendagri 108/2019, blangko kutipan akta perkawinan",
        fields=(
            "Nama suami",
            "NIK suami",
            "Nama istri",
            "NIK istri",
            "Tanggal perkawinan",
            "Tempat perkawinan",
            "Agama",
            "Pemuka agama",
        ),
    ),
    DocumentType.SIP: OfficialForm(
        title="SURAT IZIN PRAKTIK",
        legal_source="UU 17/2023 tentang Kesehatan Pasal 263; PP 28/2024 Pasal 681",
        fields=(
            "Nama",
            "NIK",
            "Profesi",
            "Nomor STR",
            "Tempat praktik",
            "Alamat tempat praktik",
            "Hari dan jam praktik",
            "Berlaku sampai",
        ),
    ),
    # -- letters of villages and kelurahan: no national blangko; they state what their service standards say --
    DocumentType.SURAT_KETERANGAN_DOMISILI: OfficialForm(
        title="SURAT KETERANGAN DOMISILI",
        legal_source=f"{_VILLAGE_LAW}; Permendagri 47/2016 (buku administrasi penduduk desa)",
        fields=(
            *_PERSON,
            "Agama",
            "Status perkawinan",
            "Pekerjaan",
            "Kewarganegaraan",
            "Alamat",
            "Alamat domisili",
            "Tinggal sejak",
            "Keperluan",
        ),
    ),
    DocumentType.SKTM: OfficialForm(
        title="SURAT KETERANGAN TIDAK MAMPU",
        legal_source=f"{_VILLAGE_LAW}; UU 13/2011 tentang Penanganan Fakir Miskin",
        fields=(
            *_PERSON,
            "Pekerjaan",
            "Alamat",
            "Nomor Kartu Keluarga",
            "Jumlah anggota keluarga",
            "Penghasilan keluarga per bulan",
            "Keperluan",
            "Untuk anggota keluarga",
        ),
        optional=frozenset({"Untuk anggota keluarga"}),  # the applicant's own need: no one else is named
    ),
    DocumentType.SURAT_KETERANGAN_USAHA: OfficialForm(
        title="SURAT KETERANGAN USAHA",
        legal_source=f"{_VILLAGE_LAW}; PP 7/2021 (usaha mikro dan kecil)",
        fields=(
            *_PERSON,
            "Pekerjaan",
            "Alamat",
            "Nama usaha",
            "Jenis usaha",
            "Alamat usaha",
            "Mulai usaha sejak tahun",
            "Keperluan",
        ),
    ),
    DocumentType.SURAT_PENGANTAR_SKCK: OfficialForm(
        title="SURAT PENGANTAR SKCK",
        legal_source=f"{_VILLAGE_LAW}; Perpol 6/2023 tentang Penerbitan SKCK",
        fields=(
            *_PERSON,
            "Agama",
            "Status perkawinan",
            "Pekerjaan",
            "Kewarganegaraan",
            "Alamat",
            "Keperluan",
        ),
    ),
    DocumentType.SURAT_PENGANTAR_NIKAH: OfficialForm(
        title="SURAT PENGANTAR PERKAWINAN",
        legal_source=f"{_VILLAGE_LAW}; PMA 20/2019 tentang Pencatatan Pernikahan, pengantar nikah (formulir N1–N4)",
        fields=(
            *_PERSON,
            "Kewarganegaraan",
            "Agama",
            "Pekerjaan",
            "Alamat",
            "Status perkawinan",
            "Nama ayah",
            "Nama ibu",
            "Nama calon pasangan",
            "NIK calon pasangan",
            "KUA tujuan",
        ),
        optional=frozenset({"Nama calon pasangan", "NIK calon pasangan"}),
    ),
    DocumentType.SURAT_PENGANTAR_PINDAH: OfficialForm(
        title="SURAT PENGANTAR PINDAH",
        legal_source=f"{_VILLAGE_LAW}; Permendagri 108/2019 (pelayanan pindah datang)",
        fields=(
            "NIK",
            "Nama",
            "Nomor Kartu Keluarga",
            "Nama kepala keluarga",
            "Alamat asal",
            "Alamat tujuan",
            "Alasan pindah",
            "Jenis kepindahan",
            "Rencana tanggal pindah",
        ),
        table=("NIK", "Nama", "Hubungan keluarga"),
    ),
    DocumentType.SURAT_KETERANGAN_KEMATIAN_DESA: OfficialForm(
        title="SURAT KETERANGAN KEMATIAN",
        legal_source=f"{_VILLAGE_LAW}; Perpres 96/2018 (surat kematian dari kepala desa/lurah)",
        fields=(
            *_PERSON,
            "Agama",
            "Alamat",
            "Nomor Kartu Keluarga",
            "Tanggal meninggal",
            "Jam meninggal",
            "Tempat meninggal",
            "Sebab kematian",
            "Nama pelapor",
            "Hubungan pelapor",
        ),
        optional=frozenset({"Jam meninggal"}),
    ),
    DocumentType.SURAT_KETERANGAN_BELUM_MENIKAH: OfficialForm(
        title="SURAT KETERANGAN BELUM PERNAH MENIKAH",
        legal_source=f"{_VILLAGE_LAW}; UU 1/1974 tentang Perkawinan jo. UU 16/2019",
        fields=(
            *_PERSON,
            "Agama",
            "Pekerjaan",
            "Kewarganegaraan",
            "Alamat",
            "Status perkawinan",
            "Keperluan",
        ),
    ),
}


class IssueRefused(DomainError):
    """A value the document must carry is missing: nothing is signed or stored."""


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
    #: The letterhead, top down, when the document names its issuer itself (a village's letter: its
    #: kabupaten/kota, kecamatan and village); empty: the region and the application's agency.
    issuer: tuple[str, ...] = ()


class Sources:
    """Where a document's values may come from: the application's data and the registry.

    ``person(nik)`` is the registry's record of a person: our dated copy of that person, else the
    member entry of a family card we hold a dated copy of, else a read from the registry now
    (recorded in that person's data-use log, by the issuing official). Unknown: ``{}``.
    """

    def __init__(self, application, *, official, official_label: str):
        self.application = application
        self.official = official
        self.actor = Actor(
            official_label,
            _("Penerbitan dokumen hasil permohonan %(number)s") % {"number": application.tracking_number},
        )
        self._people: dict[str, dict] = {}
        self._families: dict[str, dict] = {}

    @property
    def data(self) -> dict:
        return self.application.data

    def person(self, nik: str | None) -> dict:
        if not nik:
            return {}
        if nik not in self._people:
            self._people[nik] = self._find_person(nik)
        return self._people[nik]

    def person_in(self, value) -> dict:
        """The person a form's ``person`` field names (``{"nik": …}``)."""
        return self.person(value.get("nik") if isinstance(value, dict) else None)

    def family(self, kk_number: str | None) -> dict:
        if not kk_number:
            return {}
        if kk_number not in self._families:
            record = family_record(kk_number)
            if record is None:
                record = self._ask(
                    lambda: read_family(
                        kk_number=kk_number,
                        subject_nik=self.application.applicant.nik,
                        actor=self.actor,
                        actor_user=self.official,
                    )
                )
            self._families[kk_number] = record.data if record else {}
        return self._families[kk_number]

    def _find_person(self, nik: str) -> dict:
        applicant = person_record(self.application.applicant.nik)
        cards = [self.data.get("kk_number"), applicant.kk_number if applicant else None]
        known = known_person(nik, family_cards=cards)
        if known is not None:
            return known.data
        record = self._ask(
            lambda: read_person(
                nik=nik, actor=self.actor, actor_user=self.official, on_behalf_of_nik=self.application.applicant.nik
            )
        )
        return record.data if record else {}

    def _ask(self, read):
        try:
            return read()
        except RegistryUnavailable:
            raise Unavailable(
                _("Database kependudukan tidak dapat dihubungi, jadi dokumen belum dapat diterbitkan. Coba lagi.")
            ) from None


def content_for(application, *, issued_on: dt.date, official=None, official_label: str = "") -> Content | None:
    """The application's result document, or None when its service issues none.

    Raises ``IssueRefused`` naming the fields the official form needs and the sources lack, and
    ``Unavailable`` when the registry must be asked and does not answer.
    """
    build = BUILDERS.get(application.service.template.slug)
    if build is None:
        return None
    sources = Sources(application, official=official, official_label=official_label)
    with translation.override(settings.LANGUAGE_CODE):  # documents are in Indonesian, whoever approves
        return build(sources, issued_on)


# -- wording helpers -----------------------------------------------------------------------------------


def in_words(day: dt.date) -> str:
    """``20 November 2026 (dua puluh November dua ribu dua puluh enam)``, as official forms write dates."""
    words = f"{num2words(day.day, lang='id')} {indonesian_date(day).split(' ')[1]} {num2words(day.year, lang='id')}"
    return f"{indonesian_date(day)} ({words})"


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _date_in_words(value) -> str:
    day = _day(value)
    return in_words(day) if day else ""


def _plain_date(value) -> str:
    day = _day(value)
    return indonesian_date(day) if day else ""


def _ordinal(value) -> str:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    return f"{number} ({num2words(number, lang='id', to='ordinal')})"


def _title(value) -> str:
    return str(value or "").strip().title()


def _address_lines(address: dict) -> dict[str, str]:
    """Street, RT/RW and the region names of an address from the registry or a form (codes resolved)."""
    if not isinstance(address, dict):
        return {}
    names = {
        key: str(address.get(f"{key}_name") or "").upper() for key in ("village", "district", "regency", "province")
    }
    code = address.get("village_code", "")
    if code and not all(names.values()):
        regions = {region.level: region for region in _ancestry(code)}
        for level, key in ((4, "village"), (3, "district"), (2, "regency"), (1, "province")):
            if not names[key] and level in regions:
                names[key] = regions[level].name.upper()
    rt, rw = address.get("rt", ""), address.get("rw", "")
    return {
        "Alamat": address.get("street", ""),
        "RT/RW": f"{rt}/{rw}" if rt and rw else "",
        "Desa/Kelurahan": names["village"],
        "Kecamatan": names["district"],
        "Kabupaten/Kota": names["regency"],
        "Provinsi": names["province"],
        "Kode pos": address.get("postal_code", ""),
    }


def _ancestry(code: str) -> list[Region]:
    region = Region.objects.filter(code=code).select_related("parent__parent__parent").first()
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def _one_line(address: dict) -> str:
    parts = _address_lines(address)
    pieces = [parts.get("Alamat", "")]
    if parts.get("RT/RW"):
        pieces.append(f"RT/RW {parts['RT/RW']}")
    pieces += [parts.get(key, "") for key in ("Desa/Kelurahan", "Kecamatan", "Kabupaten/Kota", "Provinsi")]
    return ", ".join(piece for piece in pieces if piece)


def _filled(document_type: str, values: dict[str, str]) -> list[tuple[str, str]]:
    """The form's fields in order with their values; IssueRefused names every required one that is empty."""
    form = FORMS[document_type]
    missing = [label for label in form.fields if not values.get(label) and label not in form.optional]
    if missing:
        raise IssueRefused(
            _("%(document)s tidak dapat diterbitkan: data berikut tidak ada — %(fields)s. Tidak ada yang disimpan.")
            % {"document": form.title.title(), "fields": ", ".join(missing)}
        )
    return [(label, values[label]) for label in form.fields if values.get(label)]


# -- the documents ---------------------------------------------------------------------------------------


def _document(document_type: str, values: dict[str, str], **content) -> Content:
    """The Content of ``document_type``: its official title and fields (checked by ``_filled``) and table header."""
    form = FORMS[document_type]
    content.setdefault("title", form.title)
    if form.table:
        content.setdefault("table_header", form.table)
    return Content(document_type=document_type, fields=_filled(document_type, values), **content)


def _parents(sources: Sources) -> tuple[dict, dict]:
    """(father, mother) among the reporting parent and the other parent, by their sex in the registry.

    An other parent named on the form but unknown to the registry stops the issue: silently leaving
    a parent out of a birth certificate would make it wrong."""
    reporter = sources.person(sources.application.applicant.nik)
    other = sources.person_in(sources.data.get("other_parent"))
    if sources.data.get("other_parent") and not other:
        raise IssueRefused(
            _("Data orang tua lainnya (NIK %(nik)s) tidak ditemukan di database kependudukan. Tidak ada yang disimpan.")
            % {"nik": mask_nik(sources.data["other_parent"].get("nik", ""))}
        )
    people = [person for person in (reporter, other) if person]
    father = next((p for p in people if p.get("sex") == "LAKI-LAKI"), {})
    mother = next((p for p in people if p.get("sex") == "PEREMPUAN"), {})
    return father, mother


def _birth_certificate(sources: Sources, issued_on: dt.date) -> Content:
    data, application = sources.data, sources.application
    father, mother = _parents(sources)
    number = f"{application.region_id.replace('.', '')}-LU-{issued_on:%d%m%Y}"
    values = {
        "NIK": application.beneficiary_nik or "",
        "Nama": data.get("child_name", ""),
        "Tempat lahir": _title(data.get("birth_place")),
        "Tanggal lahir": _date_in_words(data.get("birth_date")),
        "Jenis kelamin": _title(data.get("child_sex")),
        "Anak ke-": _ordinal(data.get("birth_order")),
        "Nama ayah": father.get("name", ""),
        "Nama ibu": mother.get("name", ""),
        "Kewarganegaraan": mother.get("nationality") or ("WNI" if mother else ""),
        "Nomor Kartu Keluarga": data.get("kk_number", ""),
    }
    return _document(
        DocumentType.AKTA_KELAHIRAN,
        values,
        holder_name=values["Nama"],
        holder_nik=values["NIK"],
        number_prefix=number,
        key_fields=[
            (_("Nama"), values["Nama"]),
            (_("Tempat dan tanggal lahir"), f"{values['Tempat lahir']}, {_plain_date(data.get('birth_date'))}"),
        ],
    )


def _death_certificate(sources: Sources, issued_on: dt.date) -> Content:
    data, application = sources.data, sources.application
    deceased = sources.person_in(data.get("deceased")) or sources.person(data.get("deceased_nik"))
    number = f"{application.region_id.replace('.', '')}-KM-{issued_on:%d%m%Y}"
    values = {
        "NIK": deceased.get("nik", ""),
        "Nama": deceased.get("name", ""),
        "Jenis kelamin": _title(deceased.get("sex")),
        "Tempat lahir": _title(deceased.get("birth_place")),
        "Tanggal lahir": _plain_date(deceased.get("birth_date")),
        "Tempat meninggal": data.get("death_place", ""),
        "Tanggal meninggal": _date_in_words(data.get("death_date")),
        "Nomor Kartu Keluarga": deceased.get("kk_number", ""),
    }
    return _document(
        DocumentType.AKTA_KEMATIAN,
        values,
        holder_name=values["Nama"],
        holder_nik=values["NIK"],
        number_prefix=number,
        key_fields=[(_("Nama"), values["Nama"]), (_("Tanggal meninggal"), _plain_date(data.get("death_date")))],
    )


def _members_table(members: list[dict]) -> list[tuple[str, ...]]:
    return [
        (
            # As the registry holds them, in capitals, as the official card prints them.
            m.get("name", ""),
            m.get("nik", ""),
            m.get("sex", ""),
            f"{m.get('birth_place', '')}, {_plain_date(m.get('birth_date'))}".strip(", "),
            m.get("religion", ""),
            m.get("occupation", ""),
            m.get("marital_status", ""),
            m.get("relationship", ""),
            " / ".join(name for name in (m.get("father_name", ""), m.get("mother_name", "")) if name),
        )
        for m in members
    ]


def _family_card(sources: Sources, issued_on: dt.date) -> Content:
    kk_number = sources.data.get("kk_number", "")
    family = sources.family(kk_number)
    members = family.get("members", [])
    head = next((m for m in members if m.get("relationship") == "KEPALA KELUARGA"), {})
    address = family.get("address") or sources.person(head.get("nik")).get("address") or {}
    values = {
        "Nomor Kartu Keluarga": kk_number,
        "Nama kepala keluarga": head.get("name", ""),
        **_address_lines(address),
    }
    if not members:
        raise IssueRefused(_("Kartu Keluarga tidak dapat diterbitkan: anggota keluarga tidak ditemukan."))
    return _document(
        DocumentType.KARTU_KELUARGA,
        values,
        holder_name=head.get("name", ""),
        holder_nik=head.get("nik", ""),
        number_prefix=f"KK-{kk_number}",
        supersedes_earlier=True,
        table_rows=_members_table(members),
        key_fields=[(_("Nomor Kartu Keluarga"), kk_number), (_("Nama kepala keluarga"), head.get("name", ""))],
    )


def _child_id_card(sources: Sources, issued_on: dt.date) -> Content:
    application = sources.application
    nik = application.beneficiary_nik or application.applicant.nik
    child = sources.person(nik)
    kk_number = sources.data.get("kk_number") or child.get("kk_number", "")
    family = sources.family(kk_number)
    head = next((m for m in family.get("members", []) if m.get("relationship") == "KEPALA KELUARGA"), {})
    born_on = _day(child.get("birth_date"))
    # A KIA runs until the child turns 17, when the KTP-el takes over.
    valid_until = born_on.replace(year=born_on.year + 17) - dt.timedelta(days=1) if born_on else None
    values = {
        "NIK": nik if child else "",
        "Nama": child.get("name", ""),
        "Tempat lahir": _title(child.get("birth_place")),
        "Tanggal lahir": _plain_date(child.get("birth_date")),
        "Jenis kelamin": _title(child.get("sex")),
        "Agama": _title(child.get("religion")),
        "Kewarganegaraan": child.get("nationality", ""),
        "Nomor Kartu Keluarga": kk_number,
        "Nama kepala keluarga": head.get("name", ""),
        "Alamat": _one_line(family.get("address") or child.get("address") or {}),
        "Berlaku hingga": indonesian_date(valid_until) if valid_until else "",
    }
    return _document(
        DocumentType.KIA,
        values,
        holder_name=values["Nama"],
        holder_nik=nik,
        number_prefix="KIA",
        valid_until=valid_until,
        key_fields=[(_("Nama"), values["Nama"]), (_("NIK"), mask_nik(nik))],
    )


_MOVE_REASONS = {
    "pekerjaan": "Pekerjaan",
    "pendidikan": "Pendidikan",
    "keamanan": "Keamanan",
    "kesehatan": "Kesehatan",
    "perumahan": "Perumahan",
    "keluarga": "Keluarga",
}
_MOVE_SCOPES = {"semua": "Seluruh anggota keluarga", "sebagian": "Sebagian anggota keluarga"}


def _move(sources: Sources) -> tuple[dict, list[dict]]:
    """A move out as the application states it (the SKPWNI and the village's introduction for it): the
    values both documents carry, and who moves — the applicant with the members they chose, or the whole KK."""
    data, application = sources.data, sources.application
    applicant = sources.person(application.applicant.nik)
    kk_number = data.get("kk_number") or applicant.get("kk_number", "")
    family = sources.family(kk_number)
    members = family.get("members", [])
    head = next((m for m in members if m.get("relationship") == "KEPALA KELUARGA"), {})
    if data.get("move_scope") == "semua":
        movers = members
    else:
        chosen = [sources.person_in(data.get(f"mover_{n}")) for n in range(1, 6) if data.get(f"mover_{n}")]
        movers = [applicant, *(person for person in chosen if person.get("nik") != applicant.get("nik"))]
    if not movers or any(not person.get("name") for person in movers):
        raise IssueRefused(_("Data anggota keluarga yang pindah tidak lengkap, jadi surat belum dapat diterbitkan."))
    reason = _MOVE_REASONS.get(data.get("reason", ""), "") or data.get("reason_other", "")  # "lainnya": their words
    values = {
        "Nomor Kartu Keluarga": kk_number,
        "Nama kepala keluarga": head.get("name", ""),
        # As recorded with the application: once the registry records the move, the family's address is the new one.
        "Alamat asal": _one_line(data.get("origin_address") or family.get("address") or {}),
        "Alamat tujuan": _one_line(data.get("destination") or {}),
        "Alasan pindah": reason,
        "Jenis kepindahan": _MOVE_SCOPES.get(data.get("move_scope", ""), ""),
    }
    return values, movers


def _movers_table(movers: list[dict]) -> list[tuple[str, ...]]:
    return [(m.get("nik", ""), m.get("name", ""), _title(m.get("relationship"))) for m in movers]


def _moving_certificate(sources: Sources, issued_on: dt.date) -> Content:
    application = sources.application
    applicant = sources.person(application.applicant.nik)
    values, movers = _move(sources)
    values |= {
        "NIK pemohon": applicant.get("nik", ""),
        "Nama pemohon": applicant.get("name", ""),
        "Tanggal pindah": _plain_date(sources.data.get("move_date")),
    }
    return _document(
        DocumentType.SKPWNI,
        values,
        holder_name=values["Nama pemohon"],
        holder_nik=values["NIK pemohon"],
        number_prefix=f"SKPWNI/{application.region_id}",
        table_rows=_movers_table(movers),
        key_fields=[(_("Nama pemohon"), values["Nama pemohon"]), (_("Alamat tujuan"), values["Alamat tujuan"])],
    )


def _marriage_certificate(sources: Sources, issued_on: dt.date) -> Content:
    data, application = sources.data, sources.application
    people = [sources.person(application.applicant.nik), sources.person(data.get("spouse_nik"))]
    if data.get("spouse_nik") and not people[1]:
        raise IssueRefused(
            _("Data pasangan (NIK %(nik)s) tidak ditemukan di database kependudukan. Tidak ada yang disimpan.")
            % {"nik": mask_nik(data["spouse_nik"])}
        )
    husband = next((p for p in people if p.get("sex") == "LAKI-LAKI"), {})
    wife = next((p for p in people if p.get("sex") == "PEREMPUAN"), {})
    number = f"{application.region_id.replace('.', '')}-KW-{issued_on:%d%m%Y}"
    values = {
        "Nama suami": husband.get("name", ""),
        "NIK suami": husband.get("nik", ""),
        "Nama istri": wife.get("name", ""),
        "NIK istri": wife.get("nik", ""),
        "Tanggal perkawinan": _date_in_words(data.get("wedding_date")),
        "Tempat perkawinan": data.get("wedding_place", ""),
        "Agama": _title(data.get("religion")),
        "Pemuka agama": data.get("religious_leader", ""),
    }
    return _document(
        DocumentType.AKTA_PERKAWINAN,
        values,
        holder_name=f"{values['Nama suami']} dan {values['Nama istri']}",
        holder_nik=application.applicant.nik,
        number_prefix=number,
        key_fields=[
            (_("Suami"), values["Nama suami"]),
            (_("Istri"), values["Nama istri"]),
            (_("Tanggal perkawinan"), _plain_date(data.get("wedding_date"))),
        ],
    )


_PROFESSIONS = {
    "dokter": "DOKTER",
    "dokter_gigi": "DOKTER GIGI",
    "perawat": "PERAWAT",
    "bidan": "BIDAN",
    "apoteker": "APOTEKER",
}


def _practice_permit(sources: Sources, issued_on: dt.date) -> Content:
    data, application = sources.data, sources.application
    profession = _PROFESSIONS.get(data.get("profession", ""), data.get("profession", "").upper())
    name = sources.person(application.applicant.nik).get("name", "") or data.get("name", "")
    until = sip.valid_until(application, issued_on)
    address = data.get("practice_address") or {}
    where = _one_line(address) if isinstance(address, dict) else str(address)
    values = {
        "Nama": name,
        "NIK": application.applicant.nik,  # as on every identity-bound document; /verify/ masks it
        "Profesi": profession.title(),
        "Nomor STR": data.get("str_number", ""),
        "Tempat praktik": data.get("practice_name", ""),
        "Alamat tempat praktik": where,
        "Hari dan jam praktik": data.get("practice_hours", ""),
        "Berlaku sampai": indonesian_date(until) if until else "",
    }
    return _document(
        DocumentType.SIP,
        values,
        title=f"{FORMS[DocumentType.SIP].title} {profession}",
        holder_name=name,
        holder_nik=application.applicant.nik,
        number_prefix=f"SIP-{data.get('profession', '').upper()}/{application.region_id}",
        valid_until=until,
        key_fields=[
            (_("Nama"), name),
            (_("Profesi"), values["Profesi"]),
            (_("Nomor STR"), values["Nomor STR"]),
            (_("Tempat praktik"), values["Tempat praktik"]),
        ],
        extra_lines=(
            _("Berdasarkan UU Nomor 17 Tahun 2023 tentang Kesehatan dan PP Nomor 28 Tahun 2024."),
            _("Surat izin ini berlaku selama STR berlaku dan tempat praktik masih sesuai."),
        ),
    )


# -- letters of villages and kelurahan -------------------------------------------------------------------------


def _identity(person: dict) -> dict[str, str]:
    """What a village letter says of the person it is about, from the registry: every letter's form picks its own."""
    born = (_title(person.get("birth_place")), _plain_date(person.get("birth_date")))
    return {
        "NIK": person.get("nik", ""),
        "Nama": person.get("name", ""),
        "Tempat dan tanggal lahir": ", ".join(born) if all(born) else "",
        "Jenis kelamin": _title(person.get("sex")),
        "Agama": _title(person.get("religion")),
        "Status perkawinan": _title(person.get("marital_status")),
        "Pekerjaan": _title(person.get("occupation")),
        "Kewarganegaraan": person.get("nationality", ""),
        "Alamat": _one_line(person.get("address") or {}),
        "Nomor Kartu Keluarga": person.get("kk_number", ""),
    }


def _named(sources: Sources, field: str, who: str) -> dict:
    """The registry's record of the person the form's ``field`` names ({} when it names none). A person named
    but unknown to the registry stops the issue: a letter about no one, or leaving them out, would be wrong."""
    value = sources.data.get(field)
    person = sources.person_in(value)
    if value and not person:
        nik = value.get("nik", "") if isinstance(value, dict) else ""
        raise IssueRefused(
            _("Data %(who)s (NIK %(nik)s) tidak ditemukan di database kependudukan. Tidak ada yang disimpan.")
            % {"who": who, "nik": mask_nik(nik)}
        )
    return person


def _refused_for_status(document_type: str, person: dict) -> IssueRefused:
    return IssueRefused(
        _(
            "%(document)s tidak dapat diterbitkan: menurut database kependudukan, status perkawinan pemohon "
            "%(status)s. Tidak ada yang disimpan."
        )
        % {"document": FORMS[document_type].title.title(), "status": _title(person.get("marital_status"))}
    )


def _applicant(sources: Sources) -> dict:
    return sources.person(sources.application.applicant.nik)


def _home(sources: Sources, person: dict) -> dict:
    return person.get("address") or {}


def _given_or_home(field: str) -> Callable[[Sources, dict], dict]:
    """The address the form's ``field`` gives (one elsewhere in the village), else the person's registry address."""
    return lambda sources, person: sources.data.get(field) or _home(sources, person)


_domicile_place = _given_or_home("domicile_address")
_business_place = _given_or_home("business_address")


@dataclass(frozen=True)
class VillageLetter:
    """How one village letter is filled. ``code`` starts its number; ``statement`` is what the lurah or kepala
    desa states, after "… menerangkan bahwa"; ``values`` are the letter's own values beside the identity of
    ``person`` (whom it is about: the applicant, or the deceased of a death letter); ``place`` is the address
    whose village issues it when the application's agency is no one village's; ``rows`` its table, if any."""

    code: str
    statement: str | Promise
    values: Callable[[Sources, dict], dict[str, str]]
    person: Callable[[Sources], dict] = _applicant
    place: Callable[[Sources, dict], dict] = _home
    rows: Callable[[Sources], list[tuple[str, ...]]] | None = None


_SKTM_PURPOSES = {
    "pendidikan": "Pendidikan/beasiswa",
    "kesehatan": "Kesehatan/berobat",
    "bantuan_sosial": "Bantuan sosial",
    "keringanan_biaya": "Keringanan biaya",
}
#: A bride's or groom's status as the N1 form writes it, by (registry marital status, sex); a married person gets
#: no introduction here (a husband's second marriage needs the court's permission, which the KUA examines).
_MARRIAGE_STATUS = {
    ("BELUM KAWIN", "LAKI-LAKI"): "Jejaka",
    ("BELUM KAWIN", "PEREMPUAN"): "Perawan",
    ("CERAI HIDUP", "LAKI-LAKI"): "Duda cerai hidup",
    ("CERAI HIDUP", "PEREMPUAN"): "Janda cerai hidup",
    ("CERAI MATI", "LAKI-LAKI"): "Duda cerai mati",
    ("CERAI MATI", "PEREMPUAN"): "Janda cerai mati",
}
_DEATH_CAUSES = {
    "sakit": "Sakit biasa/tua",
    "wabah": "Wabah penyakit",
    "kecelakaan": "Kecelakaan",
    "kriminalitas": "Kriminalitas",
    "bunuh_diri": "Bunuh diri",
    "lainnya": "Lainnya",
}
_REPORTER_RELATIONS = {
    "suami_istri": "Suami/istri",
    "anak": "Anak",
    "orang_tua": "Orang tua",
    "saudara": "Saudara kandung",
    "keluarga_lain": "Keluarga lain",
}


def _rupiah(amount) -> str:
    return f"Rp{int(amount):,}".replace(",", ".") if isinstance(amount, int | float) else ""


def _domicile(sources: Sources, person: dict) -> dict[str, str]:
    data = sources.data
    return {
        "Alamat domisili": _one_line(_domicile_place(sources, person)),
        "Tinggal sejak": _plain_date(data.get("resident_since")),
        "Keperluan": data.get("purpose", ""),
    }


def _low_income(sources: Sources, person: dict) -> dict[str, str]:
    data = sources.data
    members = sources.family(person.get("kk_number")).get("members", [])
    member = _named(sources, "for_member", _("anggota keluarga yang memerlukan surat"))
    purpose = _SKTM_PURPOSES.get(data.get("purpose", ""), "")
    return {
        "Jumlah anggota keluarga": f"{len(members)} orang" if members else "",
        "Penghasilan keluarga per bulan": _rupiah(data.get("monthly_income")),
        "Keperluan": f"{purpose}: {data['purpose_detail']}" if purpose and data.get("purpose_detail") else "",
        "Untuk anggota keluarga": f"{member.get('name', '')} ({_title(member.get('relationship'))})" if member else "",
    }


def _business(sources: Sources, person: dict) -> dict[str, str]:
    data = sources.data
    return {
        "Nama usaha": data.get("business_name", ""),
        "Jenis usaha": data.get("business_kind", ""),
        "Alamat usaha": _one_line(_business_place(sources, person)),
        "Mulai usaha sejak tahun": str(data.get("since_year") or ""),
        "Keperluan": data.get("purpose", ""),
    }


def _purpose(sources: Sources, person: dict) -> dict[str, str]:
    return {"Keperluan": sources.data.get("purpose", "")}


def _marriage_introduction(sources: Sources, person: dict) -> dict[str, str]:
    data = sources.data
    status = _MARRIAGE_STATUS.get((person.get("marital_status"), person.get("sex")), "")
    if person.get("marital_status") and not status:
        raise _refused_for_status(DocumentType.SURAT_PENGANTAR_NIKAH, person)
    return {
        "Status perkawinan": status,
        "Nama ayah": person.get("father_name", ""),
        "Nama ibu": person.get("mother_name", ""),
        "Nama calon pasangan": data.get("spouse_name", ""),
        "NIK calon pasangan": data.get("spouse_nik", ""),
        "KUA tujuan": data.get("registration_office", ""),
    }


def _move_introduction(sources: Sources, person: dict) -> dict[str, str]:
    values, _movers = _move(sources)
    return values | {"Rencana tanggal pindah": _plain_date(sources.data.get("move_date"))}


def _deceased(sources: Sources) -> dict:
    return _named(sources, "deceased", _("almarhum/almarhumah"))


def _death(sources: Sources, person: dict) -> dict[str, str]:
    data = sources.data
    return {
        "Tanggal meninggal": _plain_date(data.get("death_date")),
        "Jam meninggal": data.get("death_time", ""),
        "Tempat meninggal": data.get("death_place", ""),
        "Sebab kematian": _DEATH_CAUSES.get(data.get("death_cause", ""), ""),
        "Nama pelapor": _applicant(sources).get("name", ""),
        "Hubungan pelapor": _REPORTER_RELATIONS.get(data.get("reporter_relation", ""), ""),
    }


def _never_married(sources: Sources, person: dict) -> dict[str, str]:
    if person.get("marital_status") not in (None, "", "BELUM KAWIN"):
        raise _refused_for_status(DocumentType.SURAT_KETERANGAN_BELUM_MENIKAH, person)
    return _purpose(sources, person)


VILLAGE_LETTERS: dict[str, VillageLetter] = {
    DocumentType.SURAT_KETERANGAN_DOMISILI: VillageLetter(
        "SKD",
        gettext_lazy("orang tersebut di atas benar bertempat tinggal di wilayah kami, pada alamat domisili tersebut."),
        _domicile,
        place=_domicile_place,
    ),
    DocumentType.SKTM: VillageLetter(
        "SKTM",
        gettext_lazy(
            "orang tersebut di atas beserta keluarganya benar warga kami yang tergolong keluarga tidak mampu."
        ),
        _low_income,
    ),
    DocumentType.SURAT_KETERANGAN_USAHA: VillageLetter(
        "SKU",
        gettext_lazy("orang tersebut di atas benar menjalankan usaha tersebut di wilayah kami."),
        _business,
        place=_business_place,
    ),
    DocumentType.SURAT_PENGANTAR_SKCK: VillageLetter(
        "SP-SKCK",
        gettext_lazy(
            "orang tersebut di atas benar warga kami; surat ini diberikan sebagai pengantar untuk mengurus "
            "Surat Keterangan Catatan Kepolisian (SKCK) di kepolisian."
        ),
        _purpose,
    ),
    DocumentType.SURAT_PENGANTAR_NIKAH: VillageLetter(
        "SP-NIKAH",
        gettext_lazy(
            "orang tersebut di atas benar warga kami yang akan melangsungkan perkawinan; surat ini diberikan sebagai "
            "pengantar untuk pendaftaran kehendak nikah."
        ),
        _marriage_introduction,
    ),
    DocumentType.SURAT_PENGANTAR_PINDAH: VillageLetter(
        "SP-PINDAH",
        gettext_lazy(
            "orang tersebut di atas beserta anggota keluarga dalam daftar di atas benar warga kami yang akan pindah "
            "ke alamat tujuan tersebut."
        ),
        _move_introduction,
        rows=lambda sources: _movers_table(_move(sources)[1]),
    ),
    DocumentType.SURAT_KETERANGAN_KEMATIAN_DESA: VillageLetter(
        "SKK",
        gettext_lazy("orang tersebut di atas telah meninggal dunia sebagaimana dilaporkan pelapor tersebut di atas."),
        _death,
        person=_deceased,
    ),
    DocumentType.SURAT_KETERANGAN_BELUM_MENIKAH: VillageLetter(
        "SKBM",
        gettext_lazy("orang tersebut di atas, menurut data kependudukan dan pernyataannya, belum pernah menikah."),
        _never_married,
    ),
}

#: What /verify/<code> shows of a village letter beside the name and the village, when the letter carries it.
_VILLAGE_KEY_FIELDS = {
    "Nama usaha": gettext_lazy("Nama usaha"),
    "Keperluan": gettext_lazy("Keperluan"),
    "KUA tujuan": gettext_lazy("KUA tujuan"),
    "Alamat tujuan": gettext_lazy("Alamat tujuan"),
    "Tanggal meninggal": gettext_lazy("Tanggal meninggal"),
}


def _issuing_village(sources: Sources, address: dict) -> Region:
    """The village whose government issues the letter: the application's agency's, when it is one village's,
    else (an application to the region's village agency, made before villages had their own) ``address``'s."""
    village = sources.application.agency.village
    if village is None and isinstance(address, dict) and address.get("village_code"):
        village = Region.objects.filter(code=address["village_code"], level=Level.VILLAGE).first()
    if village is None:
        raise IssueRefused(_("Desa/kelurahan yang menerbitkan surat ini tidak diketahui. Tidak ada yang disimpan."))
    return village


def _in_words(region: Region) -> str:
    """``Kelurahan Rawa Makmur``, ``Kecamatan Palaran``; a kabupaten/kota's name already says which it is."""
    return region.name if region.level == Level.REGENCY else f"{region.get_kind_display()} {region.name}"


def _village_letter(document_type: str) -> Callable[[Sources, dt.date], Content]:
    """The builder of a village letter (``VILLAGE_LETTERS``): headed and stated by the issuing village's government."""
    letter = VILLAGE_LETTERS[document_type]

    def build(sources: Sources, issued_on: dt.date) -> Content:
        person = letter.person(sources)
        values = _identity(person) | letter.values(sources, person)
        _filled(document_type, values)  # a missing value is named before the issuing village is looked for
        village = _issuing_village(sources, letter.place(sources, person))
        district = village.parent
        regency = district.parent
        head = "Lurah" if village.kind == "kelurahan" else "Kepala Desa"
        states = _("%(head)s %(village)s, %(district)s, %(regency)s, menerangkan bahwa %(statement)s") % {
            "head": head,
            "village": village.name,
            "district": _in_words(district),
            "regency": regency.name,
            "statement": letter.statement,
        }
        return _document(
            document_type,
            values,
            issuer=(f"PEMERINTAH {regency.name}".upper(), _in_words(district).upper(), _in_words(village).upper()),
            holder_name=values["Nama"],
            holder_nik=values["NIK"],
            number_prefix=f"{letter.code}/{village.code}",
            table_rows=letter.rows(sources) if letter.rows else [],
            key_fields=[
                (_("Nama"), values["Nama"]),
                (_("Diterbitkan oleh"), _in_words(village)),
                *((str(label), values[key]) for key, label in _VILLAGE_KEY_FIELDS.items() if values.get(key)),
            ],
            extra_lines=(
                states,
                _("Demikian surat ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya."),
            ),
        )

    return build


BUILDERS: dict[str, Callable[[Sources, dt.date], Content]] = {
    "akta-kelahiran": _birth_certificate,
    "akta-kematian": _death_certificate,
    "kartu-keluarga": _family_card,
    "kia": _child_id_card,
    "skpwni": _moving_certificate,
    "akta-perkawinan": _marriage_certificate,
    "sip-tenaga-kesehatan": _practice_permit,
    # A village letter's template has the slug of its document type.
    **{str(document_type): _village_letter(document_type) for document_type in VILLAGE_LETTERS},
}

#: What else happens when a template's document is issued or revoked: a permit's practice place
#: is registered in SISDMK, and ended with it, so the national count of places stays true.
AFTER_ISSUE: dict[str, Callable] = {"sip-tenaga-kesehatan": sip.after_issue}
AFTER_REVOKE: dict[str, Callable] = {"sip-tenaga-kesehatan": sip.after_revoke}
