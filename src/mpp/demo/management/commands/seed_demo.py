from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from mpp.demo.accounts import DEMO_PASSWORD, seed_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts (only with MPP_DEMO_MODE=true)."

    def handle(self, *args, **options):
        try:
            usernames = seed_demo_accounts()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}): " + ", ".join(usernames))
