"""The letters of villages and kelurahan: each builder fills its official form (``issuing.FORMS``) from the
registry's record of the person the letter is about and from what the application states, under the letterhead
of the village that issues it; a value the form needs and no source has stops the issue.

Applications are made as a submission makes them (the form's registry values prefilled and locked, the answers
cleaned), and read by ``content_for`` as the approval does; the registry's copies are local, so nothing is read
over HTTP."""

import datetime as dt

import pytest

from mpp.applications.models import Application, Status
from mpp.applications.tests.conftest import BUDI_NIK, KK, PUTRI_NIK, SITI_NIK
from mpp.catalog.models import Agency, Service
from mpp.catalog.selectors import service_detail
from mpp.documents import issuing
from mpp.documents.issuing import BUILDERS, FORMS, VILLAGE_LETTERS, Content, IssueRefused, content_for
from mpp.documents.models import DocumentType
from mpp.documents.rendering import RenderedContent, render
from mpp.documents.services import issue
from mpp.documents.tests.pdf_text import text
from mpp.forms.prefill import prefill
from mpp.forms.validation import clean
from mpp.identity.tests.factories import UserFactory, make_citizen, make_family, make_person_record
from mpp.registry.models import PersonRecord

pytestmark = pytest.mark.django_db

ISSUED_ON = dt.date(2026, 11, 25)
DIMAS_NIK, DIMAS_KK = "6472031505990001", "6472030202200002"  # 27, never married, heads his own KK
SIDODADI = "64.72.03.1005"  # Kelurahan Sidodadi, Kecamatan Samarinda Ulu, Kota Samarinda
SIDODADI_HEAD = ("PEMERINTAH KOTA SAMARINDA", "KECAMATAN SAMARINDA ULU", "KELURAHAN SIDODADI")
DIMAS_ADDRESS = {
    "street": "JL. JUANDA NO. 7",
    "rt": "011",
    "rw": "004",
    "village_code": SIDODADI,
    "village_name": "SIDODADI",
    "district_name": "SAMARINDA ULU",
    "regency_name": "KOTA SAMARINDA",
    "province_name": "KALIMANTAN TIMUR",
    "postal_code": "75124",
}
ELSEWHERE = {"village_code": "64.72.03.1008", "street": "Jl. Gunung Kelua Blok C No. 4", "rt": "9", "rw": "3"}


@pytest.fixture
def dimas(db):
    make_person_record(
        DIMAS_NIK,
        name="DIMAS PRATAMA",
        kk_number=DIMAS_KK,
        relationship="KEPALA KELUARGA",
        birth_date="1999-05-15",
        sex="LAKI-LAKI",
        marital_status="BELUM KAWIN",
        occupation="KARYAWAN SWASTA",
        father_name="SUGENG RIYADI",
        mother_name="WARTINI",
        address=DIMAS_ADDRESS,
    )
    make_family(DIMAS_KK, [{"nik": DIMAS_NIK, "name": "DIMAS PRATAMA", "relationship": "KEPALA KELUARGA"}])
    return make_citizen(DIMAS_NIK, level=2)


@pytest.fixture
def sidodadi(db) -> Agency:
    """Kelurahan Sidodadi's own government, as the platform opens it for its first staff or application."""
    region = Agency.objects.get(region_id="64.72", kind__code="pemdes", village=None)
    return Agency.objects.create(
        region_id="64.72", kind=region.kind, name="Pemerintah Kelurahan Sidodadi", village_id=SIDODADI
    )


#: Per template: who applies (a fixture) and what they answer; the registry's values are prefilled.
ANSWERS = {
    "surat-keterangan-domisili": (
        "siti",
        {
            "lives_at_id_address": "ya",
            "resident_since": "2010-01-01",
            "purpose": "Membuka rekening bank",
            "truth": "on",
        },
    ),
    "sktm": (
        "siti",
        {
            "purpose": "pendidikan",
            "purpose_detail": "Pendaftaran beasiswa SMP Negeri 1 Samarinda",
            "for_member": {"nik": PUTRI_NIK},
            "monthly_income": "1500000",
            "economic_statement": "on",
            "truth": "on",
        },
    ),
    "surat-keterangan-usaha": (
        "siti",
        {
            "business_name": "Warung Makan Bu Siti",
            "business_kind": "Warung makan",
            "business_at_home": "ya",
            "since_year": "2018",
            "purpose": "Pengajuan Kredit Usaha Rakyat (KUR)",
            "truth": "on",
        },
    ),
    "surat-pengantar-skck": ("dimas", {"purpose": "Melamar pekerjaan", "truth": "on"}),
    "surat-pengantar-nikah": (
        "dimas",
        {
            "registration_office": "KUA Kecamatan Samarinda Ulu",
            "spouse_name": "Ayu Lestari",
            "spouse_nik": "6472015704000002",
            "truth": "on",
        },
    ),
    "surat-pengantar-pindah": (
        "siti",
        {
            "destination": {"village_code": "33.72.01.1001", "street": "Jl. Slamet Riyadi 10", "rt": "1", "rw": "4"},
            "reason": "pekerjaan",
            "move_date": "2026-12-15",
            "move_scope": "sebagian",
            "mover_1": {"nik": SITI_NIK},
            "mover_2": {"nik": PUTRI_NIK},
            "truth": "on",
        },
    ),
    "surat-keterangan-kematian-desa": (
        "siti",
        {
            "reporter_relation": "suami_istri",
            "deceased": {"nik": BUDI_NIK},
            "death_date": "2026-11-20",
            "death_time": "04:30",
            "death_place": "Di rumah, Jl. Pahlawan No. 12, Samarinda",
            "death_cause": "sakit",
            "truth": "on",
        },
    ),
    "surat-keterangan-belum-menikah": (
        "dimas",
        {"purpose": "Mendaftar sekolah kedinasan", "never_married": "on", "truth": "on"},
    ),
}


def application(user, slug: str, data: dict, *, agency: Agency | None = None) -> Application:
    """The application as ``applications.submit`` records it: registry values prefilled and locked, answers cleaned."""
    service = service_detail(Service.objects.get(region_id="64.72", template__slug=slug).pk)
    schema = service.current_version.template_version.parsed_form
    known = prefill(schema, applicant=user)
    cleaned = clean(schema, data, locked={name: found.value for name, found in known.items() if found.locked})
    assert cleaned.is_valid, cleaned.errors
    return Application(
        tracking_number="6472-2611-7KQ3XZ9M",
        service=service,
        service_version=service.current_version,
        region=service.region,
        agency=agency or service.agency,
        applicant=user,
        data=cleaned.values,
    )


def letter(user, slug: str, data: dict, *, agency: Agency | None = None) -> Content:
    found = application(user, slug, data, agency=agency)
    return content_for(found, issued_on=ISSUED_ON, official_label="Lurah/kepala desa · Pemerintah Kelurahan Sidodadi")


def fields(content: Content) -> dict[str, str]:
    return dict(content.fields)


@pytest.mark.parametrize("slug", sorted(ANSWERS))
def test_each_letter_carries_every_field_of_its_official_form_under_the_villages_letterhead(
    slug, request, siti, dimas, sidodadi
):
    who, data = ANSWERS[slug]
    content = letter(request.getfixturevalue(who), slug, data, agency=sidodadi)

    form = FORMS[slug]
    assert content.document_type == slug and content.title == form.title
    printed = fields(content)
    assert [label for label, _value in content.fields] == [label for label in form.fields if label in printed]
    assert all(printed.get(label) for label in form.fields if label not in form.optional), printed
    assert content.issuer == SIDODADI_HEAD
    assert content.number_prefix == f"{VILLAGE_LETTERS[slug].code}/{SIDODADI}"
    states, closing = content.extra_lines
    assert states.startswith("Lurah Sidodadi, Kecamatan Samarinda Ulu, Kota Samarinda, menerangkan bahwa orang")
    assert closing.startswith("Demikian surat ini dibuat")
    assert ("Diterbitkan oleh", "Kelurahan Sidodadi") in content.key_fields
    assert all(nik not in value for _label, value in content.key_fields for nik in (SITI_NIK, DIMAS_NIK, BUDI_NIK))


def test_a_certificate_of_low_income_names_the_family_the_income_and_the_child_it_is_for(siti, sidodadi):
    data = ANSWERS["sktm"][1]
    printed = fields(letter(siti, "sktm", data, agency=sidodadi))

    assert printed["Nama"] == "SITI RAHMAWATI" and printed["Nomor Kartu Keluarga"] == KK
    assert printed["Jumlah anggota keluarga"] == "3 orang"  # from the KK, not asked
    assert printed["Penghasilan keluarga per bulan"] == "Rp1.500.000"
    assert printed["Keperluan"] == "Pendidikan/beasiswa: Pendaftaran beasiswa SMP Negeri 1 Samarinda"
    assert printed["Untuk anggota keluarga"] == "PUTRI SANTOSO (Anak)"


def test_a_marriage_introduction_states_the_status_and_parents_from_the_registry(dimas, sidodadi):
    data = ANSWERS["surat-pengantar-nikah"][1]
    content = letter(dimas, "surat-pengantar-nikah", data, agency=sidodadi)

    printed = fields(content)
    assert printed["Status perkawinan"] == "Jejaka"
    assert (printed["Nama ayah"], printed["Nama ibu"]) == ("SUGENG RIYADI", "WARTINI")
    assert printed["Tempat dan tanggal lahir"] == "Samarinda, 15 Mei 1999"
    assert (printed["Nama calon pasangan"], printed["KUA tujuan"]) == ("Ayu Lestari", "KUA Kecamatan Samarinda Ulu")
    # The intended spouse is optional: without them the letter is complete.
    bare = {key: value for key, value in data.items() if not key.startswith("spouse_")}
    assert "Nama calon pasangan" not in fields(letter(dimas, "surat-pengantar-nikah", bare, agency=sidodadi))


def test_a_village_death_letter_is_about_the_deceased_and_names_the_reporter(siti, sidodadi):
    data = ANSWERS["surat-keterangan-kematian-desa"][1]
    content = letter(siti, "surat-keterangan-kematian-desa", data, agency=sidodadi)

    printed = fields(content)
    assert (content.holder_name, content.holder_nik) == ("BUDI SANTOSO", BUDI_NIK)
    assert (
        printed["Jenis kelamin"] == "Laki-Laki" and printed["Tempat dan tanggal lahir"] == "Samarinda, 3 September 1987"
    )
    assert (printed["Tanggal meninggal"], printed["Jam meninggal"]) == ("20 November 2026", "04:30")
    assert printed["Sebab kematian"] == "Sakit biasa/tua"
    assert (printed["Nama pelapor"], printed["Hubungan pelapor"]) == ("SITI RAHMAWATI", "Suami/istri")
    assert ("Tanggal meninggal", "20 November 2026") in content.key_fields


def test_a_moving_introduction_lists_who_moves_where(siti, sidodadi):
    data = ANSWERS["surat-pengantar-pindah"][1]
    content = letter(siti, "surat-pengantar-pindah", data, agency=sidodadi)

    printed = fields(content)
    assert printed["Nama kepala keluarga"] == "BUDI SANTOSO"
    assert printed["Alamat tujuan"].startswith("Jl. Slamet Riyadi 10, RT/RW 001/004, ")
    assert printed["Alamat tujuan"].endswith(", KOTA SURAKARTA, JAWA TENGAH")
    assert (printed["Alasan pindah"], printed["Jenis kepindahan"]) == ("Pekerjaan", "Sebagian anggota keluarga")
    assert printed["Rencana tanggal pindah"] == "15 Desember 2026"
    assert content.table_header == ("NIK", "Nama", "Hubungan keluarga")
    assert content.table_rows == [(SITI_NIK, "SITI RAHMAWATI", "Istri"), (PUTRI_NIK, "PUTRI SANTOSO", "Anak")]


def test_without_a_village_agency_the_village_of_the_address_the_letter_is_about_issues_it(siti, dimas):
    """Applications to the region's village agency (made before villages had their own): the village of the
    registry address — or of the domicile, for a certificate of domicile elsewhere in the village."""
    data = ANSWERS["surat-pengantar-skck"][1]
    assert letter(dimas, "surat-pengantar-skck", data).issuer == SIDODADI_HEAD

    data = ANSWERS["surat-keterangan-domisili"][1]
    # Siti's registry address is in Kelurahan Rawa Makmur (64.72.01.1001), Kecamatan Palaran.
    content = letter(siti, "surat-keterangan-domisili", data)
    assert content.issuer == ("PEMERINTAH KOTA SAMARINDA", "KECAMATAN PALARAN", "KELURAHAN RAWA MAKMUR")
    content = letter(
        siti, "surat-keterangan-domisili", data | {"lives_at_id_address": "tidak", "domicile_address": ELSEWHERE}
    )
    assert content.issuer == ("PEMERINTAH KOTA SAMARINDA", "KECAMATAN SAMARINDA ULU", "KELURAHAN GUNUNG KELUA")
    assert fields(content)["Alamat domisili"].startswith("Jl. Gunung Kelua Blok C No. 4, RT/RW 009/003, GUNUNG KELUA")


def test_a_registry_value_the_letter_needs_and_lacks_stops_the_issue_naming_it(dimas, sidodadi):
    record = PersonRecord.objects.get(nik=DIMAS_NIK)
    del record.data["occupation"], record.data["religion"]
    record.save()
    data = ANSWERS["surat-pengantar-skck"][1]

    with pytest.raises(IssueRefused) as refused:
        letter(dimas, "surat-pengantar-skck", data, agency=sidodadi)
    assert "Surat Pengantar Skck tidak dapat diterbitkan" in str(refused.value)
    assert "Agama, Pekerjaan" in str(refused.value)


def test_an_answer_the_letter_needs_and_lacks_stops_the_issue(siti, sidodadi):
    found = application(siti, "surat-keterangan-usaha", ANSWERS["surat-keterangan-usaha"][1], agency=sidodadi)
    del found.data["business_kind"]  # as an application of an older form, or one the registry changed under

    with pytest.raises(IssueRefused, match="Jenis usaha"):
        content_for(found, issued_on=ISSUED_ON)


@pytest.mark.parametrize("slug", ["surat-keterangan-belum-menikah", "surat-pengantar-nikah"])
def test_a_married_person_gets_no_letter_saying_otherwise(slug, siti, dimas, sidodadi):
    record = PersonRecord.objects.get(nik=DIMAS_NIK)
    record.data["marital_status"] = "KAWIN"
    record.save()

    with pytest.raises(IssueRefused, match="status perkawinan pemohon Kawin"):
        letter(dimas, slug, ANSWERS[slug][1], agency=sidodadi)


def test_a_person_named_on_the_form_but_unknown_to_the_registry_stops_the_issue(siti, sidodadi, monkeypatch):
    data = ANSWERS["surat-keterangan-kematian-desa"][1]
    found = application(siti, "surat-keterangan-kematian-desa", data, agency=sidodadi)
    found.data["deceased"] = {"nik": "6472011203850002"}  # on no card we hold a copy of; and the registry:
    monkeypatch.setattr(issuing, "read_person", lambda **read: None)  # no such person

    with pytest.raises(IssueRefused, match=r"Data almarhum/almarhumah \(NIK 647201••••••0002\) tidak ditemukan"):
        content_for(found, issued_on=ISSUED_ON)


def test_the_letter_prints_under_the_villages_letterhead_with_what_its_head_states(dimas, sidodadi):
    data = ANSWERS["surat-keterangan-belum-menikah"][1]
    content = letter(dimas, "surat-keterangan-belum-menikah", data, agency=sidodadi)

    shown = " ".join(
        text(
            render(
                RenderedContent(
                    issuer=content.issuer,
                    title=content.title,
                    number=f"{content.number_prefix}/6472-2611-7KQ3XZ9M",
                    issued_at=ISSUED_ON,
                    place="Samarinda",
                    official_name="Hj. Nurlaila, S.Sos.",
                    official_position="Lurah Sidodadi",
                    verification_url="http://127.0.0.1:8000/verify/VL7Q-4M2D-9XPA",
                    verification_code="VL7Q-4M2D-9XPA",
                    fields=content.fields,
                    extra_lines=content.extra_lines,
                )
            )
        ).split()
    )
    assert "PEMERINTAH KOTA SAMARINDA KECAMATAN SAMARINDA ULU KELURAHAN SIDODADI" in shown
    assert "SURAT KETERANGAN BELUM PERNAH MENIKAH" in shown and "Belum Kawin" in shown
    assert (
        "menerangkan bahwa orang tersebut di atas, menurut data kependudukan dan pernyataannya, belum pernah" in shown
    )


def test_an_issued_letter_is_headed_by_its_village_and_recorded_as_the_villages_own_government(
    dimas, sidodadi, settings, tmp_path
):
    """The approval's issue: the signed PDF's heading is the village's, not the kabupaten/kota agency's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    found = application(dimas, "surat-pengantar-skck", ANSWERS["surat-pengantar-skck"][1], agency=sidodadi)
    found.basis, found.status = "self", Status.APPROVED
    found.save()
    lurah = UserFactory(username="lurah.sidodadi", staff=True, first_name="Nurlaila")

    issued = issue(found, official=lurah, official_label="Lurah Sidodadi")

    with issued.upload.file.open("rb") as handle:
        shown = " ".join(text(handle.read()).split())
    heading = shown[: shown.index(FORMS[DocumentType.SURAT_PENGANTAR_SKCK].title)]
    assert "KELURAHAN" in heading
    assert " ".join(SIDODADI_HEAD) in heading and sidodadi.name.upper() not in heading
    assert issued.issuer == sidodadi.name == "Pemerintah Kelurahan Sidodadi"
    assert issued.number == f"SP-SKCK/{SIDODADI}/{found.tracking_number}"


def test_every_village_letter_is_a_document_type_named_after_its_template():
    assert set(VILLAGE_LETTERS) == set(ANSWERS)
    for slug in VILLAGE_LETTERS:
        assert DocumentType(slug).value == slug and slug in FORMS and slug in BUILDERS
