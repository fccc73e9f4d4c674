"""The notifier: sends the outbox's due messages, forever (or once), and stops cleanly on SIGTERM."""

import signal
import time

from django.core.management.base import BaseCommand

from mpp.notifications.services import deliver_due


class Command(BaseCommand):
    help = "Send due notifications (e-mail, SMS/WhatsApp) from the outbox, with retries."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between rounds when idle")
        parser.add_argument("--batch", type=int, default=20, help="messages claimed per round")

    def handle(self, *args, once=False, interval=1.0, batch=20, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while True:
            sent = deliver_due(limit=batch)
            if once or stopping:
                return
            if not sent:
                time.sleep(interval)
