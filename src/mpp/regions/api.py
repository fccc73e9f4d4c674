from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import paginate

from mpp.core.api import ErrorOut, Pagination, SearchText
from mpp.core.public_cache import public_cache

from . import selectors

router = Router(tags=["regions"])

RegionCode = Annotated[str, Field(pattern=r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$", max_length=13)]


class RegionOut(Schema):
    code: str
    name: str
    level: int = Field(description="1 provinsi, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan")
    kind: str
    parent_code: str | None = Field(None, alias="parent_id")
    postal_code: str
    time_zone: str
    is_pilot: bool


class RegionDetailOut(RegionOut):
    ancestors: list[RegionOut]


class RegionFilters(Schema):
    pilot: bool | None = Field(None, description="only the 21 MPP Digital pilot regions of 2023")
    level: int | None = Field(None, ge=1, le=4, description="1 provinsi … 4 desa/kelurahan")
    parent: RegionCode | None = Field(None, description="direct children of this region code")
    q: SearchText | None = Field(None, description="part of the name")


@router.get("/regions", response=list[RegionOut], summary="List regions")
@paginate(Pagination)
@decorate_view(public_cache)
def list_regions(request, filters: Query[RegionFilters]):
    return selectors.regions(**filters.dict())


@router.get("/regions/{code}", response={200: RegionDetailOut, 404: ErrorOut}, summary="One region")
@decorate_view(public_cache)
def get_region(request, code: str):
    region = selectors.region(code)
    if region is None:
        raise HttpError(404, _("Wilayah dengan kode %(code)s tidak ditemukan.") % {"code": code[:20]})
    region.ancestors = selectors.ancestors(region)
    return region
