"""A connector's system goes away mid-run and comes back: every application arrives exactly once.

The agency simulator runs as its own process on a fixed port; the platform's notifier rounds run here. Halfway,
the simulator stops (the applications wait in the outbox, retried by the contract's policy), then starts again
on the same database; meanwhile some deliveries are stored by the simulator but answered too late (its
``timeout`` fault), so the platform sends them again under the same webhook-id. The simulator's own records
must hold each application once, and the platform must have marked each delivered.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from mpp.applications import connectors, services
from mpp.applications.models import ConnectorMode
from mpp.catalog.models import Agency, Service
from mpp.core.testing import free_port
from mpp.notifications.models import Channel, Delivery, OutboxMessage
from mpp.notifications.services import deliver_due
from simulators.agency.testing import running_agency

from .conftest import birth_form, new_key

pytestmark = pytest.mark.django_db
SECRET = "whsec_ZGVtby1vbmx5LXBhdXNlLXRlc3Qtd2ViaG9vay0wMDAx"
NAMES = [
    f"Anak {first} {last}"
    for first in ("Ayu", "Bayu", "Citra", "Dimas", "Eka")
    for last in ("Putri", "Pratama", "Lestari", "Santoso")
]


def deliver_everything(rounds: int = 60) -> None:
    for _ in range(rounds):
        OutboxMessage.objects.filter(channel=Channel.WEBHOOK, status=Delivery.PENDING).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1), locked_until=None
        )  # time passes: every retry is due
        deliver_due(limit=50)
        if not OutboxMessage.objects.filter(channel=Channel.WEBHOOK, status=Delivery.PENDING).exists():
            return


def test_a_paused_system_gets_every_application_exactly_once(siti, birth_service, tmp_path, monkeypatch):
    port = free_port()
    monkeypatch.setenv("MPP_CONNECTOR_SIAK_PAUSE_URL", f"http://127.0.0.1:{port}/webhooks/mpp")
    monkeypatch.setenv("MPP_CONNECTOR_SIAK_PAUSE_SECRET", SECRET)
    agency = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
    system = connectors.connect(
        name="SIAK (jeda)",
        mode=ConnectorMode.FORWARDED,
        agency=agency,
        contract={"credentials": "SIAK_PAUSE", "timeout_seconds": 1, "retry": {"attempts": 50}},
        client_id="siak-pause",
        client_secret="siak-pause-secret-0123456789-abcdefghij",
    ).system
    connectors.connect_service(service=Service.objects.get(pk=birth_service.pk), system=system)

    def submit(names):
        return [
            services.submit(
                applicant=siti, service=birth_service, data=birth_form(child_name=name), submit_key=new_key()
            ).application.tracking_number
            for name in names
        ]

    options = {"webhook_secret": SECRET, "client_id": "siak-pause", "client_secret": "x" * 40}
    options |= {"processing_delay": 3600, "port": port, "env": {"AGENCY_HANG_SECONDS": "3"}}
    numbers = submit(NAMES[:8])
    with running_agency(tmp_path, **options) as agency_system:
        deliver_everything()
    numbers += submit(NAMES[8:14])
    deliver_due(limit=50)  # the system is away: nothing is lost, everything waits
    waiting = OutboxMessage.objects.filter(channel=Channel.WEBHOOK, status=Delivery.PENDING)
    assert waiting.count() == 6 and all(message.attempts == 1 for message in waiting)
    [health] = [row for row in connectors.health("64.72") if row.system_id == system.pk]
    assert health.waiting == 6 and health.failures == 6

    with running_agency(tmp_path, **options) as agency_system:  # back, on the same records
        agency_system.set_faults(timeout_rate=0.5)  # some stored, answered too late: sent again
        numbers += submit(NAMES[14:])
        deliver_everything()
        agency_system.set_faults()
        deliver_everything()
        cases = agency_system.cases()

    received = [case["tracking_number"] for case in cases]
    assert sorted(received) == sorted(numbers) and len(set(received)) == len(NAMES)
    assert not OutboxMessage.objects.filter(channel=Channel.WEBHOOK).exclude(status=Delivery.SENT).exists()
