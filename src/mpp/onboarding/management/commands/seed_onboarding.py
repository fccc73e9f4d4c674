from django.core.management.base import BaseCommand

from mpp.onboarding.seed import record_pilots


class Command(BaseCommand):
    help = "Put the 21 pilot regions of 2023 on record as active since 20 June 2023 (idempotent)."

    def handle(self, *args, **options):
        added = record_pilots()
        self.stdout.write(f"Pilot regions on record as active: {added} added.")
