from django.core.management.base import BaseCommand

from mpp.catalog.seed import seed_catalog


class Command(BaseCommand):
    help = "Load the national service catalog and the pilot regions' MPPs (idempotent)."

    def handle(self, *args, **options):
        counts = seed_catalog()
        self.stdout.write("Catalog: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
