from django.db.models import QuerySet

from .models import AgencyClient, Consent


def client_by_client_id(client_id: str) -> AgencyClient:
    """The client with this OAuth ``client_id``; raises ``AgencyClient.DoesNotExist``."""
    return AgencyClient.objects.get(client_id=client_id)


def consents_of(user) -> QuerySet[Consent]:
    """The citizen's open consents, newest first, with their clients: the only consents they may see or revoke."""
    return Consent.objects.filter(user=user, revoked_at__isnull=True).select_related("client")


def open_consent(*, user, client) -> Consent | None:
    return Consent.objects.filter(user=user, client=client, revoked_at__isnull=True).first()


def has_consent(*, user, client, scopes) -> bool:
    """Whether the citizen already agreed to share at least ``scopes`` with ``client``."""
    consent = open_consent(user=user, client=client)
    return consent is not None and consent.covers(scopes)
