from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from mpp.demo.accounts import DEMO_PASSWORD, seed_demo_accounts
from mpp.demo.complaints import seed_demo_complaints
from mpp.demo.connectors import seed_demo_connectors
from mpp.demo.monev import seed_demo_monev
from mpp.demo.payments import seed_demo_payments
from mpp.demo.queue import seed_demo_queue
from mpp.demo.regions import seed_demo_onboarding, signatories
from mpp.demo.villages import seed_demo_village
from mpp.identity.models import User


class Command(BaseCommand):
    help = (
        "Create the demo accounts and the demo regions at each stage of joining (only with MPP_DEMO_MODE=true; "
        "after load_regions, seed_catalog, seed_onboarding and create_demo_ca)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--korlantas-url",
            default="http://127.0.0.1:8042",
            help="where the Korlantas simulator's portal runs (its sign-in client's redirect address)",
        )

    def handle(self, *args, korlantas_url="http://127.0.0.1:8042", **options):
        try:
            usernames = seed_demo_accounts()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        ministry = User.objects.get(username="kemenpanrb")
        regions = seed_demo_onboarding(ministry=ministry, password=DEMO_PASSWORD)
        rounds = seed_demo_monev(ministry=ministry)
        complaints = seed_demo_complaints(
            citizen=User.objects.get(username="6472035204900001"),
            manager=User.objects.get(username="pengelola.samarinda"),
            officer=User.objects.get(username="pengaduan.samarinda"),
        )
        tickets = seed_demo_queue(
            manager=User.objects.get(username="pengelola.samarinda"),
            officer=User.objects.get(username="loket.samarinda"),
            citizen=User.objects.get(username="6472035204900001"),
        )
        fees = seed_demo_payments()
        usernames += seed_demo_village()
        systems = seed_demo_connectors(korlantas_url=korlantas_url)
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}): " + ", ".join(usernames + signatories()))
        self.stdout.write(
            f"Demo regions joining MPP Digital: {len(regions)} added; monev rounds: {rounds} added; "
            f"complaints: {complaints} added; queue tickets at MPP Kota Samarinda: {tickets} added; "
            f"services with a demo fee: {fees}; connected agency systems: {', '.join(systems)}."
        )
