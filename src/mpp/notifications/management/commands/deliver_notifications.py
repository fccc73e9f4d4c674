"""The notifier: sends the outbox's due messages, forever (or once), and stops cleanly on SIGTERM."""

import signal
import time
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand

from mpp.core.db.outages import database_outages_waited
from mpp.notifications.services import deliver_due


class Command(BaseCommand):
    help = "Send due notifications (e-mail, SMS/WhatsApp) from the outbox, with retries."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between rounds when idle")
        parser.add_argument("--batch", type=int, default=20, help="messages claimed per round")
        parser.add_argument(
            "--threads", type=int, default=1, help="messages sent side by side (each thread has its own connection)"
        )

    def handle(self, *args, once=False, interval=1.0, batch=20, threads=1, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        pool = ThreadPoolExecutor(threads, thread_name_prefix="notifier") if threads > 1 else None
        try:
            while True:
                with database_outages_waited() as outage:
                    sent = deliver_due(limit=batch, pool=pool)
                if once or stopping:
                    return
                if outage.waited or not sent:
                    time.sleep(interval)
        finally:
            if pool is not None:
                pool.shutdown(wait=True)  # each thread's connection closes with the process
