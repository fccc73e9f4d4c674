"""The endpoints the payment network calls (SNAP, docs/payments-snap.md): its token and its payment
notifications. JSON in SNAP's form only: every refusal is a ``responseCode`` with its message, never a page."""

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import inbound, snap


def _refused(error: snap.SnapError, service: str) -> JsonResponse:
    return JsonResponse(error.answer(service), status=error.status)


@csrf_exempt
@require_POST
def token(request):
    try:
        return JsonResponse(inbound.issue_token(request.headers, timezone.now()))
    except snap.SnapError as refused:
        return _refused(refused, snap.TOKEN)


@csrf_exempt
@require_POST
def payment(request):
    """A VA or QRIS payment: answered once per X-EXTERNAL-ID, recorded once per payment."""
    now = timezone.now()
    try:
        call = inbound.authenticate("POST", request.get_full_path(), request.headers, request.body, now)
        status, answer = inbound.answer_once(call, lambda: inbound.payment_notification(request.body, now), now)
    except snap.SnapError as refused:
        return _refused(refused, snap.VA_PAYMENT)
    return JsonResponse(answer, status=status)
