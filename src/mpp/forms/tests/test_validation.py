"""Form schemas and the field-level checks of what a citizen entered, in Indonesian and English."""

from datetime import date

import pytest
from django.utils import translation
from pydantic import ValidationError

from mpp.forms.schema import FormSchema
from mpp.forms.validation import clean

TODAY = date(2026, 11, 25)
FILE_ID = "0b8f4f5e-6a39-4f55-9a0e-1f0d6f7e2c11"

BIRTH = FormSchema.model_validate(
    {
        "fields": [
            {"name": "child_name", "type": "text", "label": "Nama anak", "label_en": "Child's name", "max_length": 60},
            {
                "name": "birth_date",
                "type": "date",
                "label": "Tanggal lahir",
                "label_en": "Date of birth",
                "not_after": "today",
            },
            {
                "name": "weight_grams",
                "type": "number",
                "label": "Berat lahir (gram)",
                "label_en": "Birth weight (grams)",
                "minimum": 300,
                "maximum": 7000,
                "required": False,
            },
            {
                "name": "sex",
                "type": "choice",
                "label": "Jenis kelamin",
                "label_en": "Sex",
                "choices": [
                    {"value": "LAKI-LAKI", "label": "Laki-laki", "label_en": "Male"},
                    {"value": "PEREMPUAN", "label": "Perempuan", "label_en": "Female"},
                ],
            },
            {
                "name": "mother",
                "type": "person",
                "label": "Ibu",
                "label_en": "Mother",
                "allow_self": True,
                "relationships": ["ISTRI", "KEPALA KELUARGA"],
                "prefill": "registry.applicant.nik",
            },
            {"name": "address", "type": "address", "label": "Alamat", "label_en": "Address"},
            {
                "name": "birth_place_kind",
                "type": "choice",
                "label": "Tempat persalinan",
                "label_en": "Place of delivery",
                "choices": [
                    {"value": "faskes", "label": "Fasilitas kesehatan", "label_en": "Health facility"},
                    {"value": "rumah", "label": "Rumah", "label_en": "Home"},
                ],
            },
            {
                "name": "birth_letter",
                "type": "document",
                "label": "Surat keterangan lahir",
                "label_en": "Birth letter",
                "document_type": "surat-keterangan-lahir",
                "requirement": "surat_keterangan_lahir",
                "visible_if": {"field": "birth_place_kind", "equals": "faskes"},
            },
            {
                "name": "sptjm",
                "type": "declaration",
                "label": "SPTJM",
                "label_en": "Statement of absolute responsibility",
                "text": "Saya menyatakan data kelahiran ini benar.",
                "text_en": "I declare that these birth data are true.",
                "visible_if": {"field": "birth_place_kind", "equals": "rumah"},
            },
            {
                "name": "truth",
                "type": "declaration",
                "label": "Pernyataan",
                "label_en": "Declaration",
                "text": "Data yang saya isi benar dan dapat dipertanggungjawabkan.",
                "text_en": "The data I entered are true and I am accountable for them.",
            },
        ]
    }
)

GOOD = {
    "child_name": "  Putri   Santoso ",
    "birth_date": "2026-11-20",
    "weight_grams": "3200",
    "sex": "PEREMPUAN",
    "address": {"village_code": "64.72.01.1001", "street": "Jl. Pahlawan  12", "rt": "3", "rw": "02"},
    "birth_place_kind": "faskes",
    "birth_letter": {"source": "vault", "id": FILE_ID},
    "truth": "on",
}
LOCKED = {"mother": {"nik": "6472035204900001"}}


def test_good_input_is_cleaned_to_canonical_values():
    result = clean(BIRTH, GOOD, locked=LOCKED, today=TODAY)
    assert result.is_valid, result.errors
    assert result.values["child_name"] == "Putri Santoso"
    assert result.values["weight_grams"] == 3200
    assert result.values["address"] == {
        "village_code": "64.72.01.1001",
        "street": "Jl. Pahlawan 12",
        "rt": "003",
        "rw": "002",
    }
    assert result.values["mother"] == {"nik": "6472035204900001"}
    assert result.values["truth"] is True
    assert "sptjm" not in result.values


def test_registry_values_cannot_be_typed_over():
    typed = GOOD | {"mother": {"nik": "3372015107950004"}}
    assert clean(BIRTH, typed, locked=LOCKED, today=TODAY).values["mother"] == {"nik": "6472035204900001"}
    assert clean(BIRTH, typed, locked={}, today=TODAY).errors["mother"] == "Wajib diisi."


def test_hidden_fields_are_neither_required_nor_kept():
    home = GOOD | {"birth_place_kind": "rumah", "sptjm": True}
    result = clean(BIRTH, home, locked=LOCKED, today=TODAY)
    assert result.is_valid, result.errors
    assert "birth_letter" not in result.values  # sent, but hidden for a home birth
    assert clean(BIRTH, GOOD | {"birth_place_kind": "rumah"}, locked=LOCKED, today=TODAY).errors == {
        "sptjm": "Konfirmasi pernyataan ini untuk melanjutkan."
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("child_name", "", "Wajib diisi."),
        ("child_name", "x" * 61, "Paling banyak 60 karakter."),
        ("child_name", 42, "Isikan teks."),
        ("birth_date", "2026-11-26", "Tanggal tidak boleh di masa depan."),
        ("birth_date", "20-11-2026", "Isikan tanggal yang benar (tahun-bulan-tanggal)."),
        ("birth_date", ["2026-11-20"], "Isikan tanggal yang benar (tahun-bulan-tanggal)."),
        ("weight_grams", "tiga kilo", "Isikan angka."),
        ("weight_grams", "3200.5", "Isikan bilangan bulat."),
        ("weight_grams", "nan", "Isikan angka."),
        ("weight_grams", True, "Isikan angka."),
        ("weight_grams", 200, "Paling kecil 300."),
        ("weight_grams", 9000, "Paling besar 7000."),
        ("sex", "L", "Pilih salah satu pilihan yang tersedia."),
        ("address", "Jl. Pahlawan 12", "Lengkapi alamat."),
        ("address", {"village_code": "64.72", "street": "Jl. A 1", "rt": "1", "rw": "1"}, "Pilih desa/kelurahan."),
        (
            "address",
            {"village_code": "64.72.01.1001", "street": "", "rt": "1", "rw": "1"},
            "Isikan nama jalan dan nomor rumah.",
        ),
        (
            "address",
            {"village_code": "64.72.01.1001", "street": "Jl. A 1", "rt": "1a", "rw": "1"},
            "RT dan RW berupa angka, paling banyak 3 digit.",
        ),
        (
            "birth_letter",
            {"source": "vault", "id": "../../etc/passwd"},
            "Pilih dokumen dari brankas atau unggah berkasnya.",
        ),
        ("birth_letter", {"source": "email", "id": FILE_ID}, "Pilih dokumen dari brankas atau unggah berkasnya."),
        ("truth", "maybe", "Konfirmasi pernyataan ini untuk melanjutkan."),
        ("truth", False, "Konfirmasi pernyataan ini untuk melanjutkan."),
    ],
)
def test_each_rule_has_its_field_error(field, value, message):
    result = clean(BIRTH, GOOD | {field: value}, locked=LOCKED, today=TODAY)
    assert result.errors == {field: message}
    assert field not in result.values


def test_an_empty_optional_field_is_fine():
    result = clean(BIRTH, GOOD | {"weight_grams": ""}, locked=LOCKED, today=TODAY)
    assert result.is_valid and "weight_grams" not in result.values


def test_a_malformed_nik_for_a_person_is_a_field_error():
    result = clean(BIRTH, GOOD, locked={"mother": {"nik": "123"}}, today=TODAY)
    assert set(result.errors) == {"mother"}


def test_messages_follow_the_active_language():
    with translation.override("en"):
        result = clean(BIRTH, GOOD | {"child_name": "", "birth_date": "2030-01-01"}, locked=LOCKED, today=TODAY)
    assert result.errors == {"child_name": "Required.", "birth_date": "The date cannot be in the future."}


def test_a_pattern_says_what_is_expected_in_the_citizens_language():
    schema = FormSchema.model_validate(
        {
            "fields": [
                {
                    "name": "str_number",
                    "type": "text",
                    "label": "Nomor STR",
                    "label_en": "STR number",
                    "pattern": r"\d{16}",
                    "pattern_message": "Nomor STR terdiri dari 16 angka.",
                    "pattern_message_en": "An STR number has 16 digits.",
                }
            ]
        }
    )
    assert clean(schema, {"str_number": "12ab"}).errors == {"str_number": "Nomor STR terdiri dari 16 angka."}
    with translation.override("en"):
        assert clean(schema, {"str_number": "12ab"}).errors == {"str_number": "An STR number has 16 digits."}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ([{"name": "a", "type": "text", "label": "A a", "label_en": "A a"}] * 2, "used twice"),
        (
            [
                {
                    "name": "b",
                    "type": "text",
                    "label": "B b",
                    "label_en": "B b",
                    "visible_if": {"field": "a", "equals": "x"},
                },
                {"name": "a", "type": "text", "label": "A a", "label_en": "A a"},
            ],
            "must come before it",
        ),
        ([{"name": "a", "type": "text", "label": "A a", "label_en": "A a", "pattern": "("}], "pattern"),
        (
            [{"name": "a", "type": "text", "label": "A a", "label_en": "A a", "prefill": "registry.__class__"}],
            "prefill",
        ),
        ([{"name": "a", "type": "wizard", "label": "A a", "label_en": "A a"}], "type"),
        (
            [
                {
                    "name": "a",
                    "type": "choice",
                    "label": "A a",
                    "label_en": "A a",
                    "choices": [{"value": "x", "label": "X", "label_en": "X"}] * 2,
                }
            ],
            "unique",
        ),
    ],
)
def test_inconsistent_schemas_are_refused(fields, problem):
    with pytest.raises(ValidationError, match=problem):
        FormSchema.model_validate({"fields": fields})


def test_a_schema_lists_the_requirements_it_collects():
    assert BIRTH.requirements() == {"surat_keterangan_lahir"}
    assert BIRTH.field("mother").locked and not BIRTH.field("child_name").locked
