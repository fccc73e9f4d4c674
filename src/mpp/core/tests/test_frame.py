"""The frame every page shares: its links, reversed once per process, lead where ``{% url %}`` would."""

import pytest
from django.urls import reverse

from mpp.identity.tests.factories import make_citizen

pytestmark = pytest.mark.django_db


def links(html: str, *names: str) -> list[bool]:
    return [f'href="{reverse(name)}"' in html for name in names]


def test_an_anonymous_visitor_sees_home_search_and_sign_in_and_can_switch_language(client):
    html = client.get("/verify/").content.decode()
    assert links(html, "home", "catalog:search", "identity:login") == [True, True, True]
    assert links(html, "applications:dashboard", "documents:vault") == [False, False]
    assert f'href="{reverse("switch_language", args=["en"])}?next=/verify/"' in html
    client.get(reverse("switch_language", args=["en"]))
    assert f'href="{reverse("switch_language", args=["id"])}?next=/verify/"' in client.get("/verify/").content.decode()


def test_a_citizen_sees_her_applications_vault_and_account(client):
    client.force_login(make_citizen("6472035204900001"))
    html = client.get("/verify/").content.decode()
    assert links(html, "applications:dashboard", "documents:vault", "identity:account") == [True, True, True]
    assert links(html, "identity:login", "applications:worklist") == [False, False]


def test_staff_see_their_roles_pages_and_no_citizens_pages(client, samarinda_manager):
    client.force_login(samarinda_manager)
    html = client.get("/verify/").content.decode()
    assert links(html, "onboarding:manager", "identity:account") == [True, True]
    assert links(html, "applications:dashboard", "documents:vault", "applications:worklist") == [False, False, False]


def test_the_stylesheet_and_htmx_are_linked(client):
    html = client.get("/").content.decode()
    assert 'rel="stylesheet" href="/static/mpp/site.css' in html
    assert 'src="/static/mpp/vendor/htmx-2.0.11.min.js' in html
