"""Forwarding: a service that forwards hands each submission to its agency's system by a signed webhook,
written in the submission's transaction and delivered by the notifier with retries under one webhook-id."""

import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks import Webhook

from mpp.applications import forwarding, services
from mpp.applications.models import Application, Event, ExternalCase, Status
from mpp.catalog.models import Agency, Service
from mpp.core.testing import free_port
from mpp.notifications import services as notifier
from mpp.notifications import webhooks
from mpp.notifications.models import Channel, Delivery, Notification, OutboxMessage, new_webhook_secret

from .conftest import FILE_ID, PDF, SITI_NIK, birth_form, new_key

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
CLIENT_ID = "siak-disdukcapil-samarinda"
CLIENT_SECRET = "rahasia-klien-siak-yang-panjang-dan-acak-0123456789"


class Receiver:
    """An agency system's webhook endpoint on a loopback port: records each delivery, answers as scripted."""

    def __init__(self):
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answers: deque[int] = deque()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.answers.popleft() if receiver.answers else 202
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"duplicate": false}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/mpp"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def register_siak(webhook_url: str):
    """SIAK, Disdukcapil Kota Samarinda's system, registered with its client; birth certificates go to it."""
    agency = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
    system = forwarding.register_external_system(
        name="SIAK Disdukcapil Kota Samarinda",
        agency=agency,
        webhook_url=webhook_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        webhook_secret=WEBHOOK_SECRET,
    ).system
    forwarding.forward_service(
        service=Service.objects.get(region_id="64.72", template__slug="akta-kelahiran"), external_system=system
    )
    return system


@pytest.fixture
def siak(receiver):
    return register_siak(receiver.url)


@pytest.fixture(autouse=True)
def _citizen_told_in_the_app_only(siti):
    """No e-mail to Siti, so the notifier's rounds here send webhooks only."""
    siti.email_verified_at = None
    siti.save()


def submit(siti, birth_service, **changes) -> Application:
    return services.submit(
        applicant=siti, service=birth_service, data=birth_form(**changes), submit_key=new_key()
    ).application


def webhook() -> OutboxMessage:
    return OutboxMessage.objects.get(channel=Channel.WEBHOOK)


def deliver_again(message: OutboxMessage) -> int:
    """The notifier's next round, once the message's backoff has passed."""
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    return notifier.deliver_due()


def test_a_submission_to_a_forwarding_service_is_handed_to_the_agency_system(siti, birth_service, siak, settings):
    settings.SITE_URL = "https://mpp.example.go.id"
    application = submit(siti, birth_service)
    application.refresh_from_db()
    assert application.status == Status.FORWARDED
    assert (application.step, application.step_role, application.step_due_at) == ("", "", None)
    events = list(Event.objects.filter(application=application).values_list("action", "to_status", "actor_label"))
    assert events == [
        ("submit", Status.IN_PROGRESS, "Pemohon"),
        ("forward", Status.FORWARDED, "Sistem MPP Digital"),
    ]
    assert ExternalCase.objects.get(application=application).external_system == siak

    message = webhook()
    assert message.recipient == siak.webhook.url
    assert message.endpoint == siak.webhook
    assert message.dedup_key == f"forward:{application.pk}"
    assert (message.kind, message.status) == ("application.forwarded", Delivery.PENDING)
    data = message.context
    number = application.tracking_number
    assert data["tracking_number"] == number
    assert data["service"] == {"code": "akta-kelahiran", "name": "Penerbitan Akta Kelahiran"}
    assert data["region_code"] == "64.72"
    assert data["applicant"] == {"nik": SITI_NIK, "name": "SITI RAHMAWATI"}
    assert data["beneficiary"] == {"nik": None, "name": "Ayu Lestari Santoso"}
    assert data["form"]["child_name"] == "Ayu Lestari Santoso"
    assert data["attachments"] == [
        {"type": "birth_letter", "id": FILE_ID, "sha256": "0" * 64, "content_type": "application/pdf", "size": len(PDF)}
    ]
    assert data["callback"] == {
        "status_url": f"https://mpp.example.go.id/api/v1/agency/applications/{number}/status",
        "token_url": "https://mpp.example.go.id/o/token/",
    }
    # The citizen is told as for any submission: the application is received.
    assert Notification.objects.filter(user=siti, application=application, kind="submitted").exists()


def test_a_service_without_forwarding_stays_with_the_back_office(siti, birth_service):
    application = submit(siti, birth_service)
    assert application.status == Status.IN_PROGRESS and application.step == "verification"
    assert not OutboxMessage.objects.filter(channel=Channel.WEBHOOK).exists()
    assert not ExternalCase.objects.exists()


def test_an_inactive_system_receives_nothing_new(siti, birth_service, siak):
    siak.is_active = False
    siak.save()
    application = submit(siti, birth_service)
    assert application.status == Status.IN_PROGRESS
    assert not OutboxMessage.objects.filter(channel=Channel.WEBHOOK).exists()


def test_a_retried_submission_forwards_once(siti, birth_service, siak):
    key = new_key()
    for _ in range(2):
        services.submit(applicant=siti, service=birth_service, data=birth_form(), submit_key=key)
    assert OutboxMessage.objects.filter(channel=Channel.WEBHOOK).count() == 1


def test_a_service_forwards_only_to_a_system_of_its_own_agency(siak):
    health = Service.objects.filter(region_id="64.72", template__agency_kind__code="dinkes").first()
    with pytest.raises(ValidationError) as error:
        forwarding.forward_service(service=health, external_system=siak)
    assert "external_system" in error.value.message_dict


def test_the_webhook_is_signed_and_verifiable_with_standardwebhooks(siti, birth_service, siak, receiver):
    application = submit(siti, birth_service)
    assert notifier.deliver_due() == 1
    [(headers, body)] = receiver.received
    verified = Webhook(WEBHOOK_SECRET).verify(body, headers)
    assert verified["type"] == "application.forwarded"
    assert verified["data"]["tracking_number"] == application.tracking_number
    assert verified["timestamp"].endswith("Z")
    assert headers["webhook-id"] == str(webhook().pk)
    assert headers["content-type"] == "application/json"
    assert webhook().status == Delivery.SENT
    with pytest.raises(Exception, match="signature"):
        Webhook(new_webhook_secret()).verify(body, headers)


@pytest.mark.parametrize("status", [500, 503, 429, 408])
def test_a_failing_receiver_gets_the_same_delivery_again(siti, birth_service, siak, receiver, status):
    submit(siti, birth_service)
    receiver.answers.append(status)
    assert notifier.deliver_due() == 0
    message = webhook()
    assert (message.status, message.attempts) == (Delivery.PENDING, 1)
    assert message.last_error.startswith(f"WebhookError: HTTP {status}")
    assert message.next_attempt_at > timezone.now()
    assert deliver_again(message) == 1
    first, second = receiver.received
    assert first[0]["webhook-id"] == second[0]["webhook-id"] == str(message.pk)  # the receiver deduplicates by it
    assert first[1] == second[1]  # the same body, signed anew
    assert webhook().status == Delivery.SENT


def test_an_unreachable_receiver_is_retried(siti, birth_service, siak):
    webhooks.move_endpoint(siak.webhook, url=f"http://127.0.0.1:{free_port()}/webhooks/mpp")  # nobody listens
    submit(siti, birth_service)
    assert notifier.deliver_due() == 0
    message = webhook()
    assert (message.status, message.attempts) == (Delivery.PENDING, 1)
    assert "ConnectError" in message.last_error


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_a_receiver_that_refuses_the_delivery_is_not_asked_again(siti, birth_service, siak, receiver, status):
    submit(siti, birth_service)
    receiver.answers.append(status)
    assert notifier.deliver_due() == 0
    message = webhook()
    assert (message.status, message.attempts) == (Delivery.FAILED, 1)
    assert message.last_error.startswith(f"HTTP {status}")
    assert deliver_again(message) == 0
    assert len(receiver.received) == 1


def test_a_failed_delivery_can_be_sent_again_from_the_admin_action(siti, birth_service, siak, receiver):
    application = submit(siti, birth_service)
    receiver.answers.append(400)
    notifier.deliver_due()
    assert forwarding.send_again(application_id=application.pk)
    assert notifier.deliver_due() == 1
    assert receiver.received[0][0]["webhook-id"] == receiver.received[1][0]["webhook-id"]
    assert not forwarding.send_again(application_id=application.pk)  # delivered: nothing to send again


def test_a_retry_is_signed_with_the_systems_current_secret(siti, birth_service, siak, receiver):
    submit(siti, birth_service)
    receiver.answers.append(503)
    notifier.deliver_due()
    rotated = webhooks.rotate_secret(siak.webhook)
    deliver_again(webhook())
    headers, body = receiver.received[-1]
    assert Webhook(rotated).verify(body, headers)["type"] == "application.forwarded"
