"""The notifier as a real process, killed in the middle of sending and restarted: every message arrives once.

It runs against the test's PostgreSQL database (committed data: a transactional test), sends
e-mail to an SMTP server of this test and SMS to the gateway simulator, which is told to take
1.5 s per message so the kill lands while a message is on the wire.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from mpp.core.testing import REPO_ROOT
from mpp.notifications import services
from mpp.notifications.models import Channel, Delivery, OutboxMessage
from simulators.gateway.testing import running_gateway

from .test_outbox import CONTEXT

PHONE = "+6281234567890"
COUNT = 4


def notifier(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "deliver_notifications", "--interval", "0.1", "--batch", "1"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_killing_the_notifier_mid_send_and_restarting_it_delivers_every_message_once(
    siti, smtp_server, tmp_path, settings
):
    siti.phone = PHONE
    siti.save()
    with running_gateway(tmp_path) as gateway:
        settings.SMS_GATEWAY_URL = gateway.url  # so notify() writes SMS messages too
        for number in range(COUNT):
            services.notify(user=siti, kind="approved", key=f"kill:{number}", context=CONTEXT)
        assert OutboxMessage.objects.count() == 2 * COUNT
        gateway.set_faults(latency_ms=1500)
        database = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "MPP_TESTING": "true",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_server.port),
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_API_KEY": gateway.api_key,
            "NOTIFIER_LEASE_SECONDS": "2",
        }

        first = notifier(env)
        # Killed while it waits for the gateway's answer to an SMS it has claimed.
        wait_for(
            lambda: OutboxMessage.objects.filter(channel=Channel.SMS, locked_until__gt=timezone.now()).exists(),
            timeout=30,
            what="the notifier to claim an SMS",
        )
        time.sleep(0.5)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert OutboxMessage.objects.filter(status=Delivery.PENDING).exists()

        gateway.clear_faults()
        second = notifier(env)
        try:
            wait_for(
                lambda: not OutboxMessage.objects.exclude(status=Delivery.SENT).exists(),
                timeout=60,
                what="every message to be sent after the restart",
            )
        finally:
            second.terminate()
            second.wait(timeout=10)

        sms = [message for message in gateway.messages(to=PHONE)]
        assert len(sms) == COUNT
        assert {message["idempotency_key"] for message in sms} == {
            str(pk) for pk in OutboxMessage.objects.filter(channel=Channel.SMS).values_list("pk", flat=True)
        }
        message_ids = [message["Message-ID"] for message in smtp_server.messages]
        assert len(message_ids) == len(set(message_ids)) == COUNT
