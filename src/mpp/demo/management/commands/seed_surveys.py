from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from mpp.demo.surveys import seed_demo_surveys


class Command(BaseCommand):
    help = (
        "Seed a month of satisfaction surveys (SKM) for the demo regions: decided applications, their answers, a few "
        "open answers and a follow-up plan (only with MPP_DEMO_MODE=true; after seed_demo). Once: a second run adds "
        "nothing. Then `rebuild_surveys` counts them (the worker would, within a minute)."
    )

    def handle(self, *args, **options):
        try:
            seeded = seed_demo_surveys()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Demo surveys: {seeded['applications']} decided applications, {seeded['answers']} answers added."
        )
