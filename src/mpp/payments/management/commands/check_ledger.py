from django.core.management.base import BaseCommand, CommandError

from mpp.payments import ledger
from mpp.payments.models import Bill


class Command(BaseCommand):
    help = "Replay the payment ledger and compare every bill's state with what its entries say."

    def handle(self, *args, **options):
        replayed = ledger.replay()
        wrong = [
            bill.number
            for bill in Bill.objects.only("pk", "number", "state").iterator()
            if bill.pk not in replayed or replayed[bill.pk].state != bill.state
        ]
        if wrong:
            raise CommandError(f"{len(wrong)} bills disagree with their ledger: {', '.join(wrong[:20])}")
        self.stdout.write(f"Ledger: {len(replayed)} bills, every state as its entries say.")
