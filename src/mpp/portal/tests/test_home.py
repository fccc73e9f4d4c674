import os

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_pilot_regions(client):
    html = client.get("/").content.decode()
    assert '<a href="/wilayah/64.72/">Kota Samarinda</a>' in html
    assert 'action="/wilayah/"' in html


def test_home_page_html_and_assets_are_light(client):
    html = client.get("/").content
    assets = [finders.find("mpp/site.css"), finders.find("mpp/vendor/htmx-2.0.11.min.js")]
    total = len(html) + sum(os.path.getsize(path) for path in assets)
    assert total < 100 * 1024
