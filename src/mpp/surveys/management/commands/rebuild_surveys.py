from django.core.management.base import BaseCommand

from mpp.surveys.refresh import rebuild


class Command(BaseCommand):
    help = (
        "Invite every served application that has no survey invitation yet, and recompute the satisfaction index "
        "figures (IKM) from the invitations and answers, from scratch. Safe while the task worker runs: it waits "
        "for its refresh."
    )

    def handle(self, *args, **options):
        rebuilt = rebuild()
        self.stdout.write(
            f"Survey index rebuilt: {rebuilt.invitations} invitations ({rebuilt.invited} served applications), "
            f"{rebuilt.answers} answers counted."
        )
