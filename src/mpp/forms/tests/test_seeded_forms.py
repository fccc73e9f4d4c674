"""The seeded application forms: valid schemas tied to their service standard, bilingual, filled
from the registry where the state holds the data, and usable — a good answer cleans, a missing
one is named."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from mpp.catalog.seed import DATA_DIR
from mpp.forms.schema import ChoiceField, DeclarationField, DocumentField, FormSchema, TextField
from mpp.forms.validation import clean

FORM_FILES = sorted((DATA_DIR / "forms").glob("*.yaml"))
CATALOG = yaml.safe_load((DATA_DIR / "catalog.yaml").read_text("utf-8"))
TEMPLATES = {row["slug"]: row for row in CATALOG["templates"]}
VERTICAL_AGENCIES = {row["code"] for row in CATALOG["agency_kinds"] if row["is_vertical"]}
#: What a registry record holds (simulators/dukcapil/records.py PERSON_FIELDS) and the sources prefill.py derives.
REGISTRY_KEYS = {
    "self",
    "spouse",
    "kk_number",
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "religion",
    "marital_status",
    "occupation",
    "blood_type",
    "nationality",
    "address",
    "relationship",
    "father_name",
    "mother_name",
}

TODAY = date(2026, 11, 25)
FILE_ID = "0b8f4f5e-6a39-4f55-9a0e-1f0d6f7e2c11"
UPLOAD = {"source": "upload", "id": FILE_ID}
KK = "6472010101100001"
SITI = {"nik": "6472015204900003"}  # the applicant, wife in the KK
BUDI = {"nik": "6472010309870001"}  # her husband, head of the family
PUTRI = {"nik": "6472015506150002"}  # their daughter, 11
OTHER_NIK = "6472011203850002"
REGISTRY_ADDRESS = {
    "street": "JL. PAHLAWAN NO. 12",
    "rt": "003",
    "rw": "002",
    "village_code": "64.72.01.1001",
    "village_name": "SIDODADI",
    "district_name": "SAMARINDA ULU",
    "regency_name": "KOTA SAMARINDA",
    "province_name": "KALIMANTAN TIMUR",
    "postal_code": "75123",
}
STR_MESSAGE = "Nomor STR terdiri dari 16 angka tanpa spasi. Bila nomor STR Anda berbentuk lain, kosongkan isian ini."
#: What a village letter's form prefills and locks of the applicant.
VILLAGE_REGISTRY = {"applicant": SITI, "name": "SITI RAHMAWATI", "kk_number": KK, "address": REGISTRY_ADDRESS}
NEW_ADDRESS = {"village_code": "33.72.01.1001", "street": "Jl. Slamet Riyadi 10", "rt": "1", "rw": "4"}

#: Per form: a good answer, the registry values of its locked fields, and a required field to leave out.
SAMPLES = {
    "akta-kelahiran": (
        {
            "child_name": "Ayu Lestari Santoso",
            "child_sex": "PEREMPUAN",
            "birth_date": "2026-11-20",
            "birth_time": "07:45",
            "birth_place": "Samarinda",
            "birth_order": "2",
            "birth_attendant": "bidan",
            "has_birth_letter": "ya",
            "birth_letter": UPLOAD,
            "truth": "on",
        },
        {"reporter": SITI, "kk_number": KK, "other_parent": BUDI},
        "child_name",
    ),
    "akta-kematian": (
        {
            "reporter_relation": "suami_istri",
            "deceased_in_kk": "ya",
            "deceased": BUDI,
            "death_date": "2026-11-20",
            "death_time": "04:30",
            "death_place": "RSUD Abdul Wahab Sjahranie, Samarinda",
            "death_cause": "sakit",
            "certified_by": "dokter",
            "has_death_letter": "ya",
            "death_letter": UPLOAD,
            "id_card": "diserahkan",
            "truth": True,
        },
        {"reporter": SITI},
        "death_date",
    ),
    "kartu-keluarga": (
        {
            "request_kind": "baru",
            "new_reason": "keluarga_baru",
            "spouse_nik": OTHER_NIK,
            "marriage_recorded": "ya",
            "truth": "on",
        },
        {"applicant": SITI, "kk_number": KK},
        "spouse_nik",
    ),
    "ktp-el-cetak-ulang": (
        {"reason": "hilang", "police_report": UPLOAD, "truth": "on"},
        {"applicant": SITI, "name": "SITI RAHMAWATI", "kk_number": KK},
        "police_report",
    ),
    "kia": (
        {"request_kind": "baru", "photo": UPLOAD, "truth": "on"},
        {"child": PUTRI, "name": "PUTRI SANTOSO", "birth_date": "2015-06-15", "parent": SITI, "kk_number": KK},
        "request_kind",
    ),
    "skpwni": (
        {
            "destination": NEW_ADDRESS,
            "reason": "pekerjaan",
            "move_date": "2026-12-15",
            "move_scope": "sebagian",
            "mover_1": SITI,
            "mover_2": PUTRI,
            "kk_status_staying": "tetap",
            "kk_status_moving": "kk_baru",
            "truth": "on",
        },
        {"applicant": SITI, "kk_number": KK, "origin_address": REGISTRY_ADDRESS},
        "destination",
    ),
    "pindah-datang": (
        {
            "skpwni_number": "SKPWNI/6472/20112026/0007",
            "arrival_date": "2026-11-22",
            "destination": NEW_ADDRESS,
            "join_existing_kk": "ya",
            "target_kk_number": "3372010202150003",
            "old_card": "on",
            "truth": "on",
        },
        {"applicant": SITI, "origin_address": REGISTRY_ADDRESS},
        "arrival_date",
    ),
    "akta-perkawinan": (
        {
            "spouse_nik": OTHER_NIK,
            "religion": "kristen",
            "religious_body": "GKI Samarinda",
            "religious_leader": "Pdt. Yohanes Saragih, M.Th.",
            "wedding_date": "2026-11-14",
            "wedding_place": "Samarinda",
            "marriage_order_husband": "1",
            "marriage_order_wife": 1,
            "witness_1_nik": "6472010101700001",
            "witness_2_nik": "6472014101720002",
            "marriage_letter": UPLOAD,
            "couple_photo": UPLOAD,
            "needs_permit": "tidak",
            "prenuptial": "tidak",
            "legitimised_children": "",
            "attend_signing": "on",
            "truth": "on",
        },
        {"applicant": SITI},
        "marriage_letter",
    ),
    # Information nationally; applied for online where a region connects the agency's system.
    "skck": (
        {"purpose": "Melamar pekerjaan", "surat_pengantar": UPLOAD, "pas_foto": UPLOAD, "truth": "on"},
        VILLAGE_REGISTRY,
        "purpose",
    ),
    "paspor": (
        {"passport_kind": "elektronik", "kantor_imigrasi": "kanim-samarinda", "purpose": "ibadah", "truth": "on"},
        VILLAGE_REGISTRY,
        "kantor_imigrasi",
    ),
    "sip-tenaga-kesehatan": (
        {
            "profession": "bidan",
            "str_number": "1221100120223039",
            "application_kind": "baru",
            "practice_kind": "fasyankes",
            "facility_type": "puskesmas",
            "practice_name": "Puskesmas Sidomulyo",
            "practice_address": {"village_code": "64.72.01.1001", "street": "Jl. Pahlawan 30", "rt": "5", "rw": "2"},
            "practice_hours": "Senin–Jumat 16.00–21.00",
            "practice_letter": UPLOAD,
            "photo": UPLOAD,
            "civil_servant": "ya",
            "superior_approval": UPLOAD,
            "compliance": "on",
            "truth": "on",
        },
        {"applicant": SITI, "name": "SITI RAHMAWATI"},
        "practice_letter",
    ),
    # The letters of villages and kelurahan (catalog level "village").
    "surat-keterangan-domisili": (
        {
            "lives_at_id_address": "tidak",
            "domicile_address": {"village_code": "64.72.03.1005", "street": "Jl. Juanda 7", "rt": "11", "rw": "4"},
            "resident_since": "2024-02-01",
            "purpose": "Melamar pekerjaan",
            "truth": "on",
        },
        VILLAGE_REGISTRY,
        "resident_since",
    ),
    "sktm": (
        {
            "purpose": "kesehatan",
            "purpose_detail": "Berobat di RSUD Abdul Wahab Sjahranie",
            "for_member": PUTRI,
            "monthly_income": "1200000",
            "economic_statement": "on",
            "truth": "on",
        },
        VILLAGE_REGISTRY,
        "monthly_income",
    ),
    "surat-keterangan-usaha": (
        {
            "business_name": "Jahit Bu Siti",
            "business_kind": "Jahit pakaian",
            "business_at_home": "tidak",
            "business_address": {"village_code": "64.72.03.1005", "street": "Jl. Juanda 9", "rt": "11", "rw": "4"},
            "since_year": 2019,
            "purpose": "Pengajuan KUR",
            "truth": "on",
        },
        VILLAGE_REGISTRY,
        "business_name",
    ),
    "surat-pengantar-skck": ({"purpose": "Melamar pekerjaan", "truth": "on"}, VILLAGE_REGISTRY, "purpose"),
    "surat-pengantar-nikah": (
        {"registration_office": "KUA Kecamatan Samarinda Ulu", "spouse_name": "", "spouse_nik": "", "truth": "on"},
        VILLAGE_REGISTRY | {"marital_status": "BELUM KAWIN"},
        "registration_office",
    ),
    "surat-pengantar-pindah": (
        {
            "destination": {"village_code": "33.72.01.1001", "street": "Jl. Slamet Riyadi 10", "rt": "1", "rw": "4"},
            "reason": "pekerjaan",
            "move_date": "2026-12-15",
            "move_scope": "semua",
            "truth": "on",
        },
        {"applicant": SITI, "name": "SITI RAHMAWATI", "kk_number": KK, "origin_address": REGISTRY_ADDRESS},
        "destination",
    ),
    "surat-keterangan-kematian-desa": (
        {
            "reporter_relation": "anak",
            "deceased": {"nik": "6472010309870001"},
            "death_date": "2026-11-20",
            "death_place": "Di rumah",
            "death_cause": "sakit",
            "truth": "on",
        },
        {"applicant": SITI, "kk_number": KK},
        "deceased",
    ),
    "surat-keterangan-belum-menikah": (
        {"purpose": "Mendaftar CPNS", "never_married": "on", "truth": "on"},
        VILLAGE_REGISTRY | {"marital_status": "BELUM KAWIN"},
        "purpose",
    ),
}


def _schema(path: Path) -> FormSchema:
    return FormSchema.model_validate(yaml.safe_load(path.read_text("utf-8")))


def _form(slug: str) -> FormSchema:
    return _schema(DATA_DIR / "forms" / f"{slug}.yaml")


def _ids(paths):
    return [path.stem for path in paths]


@pytest.mark.parametrize("path", FORM_FILES, ids=_ids(FORM_FILES))
def test_each_form_is_a_valid_schema_of_a_template_applied_for_online(path):
    _schema(path)
    assert path.stem in TEMPLATES, "named after a template slug"
    template = TEMPLATES[path.stem]
    # Online nationally, or where a region connects the (vertical) agency's own system: the template's mode is
    # only the regions' default (applications.connectors.connect_service).
    assert template["mode"] == "application" or template["agency_kind"] in VERTICAL_AGENCIES


def test_every_application_service_has_a_form():
    applications = {slug for slug, row in TEMPLATES.items() if row["mode"] == "application"}
    assert applications <= set(_ids(FORM_FILES))
    assert set(_ids(FORM_FILES)) - applications == {"skck", "paspor"}


@pytest.mark.parametrize("path", FORM_FILES, ids=_ids(FORM_FILES))
def test_documents_satisfy_requirements_of_their_standard(path):
    requirements = {row["code"]: row for row in TEMPLATES[path.stem]["standard"]["requirements"]}
    for field in _schema(path).fields:
        if isinstance(field, DocumentField) and field.requirement:
            assert field.requirement in requirements, f"{field.name}: {field.requirement}"
            if requirements[field.requirement].get("held_by_state"):
                # What the state holds is read, never demanded: an upload is only a fallback — for a document
                # the vault answers (an issued one, taken without asking), or one the requirement leaves optional.
                taken = field.prefill == f"vault.{field.document_type}"
                assert taken or not field.required, f"{field.name} demands a document the state holds"


@pytest.mark.parametrize("slug", ["skck", "paspor"])
def test_a_connected_agency_gets_the_fields_its_system_reads(slug):
    """What the agency systems require (simulators/agency/profiles), under the names their contracts map
    (mpp.demo.connectors): the village's introduction, the passport's kind and the immigration office."""
    schema = _form(slug)
    if slug == "skck":
        introduction = schema.field("surat_pengantar")
        assert isinstance(introduction, DocumentField) and introduction.required
        assert introduction.document_type == "surat-pengantar-skck"
        assert introduction.prefill == "vault.surat-pengantar-skck"
        assert introduction.requirement == "surat_pengantar_skck"
        assert isinstance(schema.field("purpose"), TextField)
    else:
        offices = {choice.value for choice in schema.field("kantor_imigrasi").choices}
        assert {"kanim-samarinda", "kanim-balikpapan", "kanim-tanjung-redeb"} <= offices
        assert {choice.value for choice in schema.field("passport_kind").choices} == {"biasa", "elektronik"}
        assert not any(isinstance(field, DocumentField) for field in schema.fields), "the office takes the photo"


def test_a_passports_fee_follows_the_kind_chosen_and_is_paid_first():
    fee = TEMPLATES["paspor"]["standard"]["fee"]
    assert (fee["amount"], fee["payment"], fee["amount_by"]) == (350000, "before", "passport_kind")
    assert fee["amounts"] == {"biasa": 350000, "elektronik": 650000}
    assert TEMPLATES["skck"]["standard"]["fee"] | {"note": ""} == {"amount": 30000, "payment": "before", "note": ""}


@pytest.mark.parametrize("path", FORM_FILES, ids=_ids(FORM_FILES))
def test_every_text_the_citizen_reads_is_in_indonesian_and_english(path):
    for field in _schema(path).fields:
        assert field.label.strip() and field.label_en.strip(), field.name
        assert bool(field.help) == bool(field.help_en), f"{field.name}: help in one language only"
        if isinstance(field, TextField):
            assert bool(field.pattern_message) == bool(field.pattern_message_en), field.name
            if field.pattern and not field.locked:  # a locked value is never typed, so never mistyped
                assert field.pattern_message, f"{field.name}: a pattern says what it expects"
        if isinstance(field, ChoiceField):
            assert all(choice.label.strip() and choice.label_en.strip() for choice in field.choices), field.name
        if isinstance(field, DeclarationField):
            assert field.text.strip() and field.text_en.strip(), field.name


@pytest.mark.parametrize("path", FORM_FILES, ids=_ids(FORM_FILES))
def test_registry_values_are_locked_and_name_what_the_registry_holds(path):
    for field in _schema(path).fields:
        source = field.prefill or ""
        if source.startswith("registry."):
            assert field.locked, field.name
            key = source.removeprefix("registry.").removeprefix("applicant.")
            assert key in REGISTRY_KEYS, f"{field.name}: the registry holds no {key!r}"
        else:
            assert not field.locked, field.name


@pytest.mark.parametrize("path", FORM_FILES, ids=_ids(FORM_FILES))
def test_conditions_depend_on_a_choice_and_one_of_its_values(path):
    schema = _schema(path)
    for field in schema.fields:
        condition = field.visible_if
        if condition is None:
            continue
        choice = schema.field(condition.field)
        assert isinstance(choice, ChoiceField), f"{field.name} depends on a choice"
        values = {option.value for option in choice.choices}
        expected = [condition.equals] if condition.one_of is None else condition.one_of
        assert set(expected) <= values, f"{field.name}: {expected} is not a choice of {condition.field}"


def test_every_form_has_a_sample():
    assert set(SAMPLES) == set(_ids(FORM_FILES))


@pytest.mark.parametrize("slug", sorted(SAMPLES))
def test_a_good_answer_cleans_without_errors(slug):
    data, locked, _missing = SAMPLES[slug]
    schema = _form(slug)
    assert set(data) | set(locked) <= {field.name for field in schema.fields}, "the sample names only form fields"
    result = clean(schema, data, locked=locked, today=TODAY)
    assert result.is_valid, result.errors
    assert all(result.values[name] for name in locked), "the registry values are kept"


@pytest.mark.parametrize("slug", sorted(SAMPLES))
def test_a_missing_required_answer_is_named_in_indonesian(slug):
    data, locked, missing = SAMPLES[slug]
    schema = _form(slug)
    assert schema.field(missing).required and not schema.field(missing).locked
    result = clean(schema, {name: value for name, value in data.items() if name != missing}, locked=locked, today=TODAY)
    assert result.errors == {missing: "Wajib diisi."}


@pytest.mark.parametrize("slug", sorted(SAMPLES))
def test_registry_values_cannot_be_typed_in_their_place(slug):
    data, locked, _missing = SAMPLES[slug]
    typed = data | dict.fromkeys(locked, "typed by the citizen")
    result = clean(_form(slug), typed, locked=locked, today=TODAY)
    assert result.is_valid, result.errors
    assert all(result.values[name] != "typed by the citizen" for name in locked)


@pytest.mark.parametrize(
    ("slug", "changes", "errors"),
    [
        # A lost card needs the police report; a damaged one does not, but its return is promised.
        ("ktp-el-cetak-ulang", {"reason": "rusak"}, {"damaged_card": "Konfirmasi pernyataan ini untuk melanjutkan."}),
        ("ktp-el-cetak-ulang", {"reason": "perubahan_data", "kk_updated": "on"}, {"changed_element": "Wajib diisi."}),
        # Without a death letter: two witnesses and the SPTJM instead.
        (
            "akta-kematian",
            {"has_death_letter": "tidak", "witness_1_nik": OTHER_NIK},
            {"witness_2_nik": "Wajib diisi.", "sptjm": "Konfirmasi pernyataan ini untuk melanjutkan."},
        ),
        ("akta-kematian", {"deceased_in_kk": "tidak"}, {"deceased_nik": "Wajib diisi."}),
        (
            "akta-kematian",
            {"deceased_in_kk": "tidak", "deceased_nik": "123"},
            {"deceased_nik": "NIK terdiri dari 16 angka."},
        ),
        # An unregistered marriage is declared by SPTJM.
        (
            "kartu-keluarga",
            {"marriage_recorded": "tidak"},
            {"sptjm_marriage": "Konfirmasi pernyataan ini untuk melanjutkan."},
        ),
        (
            "kartu-keluarga",
            {"request_kind": "perubahan", "change_reason": "elemen_data", "change_member": PUTRI},
            {"change_element": "Wajib diisi.", "change_new_value": "Wajib diisi.", "change_proof": "Wajib diisi."},
        ),
        (
            "kartu-keluarga",
            {"request_kind": "perubahan", "change_reason": "menumpang"},
            {
                "target_kk_number": "Wajib diisi.",
                "target_relationship": "Wajib diisi.",
            },
        ),
        ("kia", {"request_kind": "hilang"}, {"police_report": "Wajib diisi."}),
        ("skpwni", {"mover_1": None}, {"mover_1": "Wajib diisi."}),
        ("skpwni", {"move_scope": "semua", "mover_1": None}, {}),
        ("skpwni", {"kk_status_moving": "numpang"}, {"destination_kk_number": "Wajib diisi."}),
        ("pindah-datang", {"target_kk_number": "1234"}, {"target_kk_number": "Nomor KK terdiri dari 16 angka."}),
        ("pindah-datang", {"arrival_date": "2026-12-01"}, {"arrival_date": "Tanggal tidak boleh di masa depan."}),
        ("akta-perkawinan", {"needs_permit": "ya"}, {"permit": "Wajib diisi."}),
        (
            "akta-perkawinan",
            {"prenuptial": "ya", "prenuptial_deed_number": "12"},
            {"prenuptial_deed_date": "Wajib diisi."},
        ),
        ("akta-perkawinan", {"legitimised_children": f"{OTHER_NIK}\n{PUTRI['nik']}"}, {}),
        (
            "akta-perkawinan",
            {"legitimised_children": "Putri"},
            {"legitimised_children": "Tulis NIK 16 angka, satu per baris."},
        ),
        (
            "sip-tenaga-kesehatan",
            {"civil_servant": "ya", "superior_approval": None},
            {"superior_approval": "Wajib diisi."},
        ),
        ("sip-tenaga-kesehatan", {"str_number": ""}, {}),
        (
            "sip-tenaga-kesehatan",
            {"str_number": "1221 1001 2022 3039"},
            {"str_number": STR_MESSAGE},
        ),
    ],
)
def test_each_branch_asks_for_what_it_needs(slug, changes, errors):
    data, locked, _missing = SAMPLES[slug]
    result = clean(_form(slug), data | changes, locked=locked, today=TODAY)
    assert result.errors == errors


def test_hidden_answers_are_dropped():
    data, locked, _missing = SAMPLES["ktp-el-cetak-ulang"]
    result = clean(_form("ktp-el-cetak-ulang"), data | {"reason": "rusak", "damaged_card": "on"}, locked=locked)
    assert result.is_valid and "police_report" not in result.values


@pytest.mark.django_db
@pytest.mark.parametrize("path", FORM_FILES, ids=_ids(FORM_FILES))
def test_the_catalog_publishes_each_form_with_its_template(path):
    from mpp.catalog.models import ServiceTemplate

    template = ServiceTemplate.objects.select_related("current_version").get(slug=path.stem)
    assert template.current_version.parsed_form == _schema(path)
