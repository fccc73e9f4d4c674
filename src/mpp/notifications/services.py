"""Telling people: ``notify`` inside the change's transaction, ``deliver_due`` in the notifier.

Delivery is at-least-once made exactly-once at the receiver: a message is claimed for a lease,
sent with its id as idempotency key (gateway) or Message-ID (e-mail), and marked sent only
after the receiver accepted it. A notifier that dies mid-send leaves the claim to expire
(``NOTIFIER_LEASE_SECONDS``); the
next one sends again with the same key, and the gateway answers "duplicate". Failures are
retried with exponential backoff and jitter; a message refused outright, or still failing
after ``MAX_ATTEMPTS``, is marked failed with its error (visible in the admin).
"""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import close_old_connections, transaction
from django.utils import timezone

from . import gateway, webhooks
from .messages import render
from .models import Channel, Delivery, Notification, OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
#: An agency system can be down for hours: a forwarded application is retried for about ten.
MAX_WEBHOOK_ATTEMPTS = 20


def notify(*, user, kind: str, key: str, context: dict, application=None, now=None) -> None:
    """Tell ``user`` about a change: in the app, and by e-mail and SMS where they gave us an address.

    Call inside the transaction of the change: it commits or rolls back with it. ``key``
    identifies the change (e.g. the timeline event): reporting it twice sends nothing twice.
    """
    now = now or timezone.now()
    Notification.objects.create(
        user=user, application=application, kind=kind, context=context | {"key": key}, created_at=now
    )
    channels = []
    if user.email and user.email_verified_at:
        channels.append((Channel.EMAIL, user.email))
    if user.phone and settings.SMS_GATEWAY_URL:
        channels.append((Channel.WHATSAPP if user.phone_channel == "whatsapp" else Channel.SMS, user.phone))
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                dedup_key=f"{key}:{channel}",
                created_at=now,
                channel=channel,
                recipient=recipient,
                kind=kind,
                context=context,
                language=language,
                next_attempt_at=now,
            )
            for channel, recipient in channels
        ],
        ignore_conflicts=True,  # the same change reported again: its messages already wait
    )


def email(*, to: str, kind: str, key: str, context: dict, language: str | None = None, now=None) -> None:
    """E-mail ``to``, an address that need not belong to an account (a joining region's contact, an invited
    official): through the outbox, like every notice. Call inside the change's transaction; ``key``
    identifies the change, so reporting it twice sends nothing twice."""
    _send_to(Channel.EMAIL, to, kind=kind, key=key, context=context, language=language, now=now)


def text(
    *, to: str, kind: str, key: str, context: dict, language: str | None = None, now=None, channel: str = Channel.SMS
) -> None:
    """An SMS (or a WhatsApp message: ``channel``) to ``to``, a phone number that need not belong to an account
    (a complaint's contact, an RT head), through the outbox; nothing when no gateway is configured. As ``email``
    otherwise."""
    if channel not in (Channel.SMS, Channel.WHATSAPP):
        raise ValueError(f"not a phone channel: {channel}")
    if settings.SMS_GATEWAY_URL:
        _send_to(channel, to, kind=kind, key=key, context=context, language=language, now=now)


def _send_to(channel: str, to: str, *, kind: str, key: str, context: dict, language: str | None, now) -> None:
    now = now or timezone.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                dedup_key=f"{key}:{channel}",
                created_at=now,
                channel=channel,
                recipient=to,
                kind=kind,
                context=context,
                language=language or settings.LANGUAGE_CODE,
                next_attempt_at=now,
            )
        ],
        ignore_conflicts=True,
    )


def claim_due(*, limit: int = 20, now=None) -> list[OutboxMessage]:
    """Take up to ``limit`` messages that are due and not held by another notifier, for one lease."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")  # a webhook's receiver, read once here rather than per send
            .filter(status=Delivery.PENDING, next_attempt_at__lte=now)
            .exclude(locked_until__gt=now)
            .order_by("next_attempt_at")[:limit]
        )
        lease = timedelta(seconds=settings.NOTIFIER_LEASE_SECONDS)
        OutboxMessage.objects.filter(pk__in=[message.pk for message in due]).update(locked_until=now + lease)
    return due


def deliver(message: OutboxMessage, *, attempts: list | None = None) -> bool:
    """Send one claimed message and record the outcome; True when it was delivered. A webhook's attempt counts
    in its receiver's health figures: at once, or appended to ``attempts`` for the round to count together."""
    attempts = [] if (alone := attempts is None) else attempts
    try:
        _send(message)
    except gateway.GatewayRefused as error:
        _failed(message, str(error), retry=False, attempts=attempts)
        delivered = False
    except Exception as error:  # the network, SMTP, the gateway: everything else is worth retrying
        logger.warning("notification not sent; will retry", extra={"message_id": str(message.pk), "error": str(error)})
        _failed(message, f"{type(error).__name__}: {error}", retry=True, attempts=attempts)
        delivered = False
    else:
        now = timezone.now()
        sent = OutboxMessage.objects.filter(pk=message.pk, status=Delivery.PENDING).update(
            status=Delivery.SENT, sent_at=now, attempts=message.attempts + 1, locked_until=None, last_error=""
        )
        if sent and message.channel == Channel.WEBHOOK:
            attempts.append(webhooks.Attempt(message, delivered=True, at=now))
        delivered = True
    if alone:
        webhooks.record_attempts(attempts)
    return delivered


def deliver_due(*, limit: int = 20, pool=None) -> int:
    """One round of the notifier: claim what is due and send it; returns how many were sent. With ``pool`` (a
    ``concurrent.futures`` executor) the claimed messages are sent side by side: sending is waiting on a receiver,
    and each thread keeps its own database connection. The round's webhook attempts are counted together."""
    due = claim_due(limit=limit)
    attempts: list = []
    if pool is None:
        sent = sum(deliver(message, attempts=attempts) for message in due)
    else:
        sent = sum(pool.map(lambda message: _deliver_in_thread(message, attempts), due))
    webhooks.record_attempts(attempts)
    return sent


def _deliver_in_thread(message: OutboxMessage, attempts: list) -> bool:
    # A pool thread's own connection is dropped when a database outage broke it (as Django does per request).
    close_old_connections()
    return deliver(message, attempts=attempts)


def _send(message: OutboxMessage) -> None:
    if message.channel == Channel.WEBHOOK:  # to an agency system, not a person: signed JSON, nothing to render
        webhooks.send(message)
        return
    subject, text = render(message.kind, message.context, message.language)
    if message.channel == Channel.EMAIL:
        email = EmailMessage(
            subject=subject,
            body=text,
            to=[message.recipient],
            headers={"Message-ID": f"<{message.pk}@mpp-digital>"},
        )
        email.send()
    else:
        gateway.send(
            channel=message.channel, to=message.recipient, text=text, key=str(message.pk), reference=message.kind
        )


def _failed(message: OutboxMessage, error: str, *, retry: bool, attempts: list) -> None:
    tried = message.attempts + 1
    first, longest, limit = 2, 3600, MAX_ATTEMPTS
    endpoint = message.endpoint if message.endpoint_id else None
    if endpoint is not None:  # a receiver's own policy (its connector's contract)
        first, longest, limit = endpoint.first_delay_seconds, endpoint.max_delay_seconds, endpoint.max_attempts
    elif message.channel == Channel.WEBHOOK:
        limit = MAX_WEBHOOK_ATTEMPTS
    if retry and tried < limit:
        delay = min(first * 2 ** (tried - 1), longest) * random.uniform(0.8, 1.2)
        changes = {"next_attempt_at": timezone.now() + timedelta(seconds=delay)}
    else:
        changes = {"status": Delivery.FAILED}
    failed = OutboxMessage.objects.filter(pk=message.pk, status=Delivery.PENDING).update(
        attempts=tried, locked_until=None, last_error=error[:500], **changes
    )
    if failed and message.channel == Channel.WEBHOOK:
        attempts.append(webhooks.Attempt(message, delivered=False, error=error, at=timezone.now()))
