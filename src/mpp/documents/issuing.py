"""What each service's result says: the official form of each document, and where each value comes from.

``FORMS`` is the table: for every document the platform issues, its title, the legal source of its
content, and the fields its official form carries, in order (the registration number is the
document's number, printed under the title). A builder fills them from two sources
only (``Sources``): the application's own recorded data, and the population registry — our dated
copies of it (each read from Dukcapil, with when) or, for a person no copy knows, a read at the
moment of issue. Never from "whoever happens to have an account". A required value that is missing
stops the issue with ``IssueRefused``, naming it: the approval is undone, nothing is signed or stored.

A service whose template has no builder issues no document: its approval is the result.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from num2words import num2words

from mpp.core.errors import DomainError, Unavailable
from mpp.permits import sip
from mpp.regions.models import Region
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


def _moving_certificate(sources: Sources, issued_on: dt.date) -> Content:
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
    reason = _MOVE_REASONS.get(data.get("reason", ""), "") or data.get("reason_other", "")  # "lainnya": their words
    values = {
        "NIK pemohon": applicant.get("nik", ""),
        "Nama pemohon": applicant.get("name", ""),
        "Nomor Kartu Keluarga": kk_number,
        "Nama kepala keluarga": head.get("name", ""),
        # As recorded with the application: once the registry records the move, the family's address is the new one.
        "Alamat asal": _one_line(data.get("origin_address") or family.get("address") or {}),
        "Alamat tujuan": _one_line(data.get("destination") or {}),
        "Alasan pindah": reason,
        "Jenis kepindahan": _MOVE_SCOPES.get(data.get("move_scope", ""), ""),
        "Tanggal pindah": _plain_date(data.get("move_date")),
    }
    if not movers or any(not person.get("name") for person in movers):
        raise IssueRefused(_("SKPWNI tidak dapat diterbitkan: data anggota keluarga yang pindah tidak lengkap."))
    return _document(
        DocumentType.SKPWNI,
        values,
        holder_name=values["Nama pemohon"],
        holder_nik=values["NIK pemohon"],
        number_prefix=f"SKPWNI/{application.region_id}",
        table_rows=[(m.get("nik", ""), m.get("name", ""), _title(m.get("relationship"))) for m in movers],
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


BUILDERS: dict[str, Callable[[Sources, dt.date], Content]] = {
    "akta-kelahiran": _birth_certificate,
    "akta-kematian": _death_certificate,
    "kartu-keluarga": _family_card,
    "kia": _child_id_card,
    "skpwni": _moving_certificate,
    "akta-perkawinan": _marriage_certificate,
    "sip-tenaga-kesehatan": _practice_permit,
}

#: What else happens when a template's document is issued or revoked: a permit's practice place
#: is registered in SISDMK, and ended with it, so the national count of places stays true.
AFTER_ISSUE: dict[str, Callable] = {"sip-tenaga-kesehatan": sip.after_issue}
AFTER_REVOKE: dict[str, Callable] = {"sip-tenaga-kesehatan": sip.after_revoke}
