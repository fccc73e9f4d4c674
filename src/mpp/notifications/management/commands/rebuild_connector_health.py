"""Recount each webhook receiver's hourly figures and last success from the outbox (the notifier keeps them
current at each attempt; run this after restoring a backup, or to check them)."""

from django.core.management.base import BaseCommand

from mpp.notifications.webhooks import rebuild_health


class Command(BaseCommand):
    help = "Recount the connector health figures (attempts, failures, deliveries per hour; last success)."

    def handle(self, *args, **options):
        rows = rebuild_health()
        self.stdout.write(f"Connector health recounted: {rows} hourly rows.")
