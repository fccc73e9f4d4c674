from django.core.management.base import BaseCommand

from mpp.documents.demo_ca import create_demo_ca
from mpp.documents.signing import signing_dir


class Command(BaseCommand):
    help = "Create the demo CA and signing certificate in DOCUMENT_SIGNING_DIR (never for official use)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="replace an existing demo CA and signing key")

    def handle(self, *args, force=False, **options):
        ca = create_demo_ca(signing_dir(), force=force)
        verb = "Created" if ca.created else "Kept the existing"
        self.stdout.write(f"{verb} demo CA in {ca.directory} (trust root {ca.ca_cert.name}; not for official use)")
