from django.core.management.base import BaseCommand

from mpp.core.periodic import start_all


class Command(BaseCommand):
    help = "Start the task worker's periodic jobs (settings.PERIODIC_TASKS); safe to run on every deploy."

    def handle(self, *args, **options):
        started = start_all()
        self.stdout.write(f"Periodic jobs: {len(started)} started, the others were already scheduled.")
