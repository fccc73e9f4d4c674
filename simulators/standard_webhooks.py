"""Standard Webhooks (https://www.standardwebhooks.com) as the simulators use them: the
`whsec_` secret checked when a simulator starts, and the three headers that sign a body.

The agency simulator verifies the platform's webhooks with them; the LAPOR! simulator signs
its callbacks to the platform. Signing and verifying are the `standardwebhooks` library's.
"""

from __future__ import annotations

import binascii
import math
from datetime import UTC, datetime

from standardwebhooks import Webhook
from standardwebhooks.webhooks import EmptyWebhookSecretError


def webhook(secret: str, *, source: str) -> Webhook:
    """The signer and verifier for `secret` (whsec_<base64>, as the platform shows it);
    ValueError naming `source` (where the secret is set) when it is missing or malformed."""
    if not secret:
        raise ValueError(f"the webhook secret is required ({source})")
    try:
        return Webhook(secret)
    except (binascii.Error, EmptyWebhookSecretError) as exc:
        raise ValueError(f"the webhook secret is not whsec_<base64>: {exc}") from None


def signature_headers(webhook: Webhook, webhook_id: str, body: str, at: datetime | None = None) -> dict[str, str]:
    """webhook-id, webhook-timestamp (now unless `at`) and webhook-signature over exactly `body`."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(math.floor(at.timestamp())),
        "webhook-signature": webhook.sign(webhook_id, at, body),
        "Content-Type": "application/json",
    }
