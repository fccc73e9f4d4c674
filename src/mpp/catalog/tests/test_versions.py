import pytest
from pydantic import ValidationError

from mpp.catalog import services
from mpp.catalog.models import Service, ServiceTemplate
from mpp.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def kk_samarinda():
    return Service.objects.select_related("template", "current_version").get(
        region_id="64.72", template__slug="kartu-keluarga"
    )


def test_a_region_adjustment_appends_a_version_and_keeps_the_old_one(kk_samarinda, samarinda_manager):
    before = kk_samarinda.current_version
    version = services.adjust_service(
        service=kk_samarinda,
        adjustments={
            "location": "Loket 3, MPP Samarinda",
            "extra_requirements": [{"code": "surat_rt", "name": "Surat pengantar RT", "mandatory": False}],
        },
        by=samarinda_manager,
        note="Loket pindah",
    )
    kk_samarinda.refresh_from_db()
    assert kk_samarinda.current_version == version
    assert version.number == before.number + 1
    assert version.changed_by == samarinda_manager
    assert version.standard["location"] == "Loket 3, MPP Samarinda"
    extra = version.standard["requirements"][-1]
    assert extra["code"] == "surat_rt" and extra["added_by_region"] is True
    before.refresh_from_db()
    assert "surat_rt" not in {r["code"] for r in before.standard["requirements"]}


def test_a_region_cannot_change_what_the_template_does_not_allow(kk_samarinda):
    template = kk_samarinda.template
    ServiceTemplate.objects.filter(pk=template.pk).update(adjustable=["location"])
    kk_samarinda.template.refresh_from_db()
    with pytest.raises(DomainError, match="fee"):
        services.adjust_service(service=kk_samarinda, adjustments={"fee": {"amount": 5000}}, by=None, note="")


def test_an_added_requirement_may_not_reuse_a_template_code(kk_samarinda):
    code = kk_samarinda.current_version.standard["requirements"][0]["code"]
    with pytest.raises(ValidationError):
        services.adjust_service(
            service=kk_samarinda,
            adjustments={"extra_requirements": [{"code": code, "name": "Duplikat"}]},
            by=None,
            note="",
        )


def test_a_negative_fee_is_refused(kk_samarinda):
    with pytest.raises(ValidationError):
        services.adjust_service(service=kk_samarinda, adjustments={"fee": {"amount": -1}}, by=None, note="")


def test_a_new_template_version_reaches_every_region_and_keeps_their_adjustments(kk_samarinda):
    services.adjust_service(service=kk_samarinda, adjustments={"location": "Loket 9"}, by=None, note="")
    template = kk_samarinda.template
    standard = dict(template.current_version.standard, duration_days=2)
    version = services.publish_template_version(template=template, standard=standard, note="Permendagri baru")
    assert version.number == 2
    for service in Service.objects.filter(template=template).select_related("current_version"):
        assert service.current_version.template_version == version
        assert service.current_version.standard["duration_days"] == 2
    kk_samarinda.refresh_from_db()
    assert kk_samarinda.current_version.standard["location"] == "Loket 9"


def test_publishing_the_same_standard_again_adds_nothing(kk_samarinda):
    template = kk_samarinda.template
    assert services.publish_template_version(template=template, standard=template.current_version.standard) is None


def test_offering_a_template_needs_an_agency_of_its_kind(kk_samarinda):
    police = kk_samarinda.region.agencies.get(kind__code="polres")
    with pytest.raises(DomainError):
        services.offer_service(template=kk_samarinda.template, agency=police)


def test_every_seeded_service_has_all_14_components_filled():
    from mpp.catalog.standard import COMPONENTS

    for service in Service.objects.select_related("current_version"):
        standard = service.current_version.parsed.model_dump()
        for key, _title in COMPONENTS:
            assert standard[key] not in (None, "", [], {}), (service, key)


def test_every_version_keeps_the_figures_lists_show_beside_its_standard(db):
    from mpp.catalog.models import ServiceVersion
    from mpp.catalog.standard import list_figures

    versions = list(ServiceVersion.objects.only("standard", "summary"))
    assert versions and all(version.summary == list_figures(version.standard) for version in versions)
    one = versions[0]
    assert set(one.summary) == {"duration_days", "fee", "once_only"}
