"""Writes of the survey: inviting a served transaction, issuing its kiosk code, answering, and the follow-up plan.

A transaction is answered once: ``answer_invitation`` locks the invitation and the database refuses a
second answer for it (``Answer.invitation`` is unique), so two answers sent at once give one answer
and one ``AlreadyAnswered``. Open answers (the public survey) are kept apart from the index.
"""

import contextlib
import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.applications.models import DONE_STATUSES, Application, Channel
from mpp.catalog.models import Service
from mpp.core import clock
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.core.tenancy import region_scope
from mpp.queueing.models import Ticket, TicketStatus
from mpp.regions.models import Level, Region

from .models import (
    CODE_LENGTH,
    ActionStatus,
    Answer,
    FollowUpAction,
    Invitation,
    Kind,
    Source,
    new_code,
    normalise_code,
)
from .periods import Period, month_of
from .questionnaire import FIELDS

#: How long after being served a transaction may be rated (then its month's index settles).
ANSWER_DAYS = 30
#: How long a kiosk code works after the counter officer shows it.
CODE_DAYS = 7
#: What ``answer_*`` take besides the elements: the optional profile and suggestion.
PROFILE_FIELDS = ("gender", "age_band", "education", "occupation", "suggestion")


class AlreadyAnswered(Conflict):
    def __init__(self):
        super().__init__(_("Survei untuk layanan ini sudah diisi. Terima kasih atas penilaian Anda."))


class Expired(Conflict):
    def __init__(self):
        super().__init__(_("Masa pengisian survei untuk layanan ini sudah berakhir."))


class CodeRefused(DomainError):
    """A kiosk code that opens nothing: unknown, expired, or another MPP's (the message says which)."""


def served_at(application: Application) -> dt.datetime | None:
    """When an application was served, which is when its survey opens: a counter visit when the officer
    entered it, anything else when it was decided (approved or rejected); None before that."""
    if application.channel == Channel.COUNTER and application.submitted_at is not None:
        return application.submitted_at
    if application.status in DONE_STATUSES and application.decided_at is not None:
        return application.decided_at
    return None


def _invitation_of(application: Application, moment: dt.datetime, zone: str) -> Invitation:
    served_on = clock.in_zone(moment, zone).date()
    return Invitation(
        kind=Kind.APPLICATION,
        reference=str(application.pk),
        region_id=application.region_id,
        agency_id=application.agency_id,
        service_id=application.service_id,
        channel=application.channel,
        served_at=moment,
        served_on=served_on,
        month=month_of(served_on),
        expires_at=moment + dt.timedelta(days=ANSWER_DAYS),
    )


def invite_application(*, application: Application) -> Invitation | None:
    """The application's invitation, made now if it has none (idempotent: the worker and the pages may
    both get there first); None while the application is not served yet (``served_at``)."""
    found = Invitation.objects.filter(kind=Kind.APPLICATION, reference=str(application.pk)).first()
    if found is not None:
        return found
    moment = served_at(application)
    if moment is None:
        return None
    invitation = _invitation_of(application, moment, application.region.time_zone)
    try:
        with transaction.atomic():
            invitation.save(force_insert=True)
    except IntegrityError:  # made meanwhile by the worker or another request
        return Invitation.objects.get(kind=Kind.APPLICATION, reference=str(application.pk))
    return invitation


def invite_applications(application_ids: Iterable) -> int:
    """Invitations for those of these applications that are served and have none yet (the worker's way,
    in one insert); returns how many of them are served."""
    ids = list(application_ids)
    if not ids:
        return 0
    rows = Application.objects.filter(pk__in=ids, submitted_at__isnull=False).select_related("region")
    invitations = []
    for application in rows.only(
        "pk", "region_id", "region__time_zone", "agency_id", "service_id", "channel", "status", "submitted_at",
        "decided_at",
    ):  # fmt: skip
        moment = served_at(application)
        if moment is not None:
            invitations.append(_invitation_of(application, moment, application.region.time_zone))
    Invitation.objects.bulk_create(invitations, ignore_conflicts=True)
    return len(invitations)


@transaction.atomic
def issue_code(*, application: Application, now=None) -> Invitation:
    """The kiosk code of a counter visit (``application`` entered at the counter, already scoped to the
    officer by the caller): the one it has while that still works, else a new one, valid CODE_DAYS.

    Raises DomainError for an application not served at the counter; AlreadyAnswered, Expired.
    """
    if application.channel != Channel.COUNTER:
        raise DomainError(_("Kode survei hanya untuk layanan di loket MPP."))
    return _code_of(invite_application(application=application), now or timezone.now())


def invite_visit(*, ticket: Ticket) -> Invitation:
    """The invitation of a visit served from the MPP's line (a finished queue ticket with its service), made
    now if it has none. Raises DomainError for a ticket not served or without a service."""
    found = Invitation.objects.filter(kind=Kind.VISIT, reference=str(ticket.pk)).first()
    if found is not None:
        return found
    if ticket.status != TicketStatus.DONE or ticket.finished_at is None:
        raise DomainError(_("Kode survei dibuat setelah warga selesai dilayani."))
    if ticket.service_id is None:
        raise DomainError(_("Tiket ini tanpa layanan: buat kode dari permohonan warga, atau survei umum MPP."))
    served_on = ticket.day
    invitation = Invitation(
        kind=Kind.VISIT,
        reference=str(ticket.pk),
        region_id=ticket.mpp.region_id,
        agency_id=ticket.agency_id,
        service_id=ticket.service_id,
        channel=Channel.COUNTER,
        served_at=ticket.finished_at,
        served_on=served_on,
        month=month_of(served_on),
        expires_at=ticket.finished_at + dt.timedelta(days=ANSWER_DAYS),
    )
    try:
        with transaction.atomic():
            invitation.save(force_insert=True)
    except IntegrityError:  # made meanwhile by another request
        return Invitation.objects.get(kind=Kind.VISIT, reference=str(ticket.pk))
    return invitation


@transaction.atomic
def issue_visit_code(*, ticket: Ticket, now=None) -> Invitation:
    """The kiosk code of a visit served from the MPP's line (``ticket`` already scoped to the officer by the
    caller), as ``issue_code``. Raises what ``invite_visit`` raises, AlreadyAnswered, Expired."""
    return _code_of(invite_visit(ticket=ticket), now or timezone.now())


def _code_of(invitation: Invitation, now) -> Invitation:
    """The invitation, locked, with a working code: the one it has, else a new one valid CODE_DAYS."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if Answer.objects.filter(invitation=invitation).exists():
        raise AlreadyAnswered
    if invitation.expires_at <= now:
        raise Expired
    if invitation.code and invitation.code_expires_at and invitation.code_expires_at > now:
        return invitation
    invitation.code_expires_at = min(now + dt.timedelta(days=CODE_DAYS), invitation.expires_at)
    for _attempt in range(5):
        invitation.code = new_code()
        try:
            with transaction.atomic():
                invitation.save(update_fields=["code", "code_expires_at", "updated_at"])
        except IntegrityError:  # another invitation has this code (1 in a billion per live code): draw again
            continue
        return invitation
    raise DomainError(_("Kode survei belum dapat dibuat. Coba lagi."))


def invitation_for_code(typed: str, *, region_code: str = "", now=None) -> Invitation:
    """The invitation a kiosk code opens, with its service, ready to be answered (the kiosk's first step).
    Raises CodeRefused (unknown, expired, or another MPP's when the kiosk belongs to ``region_code``),
    AlreadyAnswered."""
    queryset = Invitation.objects.select_related("service__template", "agency", "region")
    invitation = _by_code(queryset, typed, region_code, now or timezone.now())
    if Answer.objects.filter(invitation=invitation).exists():
        raise AlreadyAnswered
    return invitation


def _by_code(queryset, typed: str, region_code: str, now) -> Invitation:
    code = normalise_code(typed)
    # Codes are unique: no ordering to compile or sort by (``first()`` and the model's own would add one).
    invitation = next(iter(queryset.filter(code=code).order_by()[:1]), None) if len(code) == CODE_LENGTH else None
    if invitation is None:
        raise CodeRefused(_("Kode survei tidak dikenal. Periksa lagi kode dari petugas loket."))
    if region_code and invitation.region_id != region_code:
        raise CodeRefused(_("Kode ini untuk layanan di MPP daerah lain. Isi survei di kios MPP tempat Anda dilayani."))
    if invitation.code_expires_at is None or invitation.code_expires_at <= now or invitation.expires_at <= now:
        raise CodeRefused(_("Kode survei ini sudah tidak berlaku. Mintalah kode baru kepada petugas loket."))
    return invitation


@transaction.atomic
def answer_invitation(*, invitation_id, values: dict, source: str, now=None) -> Answer:
    """Record the answer of an invitation; raises AlreadyAnswered (also when another answer won a race),
    Expired, NotFound."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound(_("Survei tidak ditemukan."))
    if invitation.expires_at <= now:
        raise Expired
    return _answer(invitation, values, source)


def answer_code(*, code: str, values: dict, region_code: str = "", now=None) -> Answer:
    """A kiosk answer: the invitation read by its code, then its one answer. Two statements and no transaction
    of its own (this is the survey's busiest write): the invitation is only read, so there is nothing to lock,
    and of two answers to one code the database keeps one (``Answer.invitation`` is unique) and the other is
    AlreadyAnswered. Raises what ``invitation_for_code`` raises."""
    invitation = _by_code(Invitation.objects.all(), code, region_code, now or timezone.now())
    return _answer(invitation, values, Source.KIOSK)


def _answer(invitation: Invitation, values: dict, source: str) -> Answer:
    """Insert the invitation's answer; the database refuses a second one (``Answer.invitation`` is unique):
    AlreadyAnswered. Inside a caller's transaction the insert is a savepoint of its own, so a refusal
    leaves the caller's transaction usable; outside one it is a single statement, atomic by itself."""
    answer = Answer(
        invitation=invitation,
        is_linked=True,
        source=source,
        region_id=invitation.region_id,
        agency_id=invitation.agency_id,
        service_id=invitation.service_id,
        channel=invitation.channel,
        served_on=invitation.served_on,
        month=invitation.month,
        **_answered(values),
    )
    try:
        with transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext():
            answer.save(force_insert=True)
    except IntegrityError:  # answered before, or by a request that won the race
        raise AlreadyAnswered from None
    return answer


def answer_application(*, application: Application, values: dict, now=None) -> Answer:
    """The applicant rates their application on its page (the caller found it among the applicant's own).
    Raises DomainError while it is not served yet, and what ``answer_invitation`` raises."""
    invitation = invite_application(application=application)
    if invitation is None:
        raise DomainError(_("Survei dapat diisi setelah permohonan Anda selesai diputus."))
    return answer_invitation(invitation_id=invitation.pk, values=values, source=Source.WEB, now=now)


def answer_open(*, region: Region, values: dict, service: Service | None = None, now=None) -> Answer:
    """An answer of the open public survey: anyone, about a region's MPP (a service optional). Counted
    apart from the index, which only tied answers make."""
    now = now or timezone.now()
    if region.level != Level.REGENCY or (service is not None and service.region_id != region.code):
        raise NotFound(_("Layanan tidak ditemukan."))
    served_on = clock.in_zone(now, region.time_zone).date()
    return Answer.objects.create(
        is_linked=False,
        source=Source.PUBLIC,
        region=region,
        agency_id=service.agency_id if service else None,
        service=service,
        served_on=served_on,
        month=month_of(served_on),
        **_answered(values),
    )


def _answered(values: dict) -> dict:
    """The answer's columns from validated form values (``forms.SurveyForm``)."""
    answered = {field: int(values[field]) for field in FIELDS}
    if any(value not in (1, 2, 3, 4) for value in answered.values()):
        raise DomainError(_("Setiap pertanyaan dijawab dengan salah satu dari empat pilihan."))
    return answered | {name: values.get(name) or "" for name in PROFILE_FIELDS}


# --- the follow-up plan ------------------------------------------------------------------------


def add_action(
    *, manager, region_code: str, period: Period, element: str, action: str, unit: str, target_date: dt.date
) -> FollowUpAction:
    """A manager adds an action to their region's follow-up plan for ``period``; NotFound outside their regions."""
    if not region_scope(manager).allows(region_code) or region_scope(manager).is_national:
        raise NotFound(_("Daerah tidak ditemukan."))
    return FollowUpAction.objects.create(
        region_id=region_code,
        period=period.code,
        period_start=period.start,
        period_end=period.end,
        element=element,
        action=action.strip(),
        unit=unit.strip(),
        target_date=target_date,
        recorded_by=manager,
    )


@transaction.atomic
def set_action_status(*, manager, action_id, status: str) -> FollowUpAction:
    """Move an action of the manager's region to ``status``; NotFound for another region's."""
    found = _action_for_update(manager, action_id)
    if status not in ActionStatus.values:
        raise DomainError(_("Pilih status yang tersedia."))
    found.status = status
    found.save(update_fields=["status", "updated_at"])
    return found


@transaction.atomic
def remove_action(*, manager, action_id) -> None:
    """Remove an action of the manager's region from the plan (one recorded by mistake)."""
    _action_for_update(manager, action_id).delete()


def _action_for_update(manager, action_id) -> FollowUpAction:
    scope = region_scope(manager)
    try:
        found = FollowUpAction.objects.select_for_update().filter(pk=action_id).first()
    except (ValueError, TypeError):
        found = None
    if found is None or scope.is_national or not scope.allows(found.region_id):
        raise NotFound(_("Tindak lanjut tidak ditemukan."))
    return found
