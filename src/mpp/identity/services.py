"""Writes to accounts: registration, e-mail confirmation, sessions, second factor, face check, delegation.

Each function is one use case. Registry calls happen before any database write,
so a registry that is slow or down leaves nothing half-created.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import date, timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.base import SessionBase
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from mpp.core.errors import Conflict, DomainError
from mpp.notifications import services as notifications
from mpp.notifications.services import notify
from mpp.registry import services as registry
from mpp.registry.dukcapil import Actor, RegistryUnavailable
from mpp.registry.selectors import person_record

from .models import AccountSession, AssuranceLevel, Delegation, EmailCode, Role, RoleAssignment, User
from .selectors import email_is, with_email_lower

logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
PLATFORM_ACTOR = "MPP Digital"


class RegistrationRefused(DomainError):
    """The data does not match the registry. Deliberately says nothing about which part."""


def register_citizen(*, nik: str, name: str, birth_date: date, email: str, phone: str, password: str) -> User:
    """Create a citizen account after the registry confirms NIK, name and birth date belong together.

    The same ``RegistrationRefused`` message answers an unknown NIK and a wrong name, so NIKs
    cannot be probed. Raises ``RegistryUnavailable`` (nothing is written) when the registry
    cannot answer, ``Conflict`` when the NIK or e-mail already has an account. Sends the
    e-mail confirmation code after commit. The account is NIK-verified once its e-mail is confirmed.
    """
    password_validation.validate_password(password)
    matches = registry.verify_person(
        nik=nik,
        elements={"name": name, "birth_date": birth_date.isoformat()},
        actor=Actor(PLATFORM_ACTOR, _("Pendaftaran akun MPP Digital")),
    )
    if not (matches.get("name") and matches.get("birth_date")):
        raise RegistrationRefused(_("Data tidak cocok dengan data kependudukan. Periksa NIK, nama, dan tanggal lahir."))
    try:
        with transaction.atomic():
            if User.objects.filter(nik=nik).exists():
                raise Conflict(_("NIK ini sudah memiliki akun. Silakan masuk atau atur ulang kata sandi."))
            if with_email_lower(User.objects).filter(email_is(email)).exists():
                raise Conflict(_("Alamat surel ini sudah dipakai akun lain."))
            user = User(username=nik, nik=nik, email=email, phone=phone, first_name=name[:150])
            user.set_password(password)
            user.save()
            transaction.on_commit(lambda: send_email_code(user=user))
    except IntegrityError as exc:  # a concurrent registration of the same NIK or e-mail won
        raise Conflict(_("NIK atau alamat surel ini sudah memiliki akun.")) from exc
    return user


def _hash_code(user: User, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{user.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def request_email_change(*, user: User, email: str) -> None:
    """The owner asks to use ``email``: it is confirmed by a code sent there, and used from then on.

    Answers the same whether or not another account uses the address (no oracle): that
    address then gets a notice instead of a code, so the change can never complete.
    """
    user.pending_email = email
    user.save(update_fields=["pending_email"])
    send_email_code(user=user)


def send_email_code(*, user: User) -> None:
    """E-mail a fresh 6-digit code to the address being confirmed; earlier unused codes stop working.

    The address is the pending new one, if any, else the account's. A pending address that
    another account uses gets a notice instead (``request_email_change``).
    """
    address = user.pending_email or user.email
    with transaction.atomic():
        EmailCode.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
        if user.pending_email and _email_taken(user.pending_email, by_other_than=user):
            send_mail(
                subject=_("Alamat surel Anda diminta untuk akun MPP Digital lain"),
                message=_(
                    "Seseorang meminta alamat surel ini dipakai untuk akun MPP Digital lain. Tidak ada yang berubah: "
                    "alamat ini tetap milik akun Anda. Bila itu Anda, masuklah dengan akun Anda.\n\n"
                    "Jika bukan Anda, abaikan surel ini."
                ),
                from_email=None,
                recipient_list=[address],
            )
            return
        code = f"{secrets.randbelow(10**6):06d}"
        EmailCode.objects.create(user=user, code_hash=_hash_code(user, code), expires_at=timezone.now() + CODE_TTL)
    send_mail(
        subject=_("Kode konfirmasi MPP Digital: %(code)s") % {"code": code},
        message=_(
            "Kode konfirmasi surel Anda: %(code)s\n\nBerlaku 15 menit. Jangan berikan kode ini kepada siapa pun, "
            "termasuk petugas.\n\nJika Anda tidak mendaftar di MPP Digital, abaikan surel ini."
        )
        % {"code": code},
        from_email=None,
        recipient_list=[address],
    )


def _email_taken(email: str, *, by_other_than: User) -> bool:
    return with_email_lower(User.objects).filter(email_is(email)).exclude(pk=by_other_than.pk).exists()


@transaction.atomic
def confirm_email(*, user: User, code: str) -> User:
    """Confirm the e-mail with the latest code; the account becomes NIK-verified.

    Raises DomainError for a wrong, used or expired code; after five wrong tries the code is dead.
    """
    entry = (
        EmailCode.objects.select_for_update().filter(user=user, used_at__isnull=True).order_by("-created_at").first()
    )
    if entry is None or entry.expires_at < timezone.now() or entry.attempts >= CODE_MAX_ATTEMPTS:
        raise DomainError(_("Kode sudah tidak berlaku. Minta kode baru."))
    if not hmac.compare_digest(entry.code_hash, _hash_code(user, code.strip())):
        entry.attempts += 1
        entry.save(update_fields=["attempts", "updated_at"])
        raise DomainError(_("Kode salah."))
    now = timezone.now()
    entry.used_at = now
    entry.save(update_fields=["used_at", "updated_at"])
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pending_email:
        if _email_taken(user.pending_email, by_other_than=user):  # taken meanwhile
            raise DomainError(_("Kode sudah tidak berlaku. Minta kode baru."))
        user.email, user.pending_email = user.pending_email, ""
    user.email_verified_at = now
    if user.nik and user.assurance_level < AssuranceLevel.NIK_VERIFIED:
        user.assurance_level = AssuranceLevel.NIK_VERIFIED
        user.nik_verified_at = now
    user.save(update_fields=["email", "pending_email", "email_verified_at", "assurance_level", "nik_verified_at"])
    return user


def refresh_registry_data(*, user: User, purpose: str):
    """Read the citizen's own data and family from the registry (raises RegistryUnavailable)."""
    actor = Actor(PLATFORM_ACTOR, purpose)
    record = registry.read_person(nik=user.nik, actor=actor, actor_user=user)
    if record and record.kk_number:
        registry.read_family(kk_number=record.kk_number, subject_nik=user.nik, actor=actor, actor_user=user)
    return record


def refresh_registry_data_if_stale(*, user: User, max_age: timedelta = timedelta(days=1)) -> None:
    """At sign-in: refresh our copy of the citizen's registry data when it is missing or older than
    ``max_age``. Best effort: a registry that is down must not stop anyone signing in."""
    record = person_record(user.nik)
    if record is not None and record.retrieved_at > timezone.now() - max_age:
        return
    try:
        refresh_registry_data(user=user, purpose=_("Memperbarui data pemilik akun saat masuk"))
    except RegistryUnavailable:
        logger.warning("registry unavailable at sign-in; profile data not refreshed", extra={"user_id": user.pk})


# -- sessions ---------------------------------------------------------------------------------------


def warn_of_failed_sign_ins(*, user: User, failures: int, window: int) -> None:
    """Tell the owner (in the app, by e-mail and SMS) that their account sees many failed sign-ins: once per window."""
    notify(
        user=user,
        kind="login_failures",
        key=f"login-failures:{user.pk}:{window}",
        context={"count": failures, "url": f"{settings.SITE_URL}/akun/sesi/"},
    )


def record_session(*, user: User, session_key: str, ip_address: str | None, user_agent: str) -> AccountSession:
    now = timezone.now()
    session, _created = AccountSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "ip_address": ip_address,
            "user_agent": user_agent[:300],
            "last_seen_at": now,
            "ended_at": None,
        },
    )
    return session


def end_sessions(*, user: User, keep_session_key: str | None = None, session_id=None) -> int:
    """End the user's sessions (one by id, or all but ``keep_session_key``); returns how many ended."""
    store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    sessions = AccountSession.objects.filter(user=user, ended_at__isnull=True)
    if session_id is not None:
        sessions = sessions.filter(pk=session_id)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    ended = 0
    for session in sessions:
        store(session_key=session.session_key).delete()
        ended += 1
    sessions.update(ended_at=timezone.now())
    return ended


# -- second factor ----------------------------------------------------------------------------------


def start_totp(*, user: User) -> str:
    """A new secret for the authenticator app (not active until confirmed with a code)."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = None
    user.save(update_fields=["totp_secret", "totp_enabled_at"])
    return totp_uri(user=user)


def totp_uri(*, user: User) -> str:
    """The otpauth:// URI an authenticator app reads (from a QR code) for the user's pending secret."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email or user.username, issuer_name="MPP Digital")


def check_totp(*, user: User, code: str) -> bool:
    return bool(user.totp_secret) and pyotp.TOTP(user.totp_secret).verify(code.strip(), valid_window=1)


def enable_totp(*, user: User, code: str) -> None:
    if not check_totp(user=user, code=code):
        raise DomainError(_("Kode dari aplikasi autentikator salah."))
    user.totp_enabled_at = timezone.now()
    user.save(update_fields=["totp_enabled_at"])


def disable_totp(*, user: User, code: str) -> None:
    if not check_totp(user=user, code=code):
        raise DomainError(_("Kode dari aplikasi autentikator salah."))
    user.totp_secret = ""
    user.totp_enabled_at = None
    user.save(update_fields=["totp_secret", "totp_enabled_at"])


# -- face verification ------------------------------------------------------------------------------


def verify_face(*, user: User, challenge: str, frames: list[bytes]) -> bool:
    """Check the frames against the registry's photo of the user, with liveness; on success raise the
    account to face-verified. The photos go to the registry only and are not stored here.

    Returns whether it passed. Raises ``FaceRejected`` and ``RegistryUnavailable``.
    """
    if not user.has_assurance(AssuranceLevel.NIK_VERIFIED):
        raise DomainError(_("Verifikasi NIK dan surel Anda terlebih dahulu."))
    answer = registry.verify_face(
        nik=user.nik,
        challenge=challenge,
        frames=frames,
        actor=Actor(PLATFORM_ACTOR, _("Verifikasi wajah pemilik akun")),
        actor_user=user,
    )
    passed = bool(answer.get("match")) and bool(answer.get("liveness", {}).get("passed"))
    if passed:
        User.objects.filter(pk=user.pk).update(
            assurance_level=AssuranceLevel.FACE_VERIFIED, face_verified_at=timezone.now()
        )
        user.refresh_from_db(fields=["assurance_level", "face_verified_at"])
    return passed


# -- delegation -------------------------------------------------------------------------------------


@transaction.atomic
def grant_delegation(*, grantor: User, grantee_nik: str, purpose: str, valid_until: date) -> Delegation:
    """Offer another citizen (by NIK) to act for the grantor until ``valid_until`` (≤ 1 year), once they accept.

    The same whether or not the NIK has an account: the grantor learns nothing about it (no
    name, no "unknown NIK"). When it has one, its holder is told and accepts or declines in
    their account (``accept_delegation``, ``decline_delegation``).
    """
    today = timezone.localdate()
    if not today < valid_until <= today + timedelta(days=366):
        raise DomainError(_("Masa berlaku kuasa paling lama satu tahun dan harus di masa depan."))
    if grantee_nik == grantor.nik:
        raise DomainError(_("Kuasa diberikan kepada warga lain, bukan kepada diri sendiri."))
    delegation = Delegation.objects.create(
        grantor=grantor, grantee_nik=grantee_nik, purpose=purpose, valid_until=valid_until
    )
    holder = User.objects.filter(nik=grantee_nik, is_active=True).first()
    if holder is not None:
        notify(
            user=holder,
            kind="delegation_offered",
            key=f"delegation-offered:{delegation.pk}",
            context={
                "grantor": grantor.get_full_name() or grantor.username,
                "purpose": purpose,
                "url": f"{settings.SITE_URL}/akun/kuasa/",
            },
        )
    return delegation


@transaction.atomic
def accept_delegation(*, grantee: User, delegation_id) -> Delegation:
    """The holder of the NIK a delegation was offered to accepts it: from now on they may act for the grantor."""
    delegation = _offered_to(grantee, delegation_id)
    delegation.grantee, delegation.accepted_at = grantee, timezone.now()
    delegation.save(update_fields=["grantee", "accepted_at", "updated_at"])
    return delegation


@transaction.atomic
def decline_delegation(*, grantee: User, delegation_id) -> Delegation:
    """The holder of the NIK a delegation was offered to declines it; the grantor sees it declined."""
    delegation = _offered_to(grantee, delegation_id)
    delegation.declined_at = timezone.now()
    delegation.save(update_fields=["declined_at", "updated_at"])
    return delegation


def _offered_to(user: User, delegation_id) -> Delegation:
    """The delegation, locked, still waiting for ``user``'s answer; Delegation.DoesNotExist otherwise."""
    if not user.nik:
        raise Delegation.DoesNotExist
    return Delegation.objects.select_for_update().get(
        pk=delegation_id,
        grantee_nik=user.nik,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        revoked_at__isnull=True,
        valid_until__gte=timezone.localdate(),
    )


def revoke_delegation(*, grantor: User, delegation_id) -> Delegation:
    """Revoke a grant; only its grantor may. Raises Delegation.DoesNotExist otherwise."""
    delegation = Delegation.objects.get(pk=delegation_id, grantor=grantor)
    if delegation.revoked_at is None:
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at", "updated_at"])
    return delegation


def account_for_walk_in(*, nik: str, phone: str = "") -> User:
    """The account of a citizen served at an MPP counter: theirs, or one opened for them.

    An opened account has no password and cannot be signed in to; the NIK was confirmed by the
    registry and the KTP-el shown in person (level 2). The citizen takes it over by setting a
    password through a reset to an e-mail address they confirm, or at the counter; it is never
    handed to whoever registers online with the same NIK.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().filter(nik=nik).first()
        if user is not None:
            if phone and not user.phone:
                user.phone = phone
                user.save(update_fields=["phone"])
            return user
        now = timezone.now()
        user = User(
            username=nik, nik=nik, phone=phone, assurance_level=AssuranceLevel.NIK_VERIFIED, nik_verified_at=now
        )
        user.set_unusable_password()
        user.save()
        return user


class InvitationRefused(DomainError):
    """The address cannot receive a staff account (it is a citizen's)."""


def invite_staff(*, email: str, name: str, role: str, region, username_hint: str, now=None) -> User:
    """Give the holder of ``email`` a staff account with ``role`` in ``region`` and e-mail them a one-time
    link to set its password (``identity:activate``; it expires after ``PASSWORD_RESET_TIMEOUT``, and
    stops working once used). An existing staff account with that address is given the role and
    re-activated; a new one is named after ``username_hint`` (``pengelola.kutaikartanegara``).

    Raises ``InvitationRefused`` for a citizen's address. Call inside the change's transaction: the
    e-mail leaves through the outbox when it commits.
    """
    user = with_email_lower(User.objects).filter(email_is(email)).select_for_update().first()
    if user is not None and user.is_citizen:
        raise InvitationRefused(_("Alamat surel ini dipakai akun warga. Gunakan alamat surel dinas."))
    if user is None:
        user = User(username=_free_username(username_hint), email=email.strip(), first_name=name[:150])
        user.set_unusable_password()
    user.is_staff = user.is_active = True
    user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, region=region)
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    link = reverse("identity:activate", kwargs={"uidb64": uid, "token": token})
    notifications.email(
        to=user.email,
        kind="staff_invitation",
        key=f"invite:{user.pk}:{role}:{region.pk}:{user.password[-12:]}",
        context={
            "role": str(Role(role).label),
            "region": region.name,
            "username": user.username,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            "url": f"{settings.SITE_URL}{link}",
        },
        now=now,
    )
    return user


def _free_username(hint: str) -> str:
    base = "".join(ch for ch in hint.lower() if ch.isalnum() or ch in "._-")[:140] or "staf"
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    candidate, suffix = base, 2
    while candidate in taken:
        candidate, suffix = f"{base}{suffix}", suffix + 1
    return candidate


def activate_staff(*, user: User, password: str, now=None) -> User:
    """Set an invited staff member's first password; the invitation's address is thereby confirmed."""
    user.set_password(password)
    user.email_verified_at = user.email_verified_at or now or timezone.now()
    user.save(update_fields=["password", "email_verified_at"])
    return user
