"""The outbox: written with the change, sent by the notifier over real SMTP, retried, never twice."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from mpp.applications import services as applications
from mpp.applications.tests.conftest import birth_form, new_key
from mpp.notifications import services
from mpp.notifications.messages import render
from mpp.notifications.models import Channel, Delivery, Notification, OutboxMessage

pytestmark = pytest.mark.django_db

CONTEXT = {
    "number": "6472-2611-7KQ3XZ9M",
    "service": "Penerbitan Akta Kelahiran",
    "due_at": "2026-11-24T15:59:59+00:00",
    "zone": "Asia/Makassar",
    "note": "Surat keterangan lahir tidak terbaca.",
    "url": "http://127.0.0.1:8000/permohonan/6472-2611-7KQ3XZ9M/",
}


def test_messages_read_well_in_indonesian_and_english():
    subject, text = render("submitted", CONTEXT, "id")
    assert subject == "Permohonan 6472-2611-7KQ3XZ9M diterima"
    assert "Batas waktu penyelesaian: 24 November 2026, 23.59 WITA" in text
    with translation.override("id"):
        english_subject, english_text = render("revision", CONTEXT, "en")
    assert english_subject == "Application 6472-2611-7KQ3XZ9M needs changes"
    assert "Surat keterangan lahir tidak terbaca." in english_text


def test_submitting_tells_the_citizen_in_the_app_and_by_email(siti, birth_service):
    application = applications.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    notification = Notification.objects.get(user=siti)
    assert (notification.kind, notification.application) == ("submitted", application)
    message = OutboxMessage.objects.get()
    assert (message.channel, message.recipient, message.status) == (Channel.EMAIL, siti.email, Delivery.PENDING)
    assert message.context["number"] == application.tracking_number


def test_the_same_change_reported_twice_waits_once(siti):
    for _ in range(2):
        services.notify(user=siti, kind="approved", key="event:1", context=CONTEXT)
    assert OutboxMessage.objects.count() == 1


def test_no_email_without_a_confirmed_address(siti):
    siti.email_verified_at = None
    services.notify(user=siti, kind="approved", key="event:2", context=CONTEXT)
    assert not OutboxMessage.objects.exists()
    assert Notification.objects.filter(user=siti).exists()


def test_sms_only_when_a_gateway_is_configured(siti, settings):
    siti.phone = "+6281234567890"
    settings.SMS_GATEWAY_URL = ""
    services.notify(user=siti, kind="approved", key="event:3", context=CONTEXT)
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9"
    services.notify(user=siti, kind="approved", key="event:4", context=CONTEXT)
    assert list(OutboxMessage.objects.order_by("dedup_key").values_list("dedup_key", flat=True)) == [
        "event:3:email",
        "event:4:email",
        "event:4:sms",
    ]


def test_the_notifier_sends_over_smtp_once_with_a_stable_message_id(siti, smtp_server):
    services.notify(user=siti, kind="approved", key="event:5", context=CONTEXT)
    assert services.deliver_due() == 1
    assert services.deliver_due() == 0
    assert len(smtp_server.messages) == 1
    sent = smtp_server.messages[0]
    message = OutboxMessage.objects.get()
    assert sent["Message-ID"] == f"<{message.pk}@mpp-digital>"
    assert sent["Subject"] == "Permohonan 6472-2611-7KQ3XZ9M disetujui"
    assert (message.status, message.attempts) == (Delivery.SENT, 1)


def test_a_failed_send_is_retried_later_with_backoff(siti, settings, smtp_server):
    services.notify(user=siti, kind="approved", key="event:6", context=CONTEXT)
    settings.EMAIL_PORT = 9  # nothing listens: the SMTP connection is refused
    assert services.deliver_due() == 0
    message = OutboxMessage.objects.get()
    assert message.status == Delivery.PENDING and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > timezone.now() + dt.timedelta(seconds=1)
    assert services.deliver_due() == 0  # not due yet
    settings.EMAIL_PORT = smtp_server.port
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert services.deliver_due() == 1
    assert len(smtp_server.messages) == 1


def test_a_message_held_by_another_notifier_is_not_taken(siti, settings):
    services.notify(user=siti, kind="approved", key="event:7", context=CONTEXT)
    assert len(services.claim_due()) == 1
    assert services.claim_due() == []  # leased
    later = timezone.now() + dt.timedelta(seconds=settings.NOTIFIER_LEASE_SECONDS + 1)
    assert len(services.claim_due(now=later)) == 1  # the first notifier died: the lease expired


def test_giving_up_after_the_last_attempt(siti, settings, smtp_server):
    services.notify(user=siti, kind="approved", key="event:8", context=CONTEXT)
    settings.EMAIL_PORT = 9  # nothing listens
    OutboxMessage.objects.update(attempts=services.MAX_ATTEMPTS - 1)
    services.deliver_due()
    assert OutboxMessage.objects.get().status == Delivery.FAILED
