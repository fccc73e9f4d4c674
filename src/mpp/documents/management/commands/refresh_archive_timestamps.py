import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from mpp.documents import archive


class Command(BaseCommand):
    help = (
        "Add a new archive timestamp to issued documents whose newest archive timestamp's certificate expires "
        "within --days (default 365). Run it regularly, e.g. monthly, and at once when the TSA's certificate is "
        "replaced or revoked (--all). Needs DOCUMENT_SIGNING_TSA_URL and the CA's OCSP responder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365, help="renew what expires within this many days")
        parser.add_argument(
            "--all", dest="everything", action="store_true", help="renew every document that has an archive timestamp"
        )
        parser.add_argument("--limit", type=int, help="at most this many documents (default: all)")

    def handle(self, *args, days=365, everything=False, limit=None, **options):
        before = dt.datetime.max.replace(tzinfo=dt.UTC) if everything else timezone.now() + dt.timedelta(days=days)
        report = archive.run(
            archive.needing_refresh(before=before), archive.refresh_issued, limit=limit, out=self.stdout
        )
        self.stdout.write(f"Renewed the archive timestamp of {report.done} document(s); {report.failed} failed.")
