"""The region page puts first what a visitor needs to go: the MPP's address, hours and counters;
then the services, searchable and grouped by the agency that delivers them, in plain words."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from mpp.catalog.models import Mpp
from mpp.portal.selectors import counter_numbers, region_services
from mpp.regions.models import Level, Region

pytestmark = pytest.mark.django_db

SAMARINDA = "/wilayah/64.72/"


def main_of(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


def test_the_mpp_essentials_come_before_the_services(client):
    html = main_of(client.get(SAMARINDA).content.decode())
    mpp = Mpp.objects.get(region_id="64.72")
    address, hours = html.index(mpp.address), html.index("Jam layanan (WITA)")
    counters, services = html.index("Loket 1–3"), html.index('id="services-h"')
    assert address < services and hours < services and counters < services
    assert "Senin–Kamis: 08:00–15:30" in html


def test_the_search_comes_first_and_services_are_grouped_by_agency(client):
    html = main_of(client.get(SAMARINDA).content.decode())
    search, first_group = html.index('role="search"'), html.index('class="agency-group"')
    assert search < first_group
    groups = re.findall(r'<section aria-labelledby="agency-\d+" class="agency-group">(.*?)</section>', html, re.S)
    headings = [re.search(r"<h3[^>]*>(.*?)</h3>", group).group(1) for group in groups]
    assert headings[0] == "Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda"  # counters 1–3: first in the hall
    assert len(headings) == len(set(headings))
    disdukcapil = groups[0]
    assert "Loket 1–3 di MPP" in disdukcapil
    assert "Penerbitan Akta Kelahiran" in disdukcapil and "Penerbitan Surat Keterangan Catatan" not in disdukcapil
    police = next(group for heading, group in zip(headings, groups, strict=True) if heading.startswith("Kepolisian"))
    assert "Penerbitan Surat Keterangan Catatan Kepolisian (SKCK)" in police
    # every service is listed once
    assert html.count('class="card"') == sum(len(group.services) for group in region_services("64.72").agencies)


def test_plain_words_instead_of_jargon_and_the_region_code_as_a_detail(client):
    html = main_of(client.get(SAMARINDA).content.decode())
    assert "dipegang negara" not in html
    assert "Data yang sudah dimiliki pemerintah tidak perlu Anda unggah" in html
    assert re.search(r"\d+ dari \d+ persyaratan tidak perlu Anda unggah", html)
    assert '<p class="muted fine-print">Kode wilayah Kemendagri: 64.72</p>' in html
    assert html.index("Kode wilayah") > html.index('id="services-h"')  # after the services, not under the name


def test_the_layout_stylesheet_is_linked_and_the_page_keeps_to_the_csp(client):
    html = client.get(SAMARINDA).content.decode()
    assert '<link rel="stylesheet" href="/static/mpp/region.css">' in html
    css = Path(finders.find("mpp/region.css")).read_text()
    assert "grid-template-columns" in css and "@media (min-width" in css
    assert " style=" not in html and "<script>" not in html and not re.search(r"\son[a-z]+=", html)


def test_an_english_page_marks_the_regions_own_text_as_indonesian(client):
    client.get("/bahasa/en/", {"next": "/"})
    html = main_of(client.get(SAMARINDA).content.decode())
    mpp = Mpp.objects.get(region_id="64.72")
    assert f'<h2 id="mpp-1"><span lang="id">{mpp.name}</span></h2>' in html
    assert f'<span lang="id">{mpp.address}</span>' in html
    assert (
        '<h3 id="agency-1"><span lang="id">Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda</span></h3>' in html
    )
    assert ">Birth certificate</a>" in html and "Penerbitan Akta Kelahiran" not in html
    assert "A birth certificate for a newborn child" in html


def test_an_indonesian_page_marks_nothing(client):
    html = main_of(client.get(SAMARINDA).content.decode())
    assert 'lang="id"' not in html


def test_a_region_without_an_mpp_says_so(client):
    region = Region.objects.filter(level=Level.REGENCY).exclude(mpps__isnull=False).order_by("code").first()
    html = main_of(client.get(f"/wilayah/{region.code}/").content.decode())
    assert "Alamat dan jam layanan MPP daerah ini belum tersedia" in html
    assert "Daerah ini belum menerbitkan katalog layanannya" in html


def test_a_province_page_keeps_its_regency_list(client):
    html = main_of(client.get("/wilayah/64/").content.decode())
    assert "Kota Samarinda" in html and 'class="region-page"' not in html
    assert "Kode wilayah Kemendagri: 64" in html


@pytest.mark.parametrize(
    ("numbers", "label"),
    [([], ""), ([4], "4"), ([5, 6], "5, 6"), ([1, 2, 3], "1–3"), ([3, 1, 2, 5, 9, 8, 7], "1–3, 5, 7–9")],
)
def test_counter_numbers_read_as_people_say_them(numbers, label):
    assert counter_numbers(numbers) == label


def test_the_page_reads_the_services_in_one_query_in_either_language(client, django_assert_max_num_queries):
    # region, its parents, the MPPs, their counters, the services, its stage in MPP Digital, its satisfaction
    # index: whatever the number of services
    with django_assert_max_num_queries(7):
        assert client.get(SAMARINDA).status_code == 200
    client.get("/bahasa/en/", {"next": "/"})
    with django_assert_max_num_queries(7):
        assert client.get(SAMARINDA).status_code == 200
