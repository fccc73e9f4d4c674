"""What citizens and officers are told: in the app, by e-mail and by SMS/WhatsApp.

``Notification`` is the in-app message, rendered in the reader's language when shown.
``OutboxMessage`` is the transactional outbox: written in the same transaction as the change
it reports (so nothing acknowledged goes untold, and nothing rolled back is told), then sent
by the notifier (``manage.py deliver_notifications``) with retries and backoff. Its id is the
idempotency key given to the gateway and the e-mail's Message-ID, so a retry after a crash
never becomes a second message.
"""

import base64
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from uuid6 import uuid7

from mpp.core.models import TimeStampedModel


class Channel(models.TextChoices):
    EMAIL = "email", _("Surel")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    #: Not a person: an agency system, by signed webhook (notifications.webhooks).
    WEBHOOK = "webhook", _("Webhook")


class Delivery(models.TextChoices):
    PENDING = "pending", _("Menunggu dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")


class Notification(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32)
    context = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_inbox")]

    def __str__(self):
        return f"{self.kind} → {self.user_id}"


def new_webhook_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 32 random bytes in base64."""
    return f"whsec_{base64.b64encode(secrets.token_bytes(32)).decode()}"


class WebhookEndpoint(TimeStampedModel):
    """Where another system receives our webhooks, and the secret each delivery is signed with.

    Owned here, by the outbox, so that the notifier signs a delivery from its own data; the
    system it belongs to (an agency system, ``applications.ExternalSystem``) points at it. The
    secret is stored as it is, not hashed: we sign with it, so we need the secret itself.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(_("alamat webhook"), max_length=200, blank=True)
    secret = models.CharField(_("rahasia webhook"), max_length=100, default=new_webhook_secret, blank=True)
    #: A connector's endpoint is named, not stored: its address and secret are read from the environment when a
    #: webhook is sent (``webhooks.address_and_secret``), and ``url`` and ``secret`` stay blank.
    credentials = models.CharField(_("nama kredensial"), max_length=41, blank=True)
    #: The delivery policy (a connector's contract sets it): one attempt's time limit, how many attempts, how far
    #: apart (doubling from the first delay up to the longest).
    timeout_seconds = models.FloatField(_("batas waktu satu pengiriman (detik)"), default=10)
    max_attempts = models.PositiveSmallIntegerField(_("jumlah percobaan"), default=20)
    first_delay_seconds = models.PositiveIntegerField(_("jeda percobaan pertama (detik)"), default=2)
    max_delay_seconds = models.PositiveIntegerField(_("jeda percobaan terpanjang (detik)"), default=3600)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("alamat webhook")
        verbose_name_plural = _("alamat webhook")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(credentials="") | (~models.Q(url="") & ~models.Q(secret="")),
                name="webhook_endpoint_is_named_or_given",
            )
        ]

    def __str__(self):
        return f"{self.credentials} (env)" if self.credentials else self.url


class EndpointHealth(models.Model):
    """How a webhook receiver fares, kept current by the notifier at each attempt (one row per receiver), so a
    health page reads a row instead of counting deliveries. ``manage.py rebuild_connector_health`` recounts the
    hourly figures and the last success (``webhooks.rebuild_health``)."""

    endpoint = models.OneToOneField(WebhookEndpoint, on_delete=models.CASCADE, primary_key=True, related_name="health")
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("kesehatan penerima webhook")
        verbose_name_plural = _("kesehatan penerima webhook")

    def __str__(self):
        return f"{self.endpoint_id}: {self.last_success_at}"


class EndpointHour(models.Model):
    """Attempts and failures of the webhooks to one receiver created in one hour (each attempt counts in the hour
    its message was created, so a recount from the messages gives the same figures)."""

    id = models.BigAutoField(primary_key=True)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["endpoint", "hour"]
        verbose_name = _("pengiriman webhook per jam")
        verbose_name_plural = _("pengiriman webhook per jam")
        constraints = [models.UniqueConstraint(fields=["endpoint", "hour"], name="one_endpoint_hour")]

    def __str__(self):
        return f"{self.endpoint_id} {self.hour:%Y-%m-%d %H}: {self.failures}/{self.attempts}"


class OutboxMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField()
    channel = models.CharField(max_length=12, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    kind = models.CharField(max_length=32)
    context = models.JSONField(default=dict)
    language = models.CharField(max_length=8, default="id")
    #: One message per change and channel, however often the change is reported.
    dedup_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    #: Claimed by a notifier until then; a notifier that dies leaves the claim to expire.
    locked_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    #: A webhook's receiver (channel webhook only): signed with its secret as it is when sent, so a rotated
    #: secret applies to retries. Gone receiver: the message fails for good.
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            # A receiver's queue: its undelivered webhooks, oldest first (the connector health page).
            models.Index(
                fields=["endpoint", "created_at"], name="outbox_endpoint_waiting", condition=~models.Q(status="sent")
            ),
        ]

    def __str__(self):
        return f"{self.channel} → {self.recipient} · {self.kind} · {self.status}"
