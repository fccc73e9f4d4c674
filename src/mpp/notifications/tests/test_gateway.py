"""SMS through the gateway simulator over HTTP: delivered once, even when the answer is lost after acceptance."""

import pytest

from mpp.notifications import services
from mpp.notifications.models import Channel, Delivery, OutboxMessage
from simulators.gateway.testing import running_gateway

from .test_outbox import CONTEXT

pytestmark = pytest.mark.django_db
PHONE = "+6281234567890"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    with running_gateway(tmp_path_factory.mktemp("gateway")) as running:
        yield running


@pytest.fixture
def sms(gateway, settings, siti):
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_API_KEY = gateway.url, gateway.api_key
    settings.SMS_GATEWAY_TIMEOUT_SECONDS = 2
    gateway.clear_faults()
    siti.phone = PHONE
    siti.email_verified_at = None  # SMS only, to count messages simply
    siti.save()
    yield gateway
    gateway.clear_faults()


def sent_to_phone(gateway, reference: str):
    return [message for message in gateway.messages(to=PHONE) if message["reference"] == reference]


def test_an_sms_reaches_the_gateway_in_the_citizens_language(sms, siti):
    services.notify(user=siti, kind="approved", key="gw:1", context=CONTEXT)
    assert services.deliver_due() == 1
    [message] = sent_to_phone(sms, "approved")
    assert message["text"].startswith("Permohonan Penerbitan Akta Kelahiran nomor 6472-2611-7KQ3XZ9M telah disetujui")
    assert message["idempotency_key"] == str(OutboxMessage.objects.get(channel=Channel.SMS).pk)


def test_a_number_written_as_at_home_reaches_the_gateway_in_e164(sms, siti):
    siti.phone = "081234567808"  # as people type it (and the RT/RW directory keeps it)
    siti.save()
    services.notify(user=siti, kind="approved", key="gw:08", context=CONTEXT)
    assert services.deliver_due() == 1
    [message] = sms.messages(to="+6281234567808")
    assert message["idempotency_key"] == str(OutboxMessage.objects.get(channel=Channel.SMS).pk)


def test_an_answer_lost_after_acceptance_is_retried_and_still_delivered_once(sms, siti):
    services.notify(user=siti, kind="rejected", key="gw:2", context=CONTEXT)
    sms.set_faults(drop_after_accept_rate=1)  # stored at the gateway, then the connection drops
    assert services.deliver_due() == 0
    message = OutboxMessage.objects.get(channel=Channel.SMS)
    assert message.status == Delivery.PENDING and message.attempts == 1
    sms.clear_faults()
    OutboxMessage.objects.update(next_attempt_at=message.created_at)
    assert services.deliver_due() == 1
    assert len(sent_to_phone(sms, "rejected")) == 1


def test_a_gateway_that_is_down_leaves_the_message_waiting(sms, siti):
    services.notify(user=siti, kind="revision", key="gw:3", context=CONTEXT)
    sms.set_faults(error_rate=1)
    assert services.deliver_due() == 0
    message = OutboxMessage.objects.get(channel=Channel.SMS)
    assert (message.status, message.attempts, message.last_error) == (Delivery.PENDING, 1, "GatewayError: HTTP 503")
    assert sent_to_phone(sms, "revision") == []


def test_a_message_the_gateway_refuses_is_not_retried(sms, siti):
    siti.phone = "+1555000111"  # not an Indonesian mobile number
    siti.save()
    services.notify(user=siti, kind="approved", key="gw:4", context=CONTEXT)
    assert services.deliver_due() == 0
    message = OutboxMessage.objects.get(channel=Channel.SMS)
    assert message.status == Delivery.FAILED and "HTTP 422" in message.last_error


def test_a_citizen_who_prefers_whatsapp_gets_it_there(sms, siti):
    siti.phone_channel = "whatsapp"
    siti.save()
    services.notify(user=siti, kind="approved", key="gw:5", context=CONTEXT)
    assert OutboxMessage.objects.get().channel == Channel.WHATSAPP
    assert services.deliver_due() == 1
    [message] = [sent for sent in sent_to_phone(sms, "approved") if sent["channel"] == "whatsapp"]
    assert message["idempotency_key"] == str(OutboxMessage.objects.get().pk)
