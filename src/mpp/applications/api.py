"""The API of agency systems: status updates on the applications forwarded to them.

Authenticated by an OAuth2 access token from our provider (``/o/token/``, client credentials)
with scope ``applications.status``, of the system client of an active ``ExternalSystem``.
"""

import hashlib
from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
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
    status: Literal["in_process", "approved", "rejected"]
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

    @field_validator("note")
    @classmethod
    def reason_for_a_rejection(cls, value, info):
        if info.data.get("status") == "rejected" and not value.strip():
            raise ValueError("a rejection needs a note: the reason the citizen reads")
        return value


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
