"""A village's public page and its letters, the region's list of villages, finding a village by name, and the
village's own page for its staff — each for whom it is meant only."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mpp.catalog.models import Agency, Service
from mpp.identity.models import Role, RoleAssignment
from mpp.identity.tests.factories import UserFactory
from mpp.regions.models import Region
from mpp.villages.models import NeighbourhoodHead, VillageOffice
from mpp.villages.services import change_office, village_agency

AIR_PUTIH = "64.72.03.1004"
SIDODADI = "64.72.01.1001"


def staff(username: str, role: str, village: str):
    user = UserFactory(username=username, staff=True)
    region_agency = Agency.objects.get(region_id=village[:5], kind__code="pemdes", village=None)
    agency = village_agency(Region.objects.get(code=village), region_agency=region_agency)
    RoleAssignment.objects.create(user=user, role=role, region_id=village[:5], agency=agency)
    return user


def test_a_village_page_lists_its_letters_in_a_constant_number_of_queries(client, db):
    url = reverse("portal:region", args=[AIR_PUTIH])
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    assert page.status_code == 200
    assert "Kelurahan Air Putih" in page.text and "Surat Pengantar untuk SKCK" in page.text
    assert "Senin–Jumat: 08:00–16:00" in page.text  # a village office's usual hours, none set here
    change_office(village=Region.objects.get(code=SIDODADI), by=None, head_name="Lurah Lain")
    with CaptureQueriesContext(connection) as other:
        assert client.get(reverse("portal:region", args=[SIDODADI])).status_code == 200
    assert len(first) == len(other) == 2  # the village with its district and regency; its region's letters


@pytest.mark.parametrize("code", ["64.72.03.9999", "99.99.99.9999", "64.72.99.1004"])
def test_a_village_code_that_names_no_village_is_404(client, db, code):
    letter = Service.objects.get(region_id="64.72", template__slug="sktm")
    assert client.get(reverse("portal:region", args=[code])).status_code == 404
    assert client.get(reverse("portal:village_service", args=[code, letter.pk])).status_code == 404


def test_what_a_village_changes_shows_on_its_pages_and_nowhere_else(client, db):
    letter = Service.objects.get(region_id="64.72", template__slug="sktm")
    change_office(
        village=Region.objects.get(code=AIR_PUTIH),
        by=None,
        head_name="Andi Firmansyah",
        opening_hours=[{"days": [0, 1, 2, 3], "opens": "07:30", "closes": "15:00"}],
        fees={"sktm": 5000},
    )
    page = client.get(reverse("portal:region", args=[AIR_PUTIH]))
    assert "Andi Firmansyah" in page.text and "Senin–Kamis: 07:30–15:00" in page.text and "Rp5.000" in page.text
    detail = client.get(reverse("portal:village_service", args=[AIR_PUTIH, letter.pk]))
    assert detail.status_code == 200 and "Rp5.000" in detail.text and "Kelurahan Air Putih" in detail.text
    elsewhere = client.get(reverse("portal:village_service", args=[SIDODADI, letter.pk]))
    assert "Rp5.000" not in elsewhere.text
    assert VillageOffice.objects.count() == 1  # one row for the village that differs, none for the others


def test_an_english_visitor_reads_the_letters_and_their_requirements_in_english(client, db):
    letter = Service.objects.select_related("template").get(region_id="64.72", template__slug="sktm")
    client.get(reverse("switch_language", args=["en"]))
    page = client.get(reverse("portal:region", args=[AIR_PUTIH]))
    assert letter.template.name_en in page.text and letter.template.name not in page.text
    detail = client.get(reverse("portal:village_service", args=[AIR_PUTIH, letter.pk]))
    assert f"<h1>{letter.template.name_en}</h1>" in detail.text
    requirement = letter.current_version.standard["requirements"][0]
    assert requirement["name_en"] in unescape(detail.text) and requirement["name"] not in unescape(detail.text)


def test_a_region_service_is_not_a_village_letter(client, db):
    birth = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")
    assert client.get(reverse("portal:village_service", args=[AIR_PUTIH, birth.pk])).status_code == 404
    assert client.get(reverse("portal:region", args=["64.72.03"])).status_code == 302  # a kecamatan: its city


def test_the_region_lists_its_villages_and_the_search_finds_one_by_name(client, db):
    region = client.get(reverse("portal:region", args=["64.72"]))
    assert reverse("portal:villages", args=["64.72"]) in region.text
    assert "Surat Pengantar untuk SKCK" not in region.text  # the villages' letters are on the villages' pages
    listing = client.get(reverse("portal:villages", args=["64.72"]), {"q": "air putih"})
    assert "Kelurahan Air Putih" in listing.text
    found = client.get(reverse("portal:region_search"), {"q": "air putih"})
    assert reverse("portal:region", args=[AIR_PUTIH]) in found.text
    assert client.get(reverse("portal:villages", args=["64.72.03.1004"])).status_code == 404


def test_village_staff_keep_their_own_village_only(client, db):
    officer = staff("petugas.airputih", Role.VILLAGE_OFFICER, AIR_PUTIH)
    client.force_login(officer)
    assert client.get(reverse("villages:mine")).url == reverse("villages:keep", args=[AIR_PUTIH])
    assert client.get(reverse("villages:keep", args=[AIR_PUTIH])).status_code == 200
    assert client.get(reverse("villages:keep", args=[SIDODADI])).status_code == 404
    refused = client.post(
        reverse("villages:add_head", args=[SIDODADI]),
        {"kind": "rt", "rw": "001", "rt": "001", "name": "X", "phone": "081200000000", "channel": "sms"},
    )
    assert refused.status_code == 404 and not NeighbourhoodHead.objects.exists()


def test_the_regions_manager_keeps_every_village_of_the_region_only(client, samarinda_manager, surakarta_manager):
    client.force_login(samarinda_manager)
    assert client.get(reverse("villages:keep", args=[SIDODADI])).status_code == 200
    client.force_login(surakarta_manager)
    assert client.get(reverse("villages:keep", args=[SIDODADI])).status_code == 404
    assert client.get(reverse("villages:mine")).status_code == 404


def test_the_directory_refuses_bad_entries_with_field_errors_and_keeps_good_ones(client, db):
    client.force_login(staff("petugas.airputih", Role.VILLAGE_OFFICER, AIR_PUTIH))
    url = reverse("villages:add_head", args=[AIR_PUTIH])
    entry = {"kind": "rt", "rw": "005", "rt": "014", "name": "Hasan Basri", "phone": "081234500514", "channel": "sms"}
    bad_phone = client.post(url, entry | {"phone": "12345"})
    assert bad_phone.status_code == 400 and "Nomor ponsel Indonesia" in bad_phone.text
    no_rt = client.post(url, entry | {"rt": ""})
    assert no_rt.status_code == 400 and "Isi nomor RT" in no_rt.text
    assert client.post(url, entry).status_code == 302
    twice = client.post(url, entry | {"name": "Orang Lain"})
    assert twice.status_code == 400 and "sudah memiliki ketua" in twice.text
    head = NeighbourhoodHead.objects.get()
    client.post(reverse("villages:retire_head", args=[AIR_PUTIH, head.pk]))
    head.refresh_from_db()
    assert not head.is_active
    assert client.post(url, entry | {"name": "Ketua Baru"}).status_code == 302  # the seat is free again


def test_the_office_form_refuses_a_bad_fee_and_bad_hours(client, db):
    client.force_login(staff("lurah.airputih", Role.VILLAGE_HEAD, AIR_PUTIH))
    url = reverse("villages:keep", args=[AIR_PUTIH])
    bad_hours = client.post(url, {"opens": "16:00", "closes": "08:00"})
    assert bad_hours.status_code == 200 and "Jam tutup harus setelah jam buka" in bad_hours.text
    bad_fee = client.post(url, {"fee-sktm": "lima ribu"})
    assert "bilangan bulat" in bad_fee.text and not VillageOffice.objects.filter(fees__has_key="sktm").exists()
    assert client.post(url, {"head_name": "Andi", "fee-sktm": "5000"}).status_code == 302
    assert VillageOffice.objects.get().fees == {"sktm": 5000}


@pytest.mark.parametrize("code", ["64.72", "64.72.03", "99.99.99.9999", "abc"])
def test_no_village_no_keep_page(client, ministry, code):
    client.force_login(ministry)
    assert client.get(reverse("villages:keep", args=[code])).status_code == 404
