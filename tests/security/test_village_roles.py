"""The authorisation matrix, extended to village roles: who may open and act on a village letter, keep a
village's page and directory, and see the region's connectors. Anyone outside gets the page as if it were not
there (404), or the sign-in page when anonymous (302)."""

import pytest
from django.urls import reverse

from mpp.applications import services
from mpp.applications.models import Introduction
from mpp.catalog.models import Agency, Service
from mpp.identity.models import Role, RoleAssignment
from mpp.identity.tests.factories import UserFactory, make_staff
from mpp.notifications.models import OutboxMessage
from mpp.regions.models import Region
from mpp.villages.models import NeighbourhoodHead
from mpp.villages.services import village_agency

from .conftest import siti  # noqa: F401

VILLAGE, NEIGHBOUR = "64.72.01.1001", "64.72.01.1002"

ROLES = ["anonymous", "citizen", "officer", "head", "neighbour_officer", "city_verifier", "manager", "other_manager"]


def village_staff(username, role, village):
    user = UserFactory(username=username, staff=True)
    region_agency = Agency.objects.get(region_id="64.72", kind__code="pemdes", village=None)
    agency = village_agency(Region.objects.get(code=village), region_agency=region_agency)
    RoleAssignment.objects.create(user=user, role=role, region_id="64.72", agency=agency)
    return user


@pytest.fixture
def people(siti):  # noqa: F811
    city = UserFactory(username="verifikator.kota", staff=True)
    RoleAssignment.objects.create(
        user=city,
        role=Role.VERIFIER,
        region_id="64.72",
        agency=Agency.objects.get(region_id="64.72", kind__code="disdukcapil"),
    )
    return {
        "anonymous": None,
        "citizen": siti,
        "officer": village_staff("petugas.sidodadi", Role.VILLAGE_OFFICER, VILLAGE),
        "head": village_staff("lurah.sidodadi", Role.VILLAGE_HEAD, VILLAGE),
        "neighbour_officer": village_staff("petugas.tetangga", Role.VILLAGE_OFFICER, NEIGHBOUR),
        "city_verifier": city,
        "manager": make_staff("alice.samarinda", "mpp_manager", "64.72"),
        "other_manager": make_staff("bob.surakarta", "mpp_manager", "33.72"),
    }


@pytest.fixture
def letter(siti, settings):  # noqa: F811
    """Siti's SKCK introduction letter, introduced by her RT head and waiting at her kelurahan's staff."""
    settings.SMS_GATEWAY_URL = "http://gateway.test"
    NeighbourhoodHead.objects.create(
        village_id=VILLAGE, kind="rt", rw="002", rt="003", name="Hasan Basri", phone="081234500003"
    )
    service = Service.objects.get(region_id="64.72", template__slug="surat-pengantar-skck")
    application = services.submit(
        applicant=siti, service=service, data={"purpose": "Melamar pekerjaan", "truth": "on"}, submit_key="matrix-1"
    ).application
    introduction = Introduction.objects.get(application=application)
    token = OutboxMessage.objects.get(dedup_key=f"introduction:{introduction.pk}:whatsapp").context["url"]
    services.answer_introduction(token=token.rstrip("/").rsplit("/", 1)[1], confirm=True)
    application.refresh_from_db()
    return application


# page → the roles that may open it (everyone else: 404, or 302 to sign in when anonymous)
PAGES = {
    "officer_detail": {"officer", "head"},
    "keep_village": {"officer", "head", "manager"},
    "keep_neighbour": {"neighbour_officer", "manager"},
    "connectors": {"manager"},
    "citizen_detail": {"citizen"},
}


def url_of(page, letter):
    return {
        "officer_detail": reverse("applications:officer_detail", args=[letter.pk]),
        "keep_village": reverse("villages:keep", args=[VILLAGE]),
        "keep_neighbour": reverse("villages:keep", args=[NEIGHBOUR]),
        "connectors": reverse("applications:connectors") + "?wilayah=64.72",
        "citizen_detail": reverse("applications:detail", args=[letter.tracking_number]),
    }[page]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_page_opens_for_its_roles_only(client, people, letter, page):
    for role in ROLES:
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        status = client.get(url_of(page, letter)).status_code
        expected = 200 if role in PAGES[page] else (302 if role == "anonymous" else 404)
        assert status == expected, f"{role} on {page}: {status}, expected {expected}"


def test_only_the_villages_staff_act_each_at_their_step(client, people, letter):
    act = reverse("applications:act", args=[letter.pk])
    for role in ("neighbour_officer", "city_verifier", "manager", "citizen"):
        client.force_login(people[role])
        response = client.post(act, {"action": "accept", "version": letter.version})
        assert response.status_code == 404, role
    client.force_login(people["head"])
    refused = client.post(act, {"action": "accept", "version": letter.version})
    assert refused.status_code in (400, 403, 409) and "bukan tugas peran Anda" in refused.content.decode()
    client.force_login(people["officer"])
    assert client.post(act, {"action": "accept", "version": letter.version}).status_code == 302
