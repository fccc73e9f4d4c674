"""The SMS/WhatsApp gateway adapter: one HTTP call per message, idempotent by the message's id.

The gateway (a commercial aggregator in production, ``simulators/gateway`` here) is known only
by ``SMS_GATEWAY_URL`` and ``SMS_GATEWAY_API_KEY``. Each send carries ``Idempotency-Key``: the
outbox message's id. A send that timed out may have been accepted; the notifier retries with
the same key and the gateway answers "duplicate" instead of sending twice. Numbers go as the gateway takes
them, in E.164 (+628…), however they were written (08…, as people and the RT/RW directory write them).
"""

import re

import httpx
from django.conf import settings

from mpp.core import http


class GatewayError(Exception):
    """Worth retrying: the gateway did not answer, or answered 429/5xx."""


class GatewayRefused(Exception):
    """Not worth retrying: the gateway refused the message itself (4xx)."""


def e164(number: str) -> str:
    """An Indonesian number written 08… or 628… (spaces, dots, dashes and brackets aside) as +628…; any other
    as it is, for the gateway to judge."""
    digits = re.sub(r"[\s().-]", "", number)
    if re.fullmatch(r"0\d+", digits):
        return f"+62{digits[1:]}"
    if re.fullmatch(r"62\d+", digits):
        return f"+{digits}"
    return digits


def send(*, channel: str, to: str, text: str, key: str, reference: str = "") -> str:
    """Hand one message to the gateway; returns the gateway's id for it."""
    try:
        response = http.client().post(
            f"{settings.SMS_GATEWAY_URL.rstrip('/')}/v1/messages",
            json={"channel": channel, "to": e164(to), "text": text, "reference": reference[:100]},
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
