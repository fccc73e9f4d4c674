from django.core.management.base import BaseCommand

from mpp.queueing import figures


class Command(BaseCommand):
    help = "Recount the queue's figures of every MPP day from its tickets (the worker keeps them current)."

    def handle(self, *args, **options):
        days = figures.rebuild()
        self.stdout.write(f"Queue figures recounted for {days} MPP days.")
