from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import paginate

from mpp.core.api import ErrorOut, Pagination
from mpp.core.db.replica import replica_reads
from mpp.core.public_cache import public_cache
from mpp.regions import selectors as region_selectors

from . import presentation, selectors

router = Router(tags=["services"])


class OnceOnlyOut(Schema):
    held_by_state: int = Field(description="requirements the state already holds and will not ask for")
    total: int


class ServiceOut(Schema):
    id: UUID
    slug: str
    name: str
    name_en: str
    summary: str
    agency: str
    mode: str
    channels: list[str]
    assurance_level: int
    duration_days: int
    fee: int
    once_only: OnceOnlyOut
    version: int


class ComponentOut(Schema):
    key: str
    title: str
    value: object


class ServiceDetailOut(ServiceOut):
    region_code: str
    region_name: str
    agency_kind: str
    standard: dict
    components: list[ComponentOut] = Field(description="the 14 components of PermenPANRB 15/2014, in order")


@router.get(
    "/regions/{code}/services",
    response={200: list[ServiceOut], 404: ErrorOut},
    summary="Services offered in a region",
    description="For a kecamatan or desa, the services of its kabupaten/kota.",
)
@paginate(Pagination)
@decorate_view(public_cache)
@decorate_view(replica_reads)
def list_region_services(request, code: str):
    regency = region_selectors.regency_code_of(code)
    if regency is None or region_selectors.region(code) is None:
        raise HttpError(404, _("Wilayah dengan kode %(code)s tidak ditemukan.") % {"code": code[:20]})
    return [presentation.service_summary(s) for s in selectors.services_in_region(regency)]


@router.get("/services/{service_id}", response={200: ServiceDetailOut, 404: ErrorOut}, summary="One service")
@decorate_view(public_cache)
@decorate_view(replica_reads)
def get_service(request, service_id: UUID):
    service = selectors.service_detail(service_id)
    if service is None:
        raise HttpError(404, _("Layanan tidak ditemukan."))
    return presentation.service_detail(service)
