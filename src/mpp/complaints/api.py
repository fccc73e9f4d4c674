"""SP4N-LAPOR!'s callbacks: each update it signs (Standard Webhooks) is applied once.

``POST /api/v1/lapor/callbacks`` answers 204 once the update is applied (or was before), 400 for a
body or signature that does not check out, 404 while no webhook secret is configured. LAPOR! retries
anything else; the worker's polling reads back whatever a lost callback left behind.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router

from mpp.core.api import ErrorOut
from mpp.core.errors import DomainError, NotFound

from . import forwarding, lapor

router = Router(tags=["SP4N-LAPOR!"])


@router.post(
    "/lapor/callbacks", response={204: None, 400: ErrorOut, 404: ErrorOut}, auth=None, url_name="lapor_callback"
)
def lapor_callback(request: HttpRequest):
    if not settings.LAPOR_WEBHOOK_SECRET:
        raise NotFound("LAPOR! callbacks are not configured on this platform.")
    try:
        update = lapor.verify_callback(request.body, request.headers)
    except lapor.InvalidCallback as invalid:
        raise DomainError(str(invalid)) from invalid
    forwarding.apply_update(update)
    return HttpResponse(status=204)
