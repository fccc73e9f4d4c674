from pathlib import Path

from django.core.management.base import BaseCommand

from mpp.documents.demo_ca import DEFAULT_SERVICES_URL, create_demo_ca
from mpp.documents.signing import signing_dir


class Command(BaseCommand):
    help = (
        "Create the demo CA, its signing certificate and its trust services' certificates (time-stamping, OCSP) "
        "in DOCUMENT_SIGNING_DIR (never for official use)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="replace an existing demo CA and its keys")
        parser.add_argument("--directory", type=Path, help="where to create it (default: DOCUMENT_SIGNING_DIR)")
        parser.add_argument(
            "--services-url",
            default=DEFAULT_SERVICES_URL,
            help=f"where the demo CA's simulator answers (named in the certificates; default {DEFAULT_SERVICES_URL})",
        )

    def handle(self, *args, force=False, directory=None, services_url=DEFAULT_SERVICES_URL, **options):
        ca = create_demo_ca(directory or signing_dir(), force=force, services_url=services_url)
        verb = "Created" if ca.created else "Kept the existing"
        self.stdout.write(f"{verb} demo CA in {ca.directory} (trust root {ca.ca_cert.name}; not for official use)")
