"""The national templates of the letters villages and kelurahan issue: each is a complete service standard with
its English twin, a form that asks only what the state does not know, a signed result, and the village
workflow; the letters that need the RT/RW head's introduction say so, and the platform, not the form, asks it."""

import pytest
import yaml

from mpp.applications.workflows import WORKFLOWS
from mpp.catalog.models import Service, ServiceLevel, ServiceTemplate
from mpp.catalog.seed import DATA_DIR, _read, with_english
from mpp.catalog.standard import ADJUSTABLE, ServiceStandard
from mpp.documents.issuing import BUILDERS, FORMS
from mpp.documents.models import DocumentType
from mpp.forms.schema import AddressField, DocumentField, FormSchema, PersonField
from mpp.forms.tests.test_seeded_forms import SAMPLES, TODAY
from mpp.forms.validation import clean

VILLAGE_LETTERS = (
    "surat-keterangan-domisili",
    "sktm",
    "surat-keterangan-usaha",
    "surat-pengantar-skck",
    "surat-pengantar-nikah",
    "surat-pengantar-pindah",
    "surat-keterangan-kematian-desa",
    "surat-keterangan-belum-menikah",
)
#: A death is reported by the family and checked by the village officer: no RT/RW head's introduction.
WITHOUT_INTRODUCTION = {"surat-keterangan-kematian-desa"}
TEMPLATES = {row["slug"]: row for row in _read("catalog.yaml")["templates"]}
ENGLISH = _read("catalog_en.yaml")
#: The registry attributes these forms prefill (mpp.forms.prefill: ``self``, ``kk_number`` and record items).
PREFILLED = {"self", "name", "kk_number", "address", "marital_status"}


def form(slug: str) -> FormSchema:
    return FormSchema.model_validate(yaml.safe_load((DATA_DIR / "forms" / f"{slug}.yaml").read_text("utf-8")))


def standard(slug: str) -> ServiceStandard:
    return ServiceStandard.model_validate(with_english(TEMPLATES[slug]["standard"], ENGLISH[slug], slug=slug))


def test_the_village_letters_are_all_the_village_level_templates():
    assert {slug for slug, row in TEMPLATES.items() if row.get("level") == ServiceLevel.VILLAGE} == set(VILLAGE_LETTERS)


@pytest.mark.parametrize("slug", VILLAGE_LETTERS)
def test_the_standard_and_the_form_validate_and_the_form_collects_only_what_the_standard_requires(slug):
    parsed, schema = standard(slug), form(slug)
    requirements = {requirement.code: requirement for requirement in parsed.requirements}
    assert schema.requirements() <= set(requirements)
    for field in schema.fields:
        if isinstance(field, DocumentField) and requirements[field.requirement].held_by_state:
            assert not field.required, f"{field.name} demands a document the state holds"
    # The English twin is whole (the texts of every component, every requirement).
    assert parsed.fee.note_en and parsed.duration_note_en and parsed.procedure.summary_en
    assert all(requirement.name_en and requirement.description_en for requirement in parsed.requirements)


@pytest.mark.parametrize("slug", VILLAGE_LETTERS)
def test_a_village_letter_is_delivered_by_the_village_and_signed_by_its_head(slug):
    row, parsed = TEMPLATES[slug], standard(slug)
    assert row["agency_kind"] == "pemdes" and row["mode"] == "application" and row["level"] == ServiceLevel.VILLAGE
    assert row["workflow"] == "village-letter" and row["workflow"] in WORKFLOWS
    assert row["channels"] == ["online", "counter"] and row["assurance_level"] == 2
    assert set(row["adjustable"]) == {"fee", "duration_days", "location"} <= set(ADJUSTABLE)
    # Free unless a Perdes levies a charge, which is then paid through the bill, never in cash.
    assert parsed.fee.amount == 0 and "Peraturan Desa" in parsed.fee.note and "tunai" in parsed.fee.note
    assert parsed.duration_days == 1
    assert any(basis.startswith("UU 6/2014 tentang Desa") for basis in parsed.legal_basis)
    # Its signed result: a document type and an official form named after the template, and a builder.
    assert DocumentType(slug) in FORMS and slug in BUILDERS


@pytest.mark.parametrize("slug", VILLAGE_LETTERS)
def test_the_rt_rw_introduction_is_required_where_it_is_needed_and_never_asked_on_the_form(slug):
    row, parsed, schema = TEMPLATES[slug], standard(slug), form(slug)
    introduction = {requirement.code: requirement for requirement in parsed.requirements}.get("pengantar_rt_rw")
    assert row["introduction"] is (slug not in WITHOUT_INTRODUCTION)
    assert (introduction is not None) is row["introduction"]
    if introduction is not None:
        # Neither registry data nor an issued document: asked online from the head the citizen names.
        assert introduction.held_by_state is None and introduction.mandatory
        assert "daring" in introduction.description and "ketua RT/RW" in introduction.description
    # The platform adds the step that names the head; the form has no field for it.
    words = {word for field in schema.fields for word in field.name.split("_")}
    assert not words & {"rt", "rw", "head", "neighbourhood", "pengantar", "introduction"}


@pytest.mark.parametrize("slug", VILLAGE_LETTERS)
def test_the_form_takes_the_applicant_and_what_the_registry_holds_from_the_registry(slug):
    schema, parsed = form(slug), standard(slug)
    applicant = schema.field("applicant")
    assert isinstance(applicant, PersonField) and applicant.prefill == "registry.applicant.self" and applicant.locked
    for field in schema.fields:
        if field.prefill:
            assert field.prefill.removeprefix("registry.applicant.") in PREFILLED and field.locked, field.name
    # The identity and family card it rests on are the registry's: the citizen is never asked for them.
    held = {requirement.code: requirement.held_by_state for requirement in parsed.requirements}
    assert held.get("identitas_pemohon", held.get("identitas_pelapor")) == "registry"
    assert all(held[code] == "registry" for code in ("kartu_keluarga", "data_almarhum") if code in held)


@pytest.mark.parametrize("slug", VILLAGE_LETTERS)
def test_a_good_answer_cleans_and_a_missing_one_is_named(slug):
    data, locked, missing = SAMPLES[slug]
    schema = form(slug)
    assert set(data) | set(locked) <= {field.name for field in schema.fields}
    result = clean(schema, data, locked=locked, today=TODAY)
    assert result.is_valid, result.errors
    assert all(result.values[name] for name in locked), "the registry values are kept"
    assert schema.field(missing).required and not schema.field(missing).locked
    result = clean(schema, {name: value for name, value in data.items() if name != missing}, locked=locked, today=TODAY)
    assert result.errors == {missing: "Wajib diisi."}


def test_a_moving_introduction_asks_the_destination_as_an_address():
    assert isinstance(form("surat-pengantar-pindah").field("destination"), AddressField)
    assert isinstance(form("surat-keterangan-kematian-desa").field("deceased"), PersonField)


def test_the_police_clearance_takes_the_villages_introduction_from_the_vault():
    skck = TEMPLATES["skck"]
    assert skck["mode"] == "information"
    requirement = next(r for r in standard("skck").requirements if r.code == "surat_pengantar_skck")
    assert requirement.name == "Surat pengantar dari desa/kelurahan"
    assert requirement.held_by_state == "issued_document" and "MPP Digital" in requirement.held_source
    assert requirement.held_source_en
    assert requirement.mandatory  # the Polri system requires it: the vault's, or else an upload


@pytest.mark.django_db
@pytest.mark.parametrize("slug", VILLAGE_LETTERS)
def test_the_catalog_publishes_each_letter_and_the_pilot_regions_offer_it(slug):
    template = ServiceTemplate.objects.select_related("current_version", "agency_kind").get(slug=slug)
    assert template.level == ServiceLevel.VILLAGE and template.introduction is (slug not in WITHOUT_INTRODUCTION)
    assert template.current_version.parsed_form == form(slug)
    service = Service.objects.select_related("agency").get(region_id="64.72", template=template)
    assert service.agency.kind.code == "pemdes" and service.agency.village_id is None
