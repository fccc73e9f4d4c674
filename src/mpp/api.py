"""The public API under /api/v1: each app's router, one OpenAPI schema."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from mpp.applications.api import BearerRefused, bearer_refused
from mpp.applications.api import router as agency_router
from mpp.catalog.api import router as catalog_router
from mpp.complaints.api import router as complaints_router
from mpp.core.errors import DomainError
from mpp.regions.api import router as regions_router

api = NinjaAPI(
    title="MPP Digital API",
    version="1",
    description="Katalog wilayah dan layanan Mal Pelayanan Publik Digital. "
    "Regions and public-service catalog of MPP Digital.",
    urls_namespace="api-v1",
)
api.add_router("", regions_router)
api.add_router("", catalog_router)
api.add_router("", agency_router)
api.add_router("", complaints_router)
api.add_exception_handler(BearerRefused, bearer_refused)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    # Keep ninja's per-parameter detail and add one sentence a person can read.
    names = sorted({".".join(str(p) for p in e.get("loc", [])[1:]) or "body" for e in exc.errors})
    return api.create_response(
        request,
        {
            "message": _("Parameter tidak valid: %(names)s.") % {"names": ", ".join(names)},
            "detail": exc.errors,
        },
        status=422,
    )
