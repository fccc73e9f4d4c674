"""The Samarinda MPP's tenants and their own online systems, as the reference data loads them.

Each agency kind may name the national online system its citizens use directly (DJP Online, Mobile JKN…);
the region page links it beside the agency's counters. Only official addresses: https on a government
domain (go.id) or on the state-owned enterprise's own domain.
"""

import html
from urllib.parse import urlsplit

import pytest

from mpp.catalog.models import AgencyKind, Counter, Mpp

pytestmark = pytest.mark.django_db

#: Domains of state-owned enterprises (BUMN/BUMD) whose own sites are official, beside go.id.
STATE_OWNED_DOMAINS = {"pln.co.id", "taspen.co.id", "posindonesia.co.id", "bankaltimtara.co.id", "pegadaian.co.id"}


def is_official(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    official = host.endswith(".go.id") or any(host == d or host.endswith(f".{d}") for d in STATE_OWNED_DOMAINS)
    return parts.scheme == "https" and official and not parts.username and not parts.port


def test_samarindas_mpp_hosts_24_agencies_each_with_counters():
    mpp = Mpp.objects.get(region_id="64.72")
    counters = Counter.objects.filter(mpp=mpp).select_related("agency__kind")
    by_kind: dict[str, int] = {}
    for counter in counters:
        by_kind[counter.agency.kind.code] = by_kind.get(counter.agency.kind.code, 0) + 1
    assert len(by_kind) == 24
    assert all(1 <= number <= 4 for number in by_kind.values())
    assert by_kind["disdukcapil"] == max(by_kind.values())
    assert {"pln", "pdam", "bpn", "kemenag", "pengadilan-agama", "taspen", "bankaltimtara", "kpp"} <= set(by_kind)
    assert all(counter.agency.region_id == "64.72" for counter in counters)
    assert sorted(counter.number for counter in counters) == list(range(1, len(counters) + 1))


def test_every_agency_system_is_blank_or_an_official_https_address():
    kinds = list(AgencyKind.objects.all())
    assert kinds
    for kind in kinds:
        assert bool(kind.system_name) == bool(kind.system_url), kind.code  # both or neither
        assert not kind.system_url or is_official(kind.system_url), (kind.code, kind.system_url)
    named = {kind.code: kind.system_url for kind in kinds if kind.system_url}
    assert named["kpp"] == "https://djponline.pajak.go.id"
    assert named["dpmptsp"] == "https://oss.go.id"


@pytest.mark.parametrize(
    "url",
    [
        "http://djponline.pajak.go.id",  # not https
        "https://djponline.pajak.go.id.example.com",  # not the official domain
        "https://pln.co.id.example.com",
        "https://notpln.co.id",
        "https://example.com",
        "https://user@oss.go.id",
    ],
)
def test_an_unofficial_address_is_refused(url):
    assert not is_official(url)


def test_the_region_page_links_the_tenants_own_systems(client):
    page = html.unescape(client.get("/wilayah/64.72/").content.decode())
    mpp = Mpp.objects.get(region_id="64.72")
    kinds = {counter.agency.kind for counter in Counter.objects.filter(mpp=mpp).select_related("agency__kind")}
    with_system = [kind for kind in kinds if kind.system_url]
    assert with_system
    for kind in with_system:
        assert f'<a href="{kind.system_url}" rel="noopener">{kind.system_name}</a>' in page, kind.code
    assert '<a href="https://djponline.pajak.go.id" rel="noopener">DJP Online</a>' in page
