"""Telling the platform of an update: one POST of a Standard Webhook to the callback URL.

The body is `{"type", "timestamp", "data": <the update>}`, the same text on every attempt;
webhook-id is the update's id, so a receiver deduplicates by it (a retry, or a duplicate sent
on purpose, carries the same one); webhook-timestamp and the signature are of this attempt.
Any 2xx means taken; anything else, or no answer, is tried again later by the worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from standardwebhooks import Webhook

from .. import standard_webhooks


@dataclass(frozen=True)
class Outcome:
    taken: bool
    status_code: int | None = None
    error: str | None = None


def deliver(client: httpx.Client, webhook: Webhook, url: str, webhook_id: str, body: str) -> Outcome:
    headers = standard_webhooks.signature_headers(webhook, webhook_id, body)
    try:
        response = client.post(url, content=body.encode(), headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(False, error=f"{exc.__class__.__name__}: {exc}")
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code)
    return Outcome(False, response.status_code, f"the platform answered {response.status_code}: {response.text[:300]}")
