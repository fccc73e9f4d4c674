"""Reads about accounts, always for the signed-in user themselves."""

from datetime import date
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from mpp.registry.selectors import family_record, person_record

from .access import held_roles
from .models import AGENCY_ROLES, AccountSession, Delegation, User

ADULT_AGE = 17  # KTP-el age in Indonesia (or married earlier; the registry's relationship decides then)


class Basis(StrEnum):
    SELF = "self"
    PARENT_OF_MINOR = "parent_of_minor"
    DELEGATION = "delegation"


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def minor_children(user: User) -> list[dict]:
    """Minor children on the user's KK when the user is its head or the head's spouse (from the registry)."""
    record = person_record(user.nik) if user.nik else None
    family = family_record(record.kk_number) if record else None
    if family is None or record.data.get("relationship") not in {"KEPALA KELUARGA", "ISTRI", "SUAMI"}:
        return []
    today = timezone.localdate()
    return [
        member
        for member in family.data.get("members", [])
        if member.get("relationship") == "ANAK"
        and member.get("birth_date")
        and _age(date.fromisoformat(member["birth_date"]), today) < ADULT_AGE
    ]


def active_delegations_to(user: User) -> QuerySet[Delegation]:
    """The grants ``user`` accepted that still hold."""
    return Delegation.objects.filter(
        grantee=user, accepted_at__isnull=False, revoked_at__isnull=True, valid_until__gte=timezone.localdate()
    ).select_related("grantor")


def delegations_offered_to(user: User) -> QuerySet[Delegation]:
    """The grants offered to ``user``'s NIK that wait for their answer."""
    if not user.nik:
        return Delegation.objects.none()
    return Delegation.objects.filter(
        grantee_nik=user.nik,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        revoked_at__isnull=True,
        valid_until__gte=timezone.localdate(),
    ).select_related("grantor")


def delegations_given_by(user: User) -> QuerySet[Delegation]:
    return Delegation.objects.filter(grantor=user).select_related("grantee")


def can_act_for(user: User, nik: str) -> Basis | None:
    """Why ``user`` may act for the person with ``nik`` — themselves, a minor child on their KK
    (derived from the registry), or an explicit unexpired grant — or None."""
    if not user.nik:
        return None
    if nik == user.nik:
        return Basis.SELF
    if any(child.get("nik") == nik for child in minor_children(user)):
        return Basis.PARENT_OF_MINOR
    if active_delegations_to(user).filter(grantor__nik=nik).exists():
        return Basis.DELEGATION
    return None


def open_sessions(user: User) -> QuerySet[AccountSession]:
    return AccountSession.objects.filter(user=user, ended_at__isnull=True).order_by("-last_seen_at")


def email_is(email: str) -> Q:
    """The accounts with this e-mail address, in any letter case — as the unique index on lower(email)
    (non-empty addresses) reads it, so the lookup is an index scan (``email__iexact`` compiles to
    UPPER(...) = UPPER(...), which no index serves, and scanned every account)."""
    return Q(email_lower=email.strip().lower()) & ~Q(email="")


def with_email_lower(queryset: QuerySet[User]) -> QuerySet[User]:
    return queryset.annotate(email_lower=Lower("email"))


def user_by_login(identifier: str) -> User | None:
    """The account a login name (NIK or e-mail) points to."""
    identifier = identifier.strip()
    return (
        with_email_lower(User.objects).filter(Q(nik=identifier) | email_is(identifier) | Q(username=identifier)).first()
    )


def agency_roles(user) -> frozenset[tuple]:
    """The (agency id, role) pairs an officer holds: what their worklist and actions are scoped to."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return frozenset()
    return frozenset((agency, role) for role, agency in held_roles(user) if role in AGENCY_ROLES and agency is not None)
