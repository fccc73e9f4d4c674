"""On an English page the catalog speaks English: every national template is translated in the seed
data, seeding publishes it as a new version, pages choose the language at display time, and a text
without a translation (a region's own) is marked lang="id"."""

import re

import pydantic
import pytest

from mpp.catalog import services
from mpp.catalog.models import Service, ServiceTemplate
from mpp.catalog.presentation import localized_standard
from mpp.catalog.seed import _read, seed_catalog, with_english
from mpp.catalog.standard import ServiceStandard

pytestmark = pytest.mark.django_db

TEXTS = ("internal_oversight", "staff", "service_guarantee", "security_guarantee", "performance_evaluation")


def english(client):
    assert client.get("/bahasa/en/", {"next": "/"}).status_code == 302


def page(client, service) -> str:
    html = client.get(f"/layanan/{service.id}/").content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def birth(region="64.72") -> Service:
    return Service.objects.get(region_id=region, template__slug="akta-kelahiran")


@pytest.mark.parametrize("slug", [row["slug"] for row in _read("catalog.yaml")["templates"]])
def test_every_national_template_is_translated_whole(slug):
    template = ServiceTemplate.objects.select_related("current_version").get(slug=slug)
    standard = template.current_version.standard
    assert template.name_en and template.summary_en
    for requirement in standard["requirements"]:
        assert requirement["name_en"] and requirement["description_en"], requirement["code"]
        assert bool(requirement["held_source_en"]) == bool(requirement["held_source"]), requirement["code"]
    assert standard["procedure"]["summary_en"]
    for step in standard["procedure"]["steps"]:
        assert step["title_en"] and step["description_en"] and step["actor_en"]
    assert standard["fee"]["note_en"] and standard["duration_note_en"]
    assert standard["product"]["name_en"] and standard["product"]["description_en"]
    assert standard["complaints"]["summary_en"]
    assert len(standard["complaints"]["channels_en"]) == len(standard["complaints"]["channels"])
    assert len(standard["facilities_en"]) == len(standard["facilities"])
    assert len(standard["competence_en"]) == len(standard["competence"])
    for key in TEXTS:
        assert standard[f"{key}_en"], key


def test_the_english_service_page_reads_in_english(client):
    english(client)
    html = page(client, birth())
    assert "<h1>Birth certificate</h1>" in html
    assert "A birth certificate for a newborn child" in html
    assert "<strong>Birth notification</strong>" in html and "Surat keterangan kelahiran" not in html
    assert "Registering the birth and giving the child a NIK" in html
    assert "Free of charge. Population documents are issued free of charge" in html
    assert "Cool waiting room with seats and information boards" in html
    # Legal bases keep their official Indonesian titles, marked as Indonesian.
    assert '<li><span lang="id">UU 25/2009 tentang Pelayanan Publik</span></li>' in html
    # The agency and the region's location are the region's own words.
    assert '<dd><span lang="id">Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda</span></dd>' in html
    assert re.search(r'<strong>[^<]*</strong> <span lang="id">Loket Disdukcapil, Mal Pelayanan Publik', html)


def test_the_indonesian_page_is_unchanged_and_marks_nothing(client):
    html = page(client, birth())
    assert "<h1>Penerbitan Akta Kelahiran</h1>" in html
    assert "<strong>Surat keterangan kelahiran</strong>" in html and "Birth notification" not in html
    assert 'lang="id"' not in html
    assert "dipegang negara" not in html
    assert "sudah dimiliki pemerintah, jadi tidak perlu Anda unggah" in html


def test_a_regions_own_changes_stay_indonesian_and_say_so(client):
    service = Service.objects.get(region_id="64.72", template__slug="sip-tenaga-kesehatan")
    services.adjust_service(
        service=service,
        by=None,
        note="Retribusi daerah",
        adjustments={
            "fee": {"amount": 50000, "note": "Retribusi menurut Perda Kota Samarinda."},
            "location": "Lantai 2, Gedung Graha Tepian",
            "extra_requirements": [{"code": "surat_sehat", "name": "Surat keterangan sehat dari dokter"}],
        },
    )
    english(client)
    html = page(client, service)
    assert '<p><span lang="id">Retribusi menurut Perda Kota Samarinda.</span></p>' in html
    assert '<span lang="id">Lantai 2, Gedung Graha Tepian</span>' in html
    assert '<strong><span lang="id">Surat keterangan sehat dari dokter</span></strong>' in html
    assert "<strong>Valid registration certificate (STR)</strong>" in html  # the template's stay translated


def test_the_region_page_and_the_search_show_english_names(client):
    english(client)
    region = client.get("/wilayah/64.72/").content.decode()
    assert ">Police clearance certificate</a>" in region
    found = client.get("/cari/", {"q": "akta kelahiran", "regency_code": "64.72"}).content.decode()
    assert ">Birth certificate</a>" in found and ">Penerbitan Akta Kelahiran</a>" not in found


def test_the_api_keeps_both_languages_side_by_side(client):
    answer = client.get(f"/api/v1/services/{birth().id}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert answer["name"] == "Penerbitan Akta Kelahiran" and answer["name_en"] == "Birth certificate"
    requirement = answer["standard"]["requirements"][0]
    assert requirement["name"] == "Surat keterangan kelahiran" and requirement["name_en"] == "Birth notification"


def test_seeding_again_publishes_nothing_new():
    before = dict(ServiceTemplate.objects.values_list("slug", "current_version__number"))
    seed_catalog()
    assert dict(ServiceTemplate.objects.values_list("slug", "current_version__number")) == before


def test_seeding_publishes_the_english_text_as_a_new_version_that_services_follow():
    template = ServiceTemplate.objects.select_related("current_version").get(slug="akta-kelahiran")
    untranslated = _without_english(template.current_version.standard)
    older = services.publish_template_version(template=template, standard=untranslated, note="before English")
    assert older is not None and birth().current_version.standard["requirements"][0]["name_en"] == ""

    seed_catalog()

    template.refresh_from_db()
    assert template.current_version.number == older.number + 1
    assert template.current_version.standard["requirements"][0]["name_en"] == "Birth notification"
    assert birth().current_version.standard["requirements"][0]["name_en"] == "Birth notification"
    assert birth("33.72").current_version.template_version_id == template.current_version_id


def test_a_translation_that_does_not_fit_its_standard_is_refused():
    standard = _read("catalog.yaml")["templates"][0]["standard"]
    with pytest.raises(ValueError, match="unknown requirements"):
        with_english(standard, {"requirements": {"no_such_code": {"name": "x"}}}, slug="t")
    with pytest.raises(ValueError, match="number of steps"):
        with_english(standard, {"procedure": {"steps": [{"title": "Only one"}]}}, slug="t")
    with pytest.raises(ValueError, match="unknown English fields"):
        with_english(standard, {"legal_basis": ["UU 25/2009 on Public Services"]}, slug="t")
    with pytest.raises(pydantic.ValidationError, match="facilities_en"):
        ServiceStandard.model_validate(with_english(standard, {"facilities": ["Only one"]}, slug="t"))


def test_without_a_translation_an_english_page_falls_back_to_indonesian_marked():
    from django.utils import translation

    standard = _without_english(birth().current_version.standard)
    with translation.override("en"):
        shown = localized_standard(standard)
    assert shown["requirements"][0]["name"] == "Surat keterangan kelahiran"
    assert shown["requirements"][0]["name"].lang == "id"
    with translation.override("id"):
        assert localized_standard(standard)["requirements"][0]["name"].lang == ""


def _without_english(value):
    """The standard as it was seeded before the English text: every ``*_en`` twin left out."""
    if isinstance(value, dict):
        return {key: _without_english(item) for key, item in value.items() if not key.endswith("_en")}
    if isinstance(value, list):
        return [_without_english(item) for item in value]
    return value
