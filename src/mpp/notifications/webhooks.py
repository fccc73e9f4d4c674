"""Webhooks to agency systems: queued in the outbox with the change, sent signed by the notifier.

The format is Standard Webhooks (https://www.standardwebhooks.com): a JSON body
``{"type", "timestamp", "data"}`` and three headers, ``webhook-id`` (the outbox message's id,
the same on every retry, so the receiver deduplicates by it), ``webhook-timestamp`` (Unix
seconds, of this attempt) and ``webhook-signature`` (``v1,`` and the base64 HMAC-SHA256 of
``<id>.<timestamp>.<body>`` under the receiver's ``whsec_`` secret). The body is the same on
every retry; only the timestamp and signature change.

Answers: 2xx is delivered; 408, 429, 5xx and network errors are retried by the notifier with
its backoff; any other answer (other 4xx, a redirect) is refused for good, recorded on the
message (``WebhookRefused``).
"""

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone
from standardwebhooks import Webhook

from mpp.core import http
from mpp.core.env import env_str

from .gateway import GatewayRefused
from .models import Channel, Delivery, EndpointHealth, EndpointHour, OutboxMessage, WebhookEndpoint, new_webhook_secret

_RETRIED = frozenset({408, 429})
#: The webhook kinds there are (the ``type`` of the body).
APPLICATION_FORWARDED = "application.forwarded"


class WebhookError(Exception):
    """Worth retrying: the receiver did not answer, or answered 408, 429 or 5xx."""


class WebhookRefused(GatewayRefused):
    """Not worth retrying: the receiver refused the delivery (another 4xx, or a redirect)."""


def new_endpoint(*, url: str = "", secret: str = "", credentials: str = "") -> WebhookEndpoint:
    """A receiver of webhooks at ``url``, with ``secret`` (``whsec_…``) or a new one; or one whose address and
    secret are named ``credentials`` and read from the environment when sent. Raises ValidationError."""
    endpoint = WebhookEndpoint(url=url, credentials=credentials)
    if credentials:
        endpoint.url, endpoint.secret = "", ""
    elif secret:
        endpoint.secret = secret
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def variables(credentials: str) -> tuple[str, str]:
    """The environment variables that hold the address and the signing secret named ``credentials``."""
    return f"MPP_CONNECTOR_{credentials}_URL", f"MPP_CONNECTOR_{credentials}_SECRET"


def address_and_secret(endpoint: WebhookEndpoint) -> tuple[str, str]:
    """Where to send and what to sign with: the stored ones, or those the environment holds under the endpoint's
    credentials' name (blanks for what it does not hold)."""
    if not endpoint.credentials:
        return endpoint.url, endpoint.secret
    url, secret = variables(endpoint.credentials)
    return env_str(url, ""), env_str(secret, "")  # NAME or NAME_FILE (a mounted secret)


def set_policy(endpoint: WebhookEndpoint, *, timeout_seconds: float, attempts: int, first_delay: int, max_delay: int):
    """How deliveries to ``endpoint`` are tried from now on (retries of messages already queued too)."""
    endpoint.timeout_seconds, endpoint.max_attempts = timeout_seconds, attempts
    endpoint.first_delay_seconds, endpoint.max_delay_seconds = first_delay, max_delay
    endpoint.save(
        update_fields=["timeout_seconds", "max_attempts", "first_delay_seconds", "max_delay_seconds", "updated_at"]
    )


def move_endpoint(endpoint: WebhookEndpoint, *, url: str) -> None:
    """The receiver now listens at ``url``: webhooks queued from now on go there."""
    endpoint.url = url
    endpoint.full_clean()
    endpoint.save(update_fields=["url", "updated_at"])


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """Give the receiver a new signing secret and return it; deliveries from now on (retries too) are signed with it."""
    endpoint.secret = new_webhook_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint.secret


def queue(*, endpoint: WebhookEndpoint, event_type: str, data: dict, dedup_key: str, now) -> None:
    """Queue one webhook to ``endpoint`` in the outbox; call inside the transaction of the change it reports.

    ``data`` is the payload's ``data`` (kept as the message's context). The message names its
    endpoint, not the secret: the secret is read when the message is sent, so a secret rotated
    meanwhile applies to retries. A second call with the same ``dedup_key`` queues nothing.
    """
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                dedup_key=dedup_key,
                created_at=now,
                channel=Channel.WEBHOOK,
                recipient=endpoint.url or f"connector:{endpoint.credentials}",
                endpoint=endpoint,
                kind=event_type,
                context=data,
                next_attempt_at=now,
            )
        ],
        ignore_conflicts=True,
    )


def body_of(message: OutboxMessage) -> str:
    """The exact JSON text sent (and signed) for ``message``: the same on every attempt."""
    payload = {
        "type": message.kind,
        "timestamp": message.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": message.context,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=False)


def signature_headers(*, secret: str, message_id: str, body: str, at: datetime | None = None) -> dict[str, str]:
    """The Standard Webhooks headers for ``body``, signed now (or ``at``)."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(math.floor(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
        "Content-Type": "application/json",
    }


def send(message: OutboxMessage) -> None:
    """Deliver one webhook; returns when the receiver took it, raises WebhookError / WebhookRefused otherwise."""
    if not message.endpoint_id:
        raise WebhookRefused("no signing secret: the receiving system is unknown")
    endpoint = message.endpoint
    url, secret = address_and_secret(endpoint)
    if not url or not secret:
        # Configuration, not the receiver: retried, so the application waits (and says so) until it is set.
        raise WebhookError(f"{' and '.join(variables(endpoint.credentials))} not set in the environment")
    body = body_of(message)
    headers = signature_headers(secret=secret, message_id=str(message.pk), body=body)
    try:
        response = http.client().post(url, content=body.encode(), headers=headers, timeout=endpoint.timeout_seconds)
    except httpx.HTTPError as error:
        raise WebhookError(f"{type(error).__name__}: {error}") from error
    if 200 <= response.status_code < 300:
        return
    answer = f"HTTP {response.status_code}: {response.text[:300]}"
    if response.status_code in _RETRIED or response.status_code >= 500:
        raise WebhookError(answer)
    raise WebhookRefused(answer)


def send_again(*, dedup_key: str, now=None) -> bool:
    """Try a webhook that failed for good once more, from its first attempt; False if there is none such.

    It keeps its id, so a receiver that did store it after all answers "duplicate".
    """
    now = now or timezone.now()
    return bool(
        OutboxMessage.objects.filter(dedup_key=dedup_key, channel=Channel.WEBHOOK, status=Delivery.FAILED).update(
            status=Delivery.PENDING, attempts=0, next_attempt_at=now, locked_until=None, last_error=""
        )
    )


def delivery(dedup_key: str) -> OutboxMessage | None:
    """The outbox message of a webhook, to show how its delivery went (status, attempts, last error)."""
    return OutboxMessage.objects.filter(dedup_key=dedup_key, channel=Channel.WEBHOOK).first()


# --- each receiver's health, kept current at each attempt ------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One attempt to deliver a webhook, to count in its receiver's health."""

    message: OutboxMessage
    delivered: bool
    at: datetime
    error: str = ""


def record_attempts(attempts: list[Attempt]) -> None:
    """Count a round's webhook attempts in their receivers' figures (each in the hour its message was created)
    and health: one update per receiver and hour, however many messages the round sent."""
    hours: dict[tuple, Counter] = defaultdict(Counter)
    health: dict = {}
    for attempt in sorted(attempts, key=lambda attempt: attempt.at):
        endpoint = attempt.message.endpoint_id
        if endpoint is None:
            continue
        hour = attempt.message.created_at.replace(minute=0, second=0, microsecond=0)
        hours[endpoint, hour].update({"attempts": 1, "delivered" if attempt.delivered else "failures": 1})
        latest = health.setdefault(endpoint, {})
        if attempt.delivered:
            latest["last_success_at"] = attempt.at
        else:
            latest |= {"last_failure_at": attempt.at, "last_error": attempt.error[:500]}
    for (endpoint, hour), counts in hours.items():
        _upsert(
            EndpointHour,
            {"endpoint_id": endpoint, "hour": hour},
            {name: F(name) + count for name, count in counts.items()},
            {name: count for name, count in counts.items()},
        )
    for endpoint, changes in health.items():
        _upsert(EndpointHealth, {"endpoint_id": endpoint}, changes, changes)


def _upsert(model, key: dict, changes: dict, first: dict) -> None:
    """Update the row at ``key`` with ``changes``, or create it with ``first``."""
    if model.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **first)
    except IntegrityError:  # created by another notifier meanwhile
        model.objects.filter(**key).update(**changes)


@transaction.atomic
def rebuild_health() -> int:
    """Recount every receiver's hourly figures and last success from the outbox; returns the rows written."""
    EndpointHour.objects.all().delete()
    rows = (
        OutboxMessage.objects.filter(channel=Channel.WEBHOOK, endpoint__isnull=False, attempts__gt=0)
        .annotate(hour=TruncHour("created_at"))
        .values("endpoint_id", "hour")
        .annotate(attempts=Sum("attempts"), delivered=Count("id", filter=Q(status=Delivery.SENT)))
    )
    EndpointHour.objects.bulk_create(
        EndpointHour(
            endpoint_id=row["endpoint_id"],
            hour=row["hour"],
            attempts=row["attempts"],
            delivered=row["delivered"],
            failures=row["attempts"] - row["delivered"],
        )
        for row in rows
    )
    last = (
        OutboxMessage.objects.filter(channel=Channel.WEBHOOK, endpoint__isnull=False, status=Delivery.SENT)
        .values("endpoint_id")
        .annotate(at=Max("sent_at"))
    )
    for row in last:
        changes = {"last_success_at": row["at"]}
        _upsert(EndpointHealth, {"endpoint_id": row["endpoint_id"]}, changes, changes)
    return EndpointHour.objects.count()
