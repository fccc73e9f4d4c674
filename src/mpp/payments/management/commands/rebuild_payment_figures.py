from django.core.management.base import BaseCommand

from mpp.payments import figures


class Command(BaseCommand):
    help = "Recount what was collected per region, day, agency, service, revenue and channel from the payments."

    def handle(self, *args, **options):
        self.stdout.write(f"Payment figures: {figures.rebuild()} region days recounted.")
