"""Who sees which dashboard: the ministry every region, a manager their own, everyone else nothing."""

import pytest
from django.urls import reverse

from mpp.applications.tests.conftest import officer
from mpp.identity.models import Role
from mpp.identity.tests.factories import make_citizen

pytestmark = pytest.mark.django_db
NATIONAL = "/kementerian/"
REGION = "/pengelola/statistik/"


def test_the_url_names_are_the_header_menus():
    assert reverse("statistics:national") == NATIONAL and reverse("statistics:region") == REGION
    assert reverse("statistics:public_national") == "/statistik/"
    assert reverse("statistics:public_region", args=["64.72"]) == "/statistik/64.72/"


@pytest.mark.parametrize("path", [NATIONAL, REGION, f"{NATIONAL}?wilayah=64.72"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


@pytest.mark.parametrize("path", [NATIONAL, REGION])
def test_a_citizen_and_an_officer_get_404(client, path):
    for user in (make_citizen("6472015204900003"), officer("verifikator.samarinda", Role.VERIFIER)):
        client.force_login(user)
        assert client.get(path).status_code == 404


def test_a_manager_gets_404_on_the_ministrys_dashboard(client, samarinda_manager):
    client.force_login(samarinda_manager)
    assert client.get(NATIONAL).status_code == 404


def test_a_manager_sees_their_own_region_and_only_it(client, samarinda_manager):
    client.force_login(samarinda_manager)
    own = client.get(REGION)
    assert own.status_code == 200 and "Kota Samarinda" in own.content.decode()
    assert "Median nasional antardaerah" in own.content.decode()  # each figure beside the national median
    assert client.get(f"{REGION}?wilayah=64.72&layanan=akta-kelahiran").status_code == 200
    for other in ("33.72", "64", "64.72.01", "99.99", ""):
        assert client.get(f"{REGION}?wilayah={other}").status_code == (200 if other == "" else 404), other


def test_the_manager_of_region_a_cannot_see_region_b(client, surakarta_manager):
    client.force_login(surakarta_manager)
    assert client.get(f"{REGION}?wilayah=64.72").status_code == 404
    assert "Surakarta" in client.get(REGION).content.decode()


def test_an_unknown_service_is_404(client, ministry, samarinda_manager):
    client.force_login(ministry)
    assert client.get(f"{NATIONAL}?layanan=tidak-ada").status_code == 404
    client.force_login(samarinda_manager)
    assert client.get(f"{REGION}?layanan=tidak-ada").status_code == 404


@pytest.mark.parametrize("query", ["", "?wilayah=33", "?wilayah=33.72", "?wilayah=33.72&layanan=kia", "?layanan=kia"])
def test_the_ministry_sees_every_scope(client, ministry, query):
    client.force_login(ministry)
    assert client.get(NATIONAL + query).status_code == 200


def test_the_ministry_may_open_a_regions_manager_view_by_naming_it(client, ministry):
    client.force_login(ministry)
    assert client.get(f"{REGION}?wilayah=33.72").status_code == 200
    assert client.get(REGION).status_code == 404  # national: which region? none given
    assert client.get(f"{NATIONAL}?wilayah=64.72.01").status_code == 404  # a kecamatan has no dashboard


def test_the_dashboards_are_never_kept_by_a_browser(client, ministry):
    client.force_login(ministry)
    assert client.get(NATIONAL)["Cache-Control"] == "private, no-store"
