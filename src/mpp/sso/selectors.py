import functools
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from mpp.identity.models import User
from mpp.registry.models import PersonRecord

from .models import AgencyClient, Consent

AccessToken = get_access_token_model()


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


@dataclass(frozen=True)
class BearerAccess:
    """What a valid access token lets its holder read: whose data, which scopes, for which client."""

    user: User
    scopes: frozenset[str]
    client_name: str
    agency_name: str
    #: Our copy of the registry's data about the user's NIK (None without a NIK or without a copy).
    person: PersonRecord | None


def bearer_access(token: str) -> BearerAccess | None:
    """The access behind an unexpired access ``token`` of an active client and account, or None.

    One query for the token, its client, its account and the account's registry copy: userinfo
    answers every agency system's sign-ins and must stay cheap (target ≥ 1,000 req/s on two
    cores), and the ORM's compilation of the equivalent joined query costs more than the rest
    of the request. The SQL is portable (SQLite and PostgreSQL, both in CI); values come back
    through the models' own converters (``raw()`` for the account, ``from_db_value`` for JSON).
    Tokens are looked up by their SHA-256, as django-oauth-toolkit stores them.
    """
    checksum = hashlib.sha256(token.encode()).hexdigest()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    found = next(iter(User.objects.raw(_bearer_access_sql(), [checksum, now, True, True])), None)
    if found is None:
        return None
    person = None
    if found.record_nik is not None:
        person = PersonRecord(
            nik=found.record_nik, kk_number=found.record_kk_number, data=_json(PersonRecord, "data", found.record_data)
        )
    return BearerAccess(
        user=found,
        scopes=frozenset(found.token_scope.split()),
        client_name=found.client_name,
        agency_name=found.client_agency_name,
        person=person,
    )


@functools.cache
def _bearer_access_sql() -> str:
    table = {model: connection.ops.quote_name(model._meta.db_table) for model in (AccessToken, AgencyClient, User)}
    person_table = connection.ops.quote_name(PersonRecord._meta.db_table)
    # Only table names (from the models, quoted) are formatted in; every value is a parameter.
    sql = f"""
        SELECT u.id, u.public_id, u.nik, u.email, u.email_verified_at, u.phone, u.assurance_level,
               t.scope AS token_scope,
               c.name AS client_name, c.agency_name AS client_agency_name,
               p.nik AS record_nik, p.kk_number AS record_kk_number, p.data AS record_data
          FROM {table[AccessToken]} t
          JOIN {table[AgencyClient]} c ON c.id = t.application_id
          JOIN {table[User]} u ON u.id = t.user_id
          LEFT JOIN {person_table} p ON p.nik = u.nik
         WHERE t.token_checksum = %s AND t.expires > %s AND c.is_active = %s AND u.is_active = %s
    """  # noqa: S608
    return sql


def _json(model, field_name: str, value):
    """A JSON column's value as the model field would load it (a string on SQLite and psycopg 3)."""
    return model._meta.get_field(field_name).from_db_value(value, None, connection)
