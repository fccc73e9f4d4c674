"""An MPP manager sees and changes only their own region, on every admin page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from mpp.catalog.models import Agency, Counter, Mpp, Service, ServiceTemplate
from mpp.core.admin import RegionScopedAdmin
from mpp.identity.models import User
from mpp.regions.models import Region

pytestmark = pytest.mark.django_db

# Our own models; third-party admins (task results) keep Django's permissions: superusers only.
OURS = {m: a for m, a in admin.site._registry.items() if m.__module__.startswith("mpp.")}
# Forwarding and ExternalCase have no rows in the seeded catalog; their scoping is tested
# with rows of two regions in mpp/applications/tests/test_forwarding_admin.py.
SEEDED_ELSEWHERE = {"Forwarding", "ExternalCase"}
SCOPED_MODELS = [m for m, a in OURS.items() if isinstance(a, RegionScopedAdmin) and m.__name__ not in SEEDED_ELSEWHERE]
NATIONAL_MODELS = [m for m, a in OURS.items() if not isinstance(a, RegionScopedAdmin)]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def as_alice(client, samarinda_manager):
    client.force_login(samarinda_manager)
    return client


def test_scoped_and_national_admins_cover_every_registered_model():
    assert {Mpp, Agency, Service} <= set(SCOPED_MODELS)
    assert {Region, ServiceTemplate, User} <= set(NATIONAL_MODELS)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_manager_lists_only_their_region(as_alice, model):
    response = as_alice.get(_url(model, "changelist"))
    assert response.status_code == 200
    shown = response.context["cl"].queryset
    assert shown.exists()
    region_field = admin.site._registry[model].region_field
    assert set(shown.values_list(region_field, flat=True)) == {"64.72"}


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_manager_cannot_open_or_delete_another_regions_record(as_alice, model):
    other = model.objects.filter(**{admin.site._registry[model].region_field: "33.72"}).first()
    for view in ("change", "delete", "history"):
        response = as_alice.get(_url(model, view, other.pk))
        assert response.status_code in (302, 403, 404), view
        assert other.__class__.__name__ not in response.content.decode() or response.status_code != 200


@pytest.mark.parametrize("model", NATIONAL_MODELS, ids=lambda m: m.__name__)
def test_manager_cannot_see_national_data(as_alice, model):
    assert as_alice.get(_url(model, "changelist")).status_code == 403


def test_manager_cannot_change_another_regions_service_by_crafted_post(as_alice):
    service = Service.objects.get(region_id="33.72", template__slug="kartu-keluarga")
    version = service.current_version_id
    as_alice.post(_url(Service, "change", service.pk), {"agency": service.agency_id, "location": "Hijacked"})
    service.refresh_from_db()
    assert service.current_version_id == version


def test_manager_adjusts_own_service_as_a_new_version(as_alice, samarinda_manager):
    service = Service.objects.get(region_id="64.72", template__slug="kartu-keluarga")
    before = service.current_version
    response = as_alice.post(
        _url(Service, "change", service.pk),
        {
            "agency": service.agency_id,
            "is_active": "on",
            "location": "Loket 2, MPP Samarinda lantai 1",
            "note": "Pindah loket",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.current_version.number == before.number + 1
    assert service.current_version.standard["location"] == "Loket 2, MPP Samarinda lantai 1"
    assert service.current_version.changed_by == samarinda_manager


def test_foreign_key_choices_offer_only_own_region(as_alice):
    service = Service.objects.filter(region_id="64.72").first()
    form = as_alice.get(_url(Service, "change", service.pk)).context["adminform"].form
    assert set(form.fields["agency"].queryset.values_list("region_id", flat=True)) == {"64.72"}
    mpp = Mpp.objects.get(region_id="64.72")
    formset = as_alice.get(_url(Mpp, "change", mpp.pk)).context["inline_admin_formsets"][0].formset
    assert set(formset.form.base_fields["agency"].queryset.values_list("region_id", flat=True)) == {"64.72"}
    add_form = as_alice.get(_url(Agency, "add")).context["adminform"].form
    assert list(add_form.fields["region"].queryset.values_list("code", flat=True)) == ["64.72"]


def test_manager_cannot_create_an_agency_in_another_region(as_alice):
    before = Agency.objects.filter(region_id="33.72").count()
    from mpp.catalog.models import AgencyKind

    kind = AgencyKind.objects.get(code="dinsos")
    response = as_alice.post(_url(Agency, "add"), {"region": "33.72", "kind": kind.pk, "name": "Dinsos palsu"})
    assert response.status_code == 200  # the form refuses the choice
    assert "region" in response.context["adminform"].form.errors
    assert Agency.objects.filter(region_id="33.72").count() == before


def test_manager_counter_edits_stay_in_region(as_alice):
    mpp = Mpp.objects.get(region_id="64.72")
    foreign_agency = Agency.objects.filter(region_id="33.72").first()
    counters = list(mpp.counters.all())
    data = {
        "region": "64.72",
        "name": mpp.name,
        "address": mpp.address,
        "phone": mpp.phone,
        "email": mpp.email,
        "opening_hours": '[{"days": [0], "opens": "08:00", "closes": "12:00"}]',
        "digital_stage": mpp.digital_stage,
        "counters-TOTAL_FORMS": str(len(counters) + 1),
        "counters-INITIAL_FORMS": str(len(counters)),
        "counters-MIN_NUM_FORMS": "0",
        "counters-MAX_NUM_FORMS": "1000",
    }
    for i, c in enumerate(counters):
        data.update(
            {
                f"counters-{i}-id": c.pk,
                f"counters-{i}-mpp": mpp.pk,
                f"counters-{i}-agency": c.agency_id,
                f"counters-{i}-number": c.number,
                f"counters-{i}-label": c.label,
            }
        )
    n = len(counters)
    data.update({f"counters-{n}-mpp": mpp.pk, f"counters-{n}-agency": foreign_agency.pk, f"counters-{n}-number": 99})
    response = as_alice.post(_url(Mpp, "change", mpp.pk), data)
    assert response.status_code == 200
    assert not Counter.objects.filter(mpp=mpp, number=99).exists()


def test_ministry_sees_every_region(client, ministry):
    client.force_login(ministry)
    response = client.get(_url(Mpp, "changelist"))
    assert response.context["cl"].result_count == 21
    for model in NATIONAL_MODELS:
        assert client.get(_url(model, "changelist")).status_code == 200


def test_a_staff_account_without_a_role_sees_nothing(client):
    from mpp.identity.tests.factories import UserFactory

    client.force_login(UserFactory(staff=True))
    assert client.get(_url(Mpp, "changelist")).status_code == 403
