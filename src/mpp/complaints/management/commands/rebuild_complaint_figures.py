from django.core.management.base import BaseCommand

from mpp.complaints import figures


class Command(BaseCommand):
    help = "Recount every region's public complaint figures from the complaints (the worker keeps them current)."

    def handle(self, *args, **options):
        regions = figures.rebuild()
        self.stdout.write(f"Complaint figures recounted for {regions} regions.")
