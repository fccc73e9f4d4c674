"""The API of agency systems: status updates on the applications forwarded to them, and the cases a
handed-over system (its own portal) reports.

Authenticated by an OAuth2 access token from our provider (``/o/token/``, client credentials)
with scope ``applications.status``, of the system client of an active ``ExternalSystem``.
"""

import hashlib
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Header, Router, Schema
from ninja.security import HttpBearer
from oauth2_provider.models import get_access_token_model
from pydantic import field_validator

from mpp.core.api import ErrorOut

from . import forwarding
from .models import ExternalSystem

router = Router(tags=["agency systems"])
AccessToken = get_access_token_model()


class BearerRefused(Exception):
    """No access to the agency API: 401 (no usable token) or 403 (a token without the right)."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


def bearer_refused(request, exc: BearerRefused) -> HttpResponse:
    """An RFC 6750 answer: the error in ``WWW-Authenticate`` and in a JSON body."""
    response = JsonResponse({"detail": exc.description, "error": exc.error}, status=exc.status)
    response["WWW-Authenticate"] = f'Bearer realm="MPP Digital", error="{exc.error}"'
    response["Cache-Control"] = "no-store"
    return response


class AgencySystemToken(HttpBearer):
    """A client-credentials access token with scope applications.status; ``request.auth`` is its ExternalSystem."""

    def __call__(self, request: HttpRequest) -> ExternalSystem:
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise BearerRefused(401, "invalid_request", "An access token is required (Authorization: Bearer).")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ExternalSystem:
        checksum = hashlib.sha256(token.encode()).hexdigest()
        access = AccessToken.objects.select_related("application").filter(token_checksum=checksum).first()
        if access is None or access.is_expired() or access.application is None or not access.application.is_active:
            raise BearerRefused(401, "invalid_token", "The access token is unknown, expired or revoked.")
        if access.user_id is not None or not access.allow_scopes([forwarding.STATUS_SCOPE]):
            raise BearerRefused(403, "insufficient_scope", f"The access token lacks scope {forwarding.STATUS_SCOPE}.")
        system = forwarding.system_of_client(access.application_id)
        if system is None:
            raise BearerRefused(403, "insufficient_scope", "This client is not an active agency system.")
        return system


def _printable(value: str | None) -> str | None:
    # Control characters (NUL above all) cannot be stored in PostgreSQL text; line breaks and tabs may stay.
    if value and any(ord(char) < 32 and char not in "\n\r\t" for char in value):
        raise ValueError("must not contain control characters")
    return value


class StatusIn(Schema):
    status: str = Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,40}$",
        description="`in_process`, `approved` or `rejected`; or the system's own code, which its contract maps",
    )
    note: str = Field(
        "", max_length=2000, validate_default=True, description="for the citizen, in Indonesian; required when rejected"
    )
    external_reference: str | None = Field(
        None, max_length=100, description="the agency system's number for the case (e.g. the registration number)"
    )

    @field_validator("note", "external_reference")
    @classmethod
    def printable(cls, value):
        return _printable(value)


class StatusOut(Schema):
    tracking_number: str
    status: str = Field(description="the application's status after the update: forwarded, approved or rejected")
    update: str = Field(description="the update this answers")
    external_reference: str | None
    recorded_at: datetime


class BearerErrorOut(Schema):
    detail: str
    error: str


class UnprocessableOut(Schema):
    detail: str | list = Field(description="what is wrong: a sentence, or the failing fields")
    message: str | None = None


@router.post(
    "/agency/applications/{tracking_number}/status",
    auth=AgencySystemToken(),
    response={
        200: StatusOut,
        400: ErrorOut,
        401: BearerErrorOut,
        403: BearerErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: UnprocessableOut,
    },
    url_name="agency_application_status",
    summary="Post the status of a forwarded application",
    description=(
        "For the agency system the application was forwarded to (any other gets 404). "
        "`in_process` keeps it with the agency; `approved` and `rejected` decide it, finally (409 after that). "
        "The same Idempotency-Key again answers 200 with the first answer (header `Idempotent-Replayed: true`) "
        "and changes nothing; the key with another update is a 422."
    ),
)
def post_status(
    request,
    response: HttpResponse,
    tracking_number: str,
    payload: StatusIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=200),
):
    applied = forwarding.record_status_update(
        system=request.auth,
        tracking_number=tracking_number,
        status=payload.status,
        idempotency_key=idempotency_key,
        note=payload.note.strip(),
        external_reference=(payload.external_reference or "").strip(),
        now=timezone.now(),
    )
    if applied.replayed:
        response["Idempotent-Replayed"] = "true"
    return applied.response


class CaseIn(Schema):
    subject: str = Field(min_length=1, max_length=64, description="the citizen's `sub` from MPP Digital's sign-in")
    service: str = Field(min_length=1, max_length=80, description="the national service code, e.g. perpanjangan-sim")
    region_code: str = Field(pattern=r"^\d{2}\.\d{2}$", description="the kabupaten/kota whose service it is")
    external_reference: str = Field(min_length=1, max_length=100, description="the system's own number for it")
    status: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,40}$", description="its first status, as for updates")
    note: str = Field("", max_length=2000)

    @field_validator("note", "external_reference", "subject")
    @classmethod
    def printable(cls, value):
        return _printable(value)


class CaseOut(Schema):
    tracking_number: str
    status: str
    status_url: str = Field(description="where this system posts the case's next statuses")


@router.post(
    "/agency/cases",
    auth=AgencySystemToken(),
    response={
        200: CaseOut,
        201: CaseOut,
        401: BearerErrorOut,
        403: ErrorOut | BearerErrorOut,
        404: ErrorOut,
        422: UnprocessableOut,
    },
    url_name="agency_cases",
    summary="Report a case a citizen opened at a handed-over system's own portal",
    description=(
        "For a system connected in the handed-over mode: the citizen signed in at its portal with MPP Digital "
        "and consented (otherwise 403). The case appears among the citizen's applications with its tracking "
        "number; post its next statuses to `status_url`. The same Idempotency-Key again answers 200 with the "
        "same case and changes nothing."
    ),
)
def report_case(
    request,
    response: HttpResponse,
    payload: CaseIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=200),
):
    reported = forwarding.report_case(
        system=request.auth,
        subject=payload.subject,
        service_code=payload.service,
        region_code=payload.region_code,
        external_reference=payload.external_reference.strip(),
        status=payload.status,
        note=payload.note.strip(),
        idempotency_key=idempotency_key,
        now=timezone.now(),
    )
    application = reported.application
    if not reported.created:
        response["Idempotent-Replayed"] = "true"
    body = {
        "tracking_number": application.tracking_number,
        "status": application.status,
        "status_url": settings.SITE_URL
        + reverse("api-v1:agency_application_status", args=[application.tracking_number]),
    }
    return (201 if reported.created else 200), body
