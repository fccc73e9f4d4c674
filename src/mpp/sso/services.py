"""Writes of the single sign-on: consents given and revoked, and the record of every release of data."""

import hashlib

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_id_token_model, get_refresh_token_model

from mpp.audit.models import AccessKind
from mpp.audit.services import record_data_access

from .claims import PROTOCOL_CLAIMS, SCOPES
from .models import AgencyClient, Consent


@transaction.atomic
def grant_consent(*, user, client: AgencyClient, scopes) -> Consent:
    """Remember that ``user`` agreed to share ``scopes`` with ``client``; returns the open consent.

    Widens the open consent when there is one (it then covers what was agreed before and now),
    opens one otherwise. Locks the open consent while it changes.
    """
    scopes = [name for name in SCOPES if name in set(scopes)]
    now = timezone.now()
    consent = Consent.objects.select_for_update().filter(user=user, client=client, revoked_at__isnull=True).first()
    if consent is None:
        return Consent.objects.create(user=user, client=client, scopes=scopes, granted_at=now)
    consent.scopes = [name for name in SCOPES if name in set(consent.scopes) | set(scopes)]
    consent.granted_at = now
    consent.save(update_fields=["scopes", "granted_at", "updated_at"])
    return consent


@transaction.atomic
def revoke_consent(*, consent: Consent) -> Consent:
    """Close the consent and revoke every code and token its client holds for the citizen.

    The client can no longer refresh or call userinfo; its next sign-in asks for consent again.
    Idempotent: revoking a closed consent changes nothing.
    """
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is not None:
        return consent
    now = timezone.now()
    consent.revoked_at = now
    consent.save(update_fields=["revoked_at", "updated_at"])
    _revoke_tokens(user_id=consent.user_id, application_id=consent.client_id, now=now)
    return consent


#: How long a used authorization code is remembered, to recognise its replay (codes live 60 s).
USED_CODE_SECONDS = 600


def remember_code_use(*, code: str, user_id, application_id) -> None:
    """A code was exchanged for tokens of ``user_id`` at ``application_id``: a replay of it must revoke them."""
    cache.set(_used_code_key(code), [user_id, application_id], USED_CODE_SECONDS)


def revoke_for_replayed_code(*, code: str) -> bool:
    """A used code came again (RFC 6749 4.1.2): revoke every token its client holds for the citizen. True if so.

    The code may have been stolen: whoever exchanged it first may not be the client. The citizen
    signs in again; nothing else is lost.
    """
    held_by = cache.get(_used_code_key(code))
    if not held_by:
        return False
    user_id, application_id = held_by
    _revoke_tokens(user_id=user_id, application_id=application_id, now=timezone.now())
    cache.delete(_used_code_key(code))
    return True


def end_sign_ins(*, user, client: AgencyClient | None) -> None:
    """Revoke the tokens ``client`` holds for ``user`` (every client's when None): it must sign the person in again."""
    if client is not None:
        clients = {client.pk}
    else:
        live = get_refresh_token_model().objects.filter(user=user, revoked__isnull=True)
        clients = set(get_access_token_model().objects.filter(user=user).values_list("application_id", flat=True))
        clients |= set(live.values_list("application_id", flat=True))
    now = timezone.now()
    for application_id in clients:
        _revoke_tokens(user_id=user.pk, application_id=application_id, now=now)


def _used_code_key(code: str) -> str:
    return f"sso:used-code:{hashlib.sha256(code.encode()).hexdigest()}"


def _revoke_tokens(*, user_id, application_id, now) -> None:
    held_by = {"user_id": user_id, "application_id": application_id}
    get_refresh_token_model().objects.filter(**held_by, revoked__isnull=True).update(revoked=now, updated=now)
    get_access_token_model().objects.filter(**held_by).delete()
    get_id_token_model().objects.filter(**held_by).delete()
    get_grant_model().objects.filter(**held_by).delete()


def record_release(*, user, client_name: str, agency_name: str, claims: dict) -> None:
    """Record for the citizen that ``claims`` about them went to the client ``client_name`` of ``agency_name``.

    Only claims about the person count (not ``sub``/``acr``); accounts without a NIK (staff)
    have nobody to show the record to, so nothing is recorded for them.
    """
    fields = sorted(set(claims) - PROTOCOL_CLAIMS)
    if not user.nik or not fields:
        return
    record_data_access(
        subject_nik=user.nik,
        kind=AccessKind.SSO_RELEASE,
        actor_label=agency_name or client_name,
        purpose=f"Masuk ke {client_name} (SSO)",
        fields=fields,
        outcome="dikirim",
    )
