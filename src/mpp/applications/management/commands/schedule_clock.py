from django.core.management.base import BaseCommand

from mpp.applications.tasks import schedule_next


class Command(BaseCommand):
    help = "Start the task worker's minute clock (escalation of overdue applications); safe to run on every deploy."

    def handle(self, *args, **options):
        schedule_next()
        self.stdout.write("Escalation of overdue applications: scheduled every minute.")
