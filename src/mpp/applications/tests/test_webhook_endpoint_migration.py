"""Migration 0007 moves an agency system's webhook address and secret into the outbox's WebhookEndpoint:
nothing is lost either way, and a webhook still waiting to be retried keeps being signed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mpp.notifications.models import Channel

from .test_forwarding import register_siak, submit

BEFORE = [("applications", "0006_upload_moved_to_files"), ("notifications", "0003_time_ordered_keys")]
AFTER = [("applications", "0007_webhook_endpoints"), ("notifications", "0004_webhook_endpoints")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_systems_keep_their_webhook_and_waiting_webhooks_their_receiver_across_the_migration(siti, birth_service):
    siti.email_verified_at = None
    siti.save()
    system = register_siak("https://siak.samarinda.example.go.id/webhooks/mpp")
    secret = system.webhook.secret
    application = submit(siti, birth_service)
    try:
        old = _migrate(BEFORE)
        kept = old.get_model("applications", "ExternalSystem").objects.get(pk=system.pk)
        assert (kept.webhook_url, kept.webhook_secret) == ("https://siak.samarinda.example.go.id/webhooks/mpp", secret)
        new = _migrate(AFTER)  # the models as they were then: later migrations add columns
        moved = new.get_model("applications", "ExternalSystem").objects.select_related("webhook").get(pk=system.pk)
        assert (moved.webhook.url, moved.webhook.secret) == (
            "https://siak.samarinda.example.go.id/webhooks/mpp",
            secret,
        )
        outbox = new.get_model("notifications", "OutboxMessage")
        waiting = outbox.objects.get(channel=Channel.WEBHOOK, dedup_key=f"forward:{application.pk}")
        assert waiting.endpoint_id == moved.webhook_id
    finally:
        _migrate(_latest())  # the later migrations too: the next tests of this worker need today's schema


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
