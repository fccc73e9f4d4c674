import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from mpp.statistics.services import rebuild


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Recompute the statistics (facts and figures) of a period from the applications, from scratch; "
        "every day when no period is given. Safe while the task worker runs: it waits for its refresh."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", type=_day, help="first day, YYYY-MM-DD (local to each region)")
        parser.add_argument("--to", dest="last", type=_day, help="last day, YYYY-MM-DD")

    def handle(self, *args, first=None, last=None, **options):
        if (first is None) != (last is None):
            raise CommandError("give both --from and --to, or neither")
        if first is not None and last < first:
            raise CommandError("--to is before --from")
        counted = rebuild(first=first, last=last)
        period = f"{first} to {last}" if first else "every day"
        self.stdout.write(f"Statistics rebuilt for {period}: {counted} applications counted.")
