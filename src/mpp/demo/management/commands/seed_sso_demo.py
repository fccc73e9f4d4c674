from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from mpp.demo.accounts import DEMO_PASSWORD
from mpp.demo.sso_client import DEMO_NIK, DEMO_REDIRECT_URI, seed_sso_demo


class Command(BaseCommand):
    help = "Register the demo agency client (new secret each run) and the demo citizen (MPP_DEMO_MODE=true only)."

    def add_arguments(self, parser):
        parser.add_argument("--redirect-uri", default=DEMO_REDIRECT_URI, help=f"default: {DEMO_REDIRECT_URI}")

    def handle(self, *args, **options):
        try:
            client, secret = seed_sso_demo(redirect_uri=options["redirect_uri"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"MPP_CLIENT_ID={client.client_id}")
        self.stdout.write(f"MPP_CLIENT_SECRET={secret}")
        self.stdout.write(f"# redirect URI: {options['redirect_uri']}")
        self.stdout.write(f"# demo citizen: NIK {DEMO_NIK}, password {DEMO_PASSWORD}")
