from django.core.management.base import BaseCommand

from mpp.documents import archive


class Command(BaseCommand):
    help = (
        "Give documents issued with a basic signature (PAdES B-B) the validation data and an archive timestamp "
        "(B-LTA), so that they still verify after the signing certificate expires. Needs DOCUMENT_SIGNING_TSA_URL "
        "and the CA's OCSP responder; run it while the signing certificate is still valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="at most this many documents (default: all)")

    def handle(self, *args, limit=None, **options):
        report = archive.run(archive.needing_upgrade(), archive.upgrade_issued, limit=limit, out=self.stdout)
        self.stdout.write(f"Upgraded {report.done} document(s) to PAdES B-LTA; {report.failed} could not be upgraded.")
        if report.failed:
            self.stdout.write("Those that could not: see the lines above (an expired or revoked signature stays B-B).")
