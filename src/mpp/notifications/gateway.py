"""The SMS/WhatsApp gateway adapter: one HTTP call per message, idempotent by the message's id.

The gateway (a commercial aggregator in production, ``simulators/gateway`` here) is known only
by ``SMS_GATEWAY_URL`` and ``SMS_GATEWAY_API_KEY``. Each send carries ``Idempotency-Key``: the
outbox message's id. A send that timed out may have been accepted; the notifier retries with
the same key and the gateway answers "duplicate" instead of sending twice.
"""

import httpx
from django.conf import settings

from mpp.core import http


class GatewayError(Exception):
    """Worth retrying: the gateway did not answer, or answered 429/5xx."""


class GatewayRefused(Exception):
    """Not worth retrying: the gateway refused the message itself (4xx)."""


def send(*, channel: str, to: str, text: str, key: str, reference: str = "") -> str:
    """Hand one message to the gateway; returns the gateway's id for it."""
    try:
        response = http.client().post(
            f"{settings.SMS_GATEWAY_URL.rstrip('/')}/v1/messages",
            json={"channel": channel, "to": to, "text": text, "reference": reference[:100]},
            headers={"Authorization": f"Bearer {settings.SMS_GATEWAY_API_KEY}", "Idempotency-Key": key},
            timeout=settings.SMS_GATEWAY_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as error:
        raise GatewayError(f"{type(error).__name__}: {error}") from error
    if response.status_code in (200, 202):
        return response.json().get("id", "")
    if response.status_code == 429 or response.status_code >= 500:
        raise GatewayError(f"HTTP {response.status_code}")
    raise GatewayRefused(f"HTTP {response.status_code}: {response.text[:300]}")
