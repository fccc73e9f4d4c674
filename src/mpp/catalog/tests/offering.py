"""Test data for "constant in the number of rows" checks: a region offering every national template."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mpp.catalog import services
from mpp.catalog.models import Agency, Service, ServiceTemplate


def offer_every_template(region_code: str, region_name: str) -> None:
    """Give the region every template, through a new agency of each missing kind."""
    for template in ServiceTemplate.objects.exclude(services__region_id=region_code):
        agency, _ = Agency.objects.get_or_create(
            region_id=region_code,
            kind=template.agency_kind,
            defaults={"name": f"{template.agency_kind.name} {region_name}"},
        )
        services.offer_service(template=template, agency=agency)
    assert Service.objects.filter(region_id=region_code).count() == ServiceTemplate.objects.count()


def queries_of(client, url) -> int:
    """How many queries a successful GET of ``url`` makes once warm (reference data such as the region come
    from the cache after a first read)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)
