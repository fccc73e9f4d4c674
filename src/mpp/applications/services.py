"""Writes on applications: submitting, the officers' actions, the citizen's revision, escalation.

Every function here is one transaction and appends the timeline event(s) of what it did.
Submission is idempotent per applicant and key: a double click, a retried request or a
resubmitted form finds the application the first attempt created. Officers act on the
version of the application they saw: of two officers acting on one step at once, one
succeeds and the other gets a ``Conflict``.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpp.catalog.models import Service, ServiceLevel
from mpp.catalog.templatetags.catalog import rupiah
from mpp.core import clock
from mpp.core.db.rows import one_or_none
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.documents import services as documents
from mpp.files.models import Upload
from mpp.forms.validation import clean
from mpp.identity.models import Role, User
from mpp.identity.selectors import Basis, agency_roles, can_act_for
from mpp.notifications.services import notify
from mpp.payments.models import Bill, BillState
from mpp.regions.models import Region
from mpp.registry.services import RegistryUnavailable
from mpp.villages.models import NeighbourhoodHead
from mpp.villages.services import village_agency

from . import billing, calendar, checks, forwarding, introductions, registration
from .access import officer_label, record_on_behalf
from .duplicates import duplicate_key
from .links import survey_invitation
from .models import (
    PENDING_STATUSES,
    Application,
    Channel,
    Event,
    Introduction,
    IntroductionAnswer,
    Status,
    new_tracking_number,
)
from .prefilled import known_values
from .selectors import document_ids, open_application_using
from .workflows import APPROVED, REJECTED, REVISION, workflow_named

logger = logging.getLogger(__name__)


class LikelyDuplicate(DomainError):
    """The applicant already has a pending application for the same thing (``numbers``); submit again with
    ``allow_duplicate`` to file it anyway."""

    status_code = 409

    def __init__(self, numbers: list[str]):
        super().__init__(
            _(
                "Anda sudah mengajukan permohonan yang sama: %(numbers)s. Periksa dulu di Permohonan saya; "
                "bila memang perlu diajukan lagi, centang konfirmasi lalu kirim."
            )
            % {"numbers": ", ".join(numbers)}
        )
        self.numbers = numbers


class FormInvalid(DomainError):
    """The form has errors; ``errors`` maps each field to its message in the user's language."""

    status_code = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Periksa kembali isian yang ditandai."))
        self.errors = errors


@dataclass(frozen=True)
class Submitted:
    application: Application
    #: False when this call found the application an earlier attempt with the same key created.
    created: bool


def submit(
    *,
    applicant: User,
    service: Service,
    data: dict,
    submit_key: str,
    beneficiary_nik: str = "",
    channel: str = Channel.ONLINE,
    entered_by: User | None = None,
    visit=None,
    allow_duplicate: bool = False,
    now=None,
) -> Submitted:
    """Submit an application for ``service``; returns it with its tracking number and deadline.

    ``service`` comes with its template, region and current version (with its form) loaded, as
    ``catalog.selectors.service_detail`` gives it: a submission reads nothing twice.

    Raises DomainError when the account's level of assurance is too low, the service is not
    open, or the applicant may not act for the beneficiary; FormInvalid with field errors;
    LikelyDuplicate when the applicant has a pending application for the same thing, unless ``allow_duplicate``.
    """
    if not submit_key or len(submit_key) > 80:
        raise DomainError(_("Kunci pengajuan tidak sah."))
    existing, drafts = _earlier(applicant, submit_key, service=service, beneficiary_nik=beneficiary_nik)
    if existing is not None:
        return Submitted(existing, created=False)
    now = now or timezone.now()
    version = service.current_version
    form = version.template_version.parsed_form if version else None
    if not service.is_active or form is None:
        raise DomainError(_("Layanan ini tidak menerima permohonan daring."))
    if not applicant.has_assurance(service.template.assurance_level):
        raise DomainError(_("Tingkat verifikasi akun Anda belum cukup untuk layanan ini."))
    basis = Basis.SELF if not beneficiary_nik else can_act_for(applicant, beneficiary_nik)
    if basis is None:
        raise DomainError(_("Anda tidak berhak mengajukan permohonan atas nama orang ini."))
    agency = _village_of(applicant, service) if service.template.level == ServiceLevel.VILLAGE else service.agency

    # What the state holds is taken, never what the request says instead: the registry's values and the valid
    # documents it issued, from the applicant's vault (a village's introduction letter: once only, across levels).
    known = known_values(form, applicant=applicant, beneficiary_nik=beneficiary_nik, now=now)
    cleaned = clean(form, data, locked={name: found.value for name, found in known.items() if found.locked})
    errors = cleaned.errors | _foreign_documents(form, cleaned.values, applicant)
    if not errors:
        errors, found = checks.before_submit(service.template.slug, applicant=applicant, values=cleaned.values)
        known = known | found
    if errors:
        raise FormInvalid(errors)
    key = duplicate_key(service.template.slug, cleaned.values, person_nik=beneficiary_nik or applicant.nik)
    if not allow_duplicate:
        same = Application.objects.filter(
            applicant=applicant, duplicate_key=key, service__template=service.template, status__in=PENDING_STATUSES
        ).values_list("tracking_number", flat=True)
        if same:
            # A retry of a submission that committed meanwhile (a double click) is that submission, not a duplicate.
            existing = _submitted_with(applicant, submit_key)
            if existing is not None:
                return Submitted(existing, created=False)
            raise LikelyDuplicate(sorted(same))

    workflow = workflow_named(service.template.workflow)
    first = workflow.first
    zone = service.region.time_zone
    due_at = calendar.deadline(now, version.parsed.duration_days, zone)
    application = Application(
        service=service,
        service_version=version,
        region=service.region,
        agency=agency,
        applicant=applicant,
        beneficiary_nik=beneficiary_nik,
        beneficiary_name=_beneficiary_name(cleaned.values),
        basis=basis,
        channel=channel,
        entered_by=entered_by,
        visit=visit if entered_by is not None else None,
        consent_recorded_at=now if entered_by else None,
        data=cleaned.values,
        provenance=_provenance(known, cleaned.values),
        status=Status.IN_PROGRESS,
        step=first.code,
        step_role=first.role,
        submitted_at=now,
        due_at=due_at,
        step_due_at=_step_due(first, now, due_at, zone),
        submit_key=submit_key,
        duplicate_key=key,
        version=1,
    )
    year_month = clock.in_zone(now, zone).strftime("%y%m")  # the month where it was submitted
    introduced_first = service.template.introduction  # the RT/RW head first, then the fee, then the village
    pays_first = not introduced_first and billing.needs_payment(application, "before")
    if introduced_first:
        application.status, application.paused_at = Status.WAITING_INTRODUCTION, now
    elif pays_first:
        application.status, application.paused_at = Status.WAITING_PAYMENT, now
    try:
        with transaction.atomic():
            application.tracking_number = new_tracking_number(service.region_id, year_month)
            application.save(force_insert=True)
            event = _event(
                application,
                at=now,
                actor=entered_by or applicant,
                label=_actor_label(applicant, entered_by),
                action="submit",
                to_status=application.status,
                to_step=first.code,
            )
            if introduced_first:
                introductions.ask_first(application, now=now)
            elif not pays_first:
                forwarding.forward_if_configured(application=application, at=now)  # when the service forwards
            notice = "submitted_introduction" if introduced_first else "submitted"
            _tell_applicant(application, "assisted" if entered_by else notice, event)
            if pays_first:
                _tell_payment_due(application, billing.raise_for(application, now=now), event)
            if basis != Basis.SELF:
                _record_on_behalf(application, applicant)
            _attach_uploads(application)
            if drafts:  # what the citizen saved on the way is replaced by the application
                Application.objects.filter(pk__in=drafts, status=Status.DRAFT).delete()
    except IntegrityError:
        # The same key committed by a concurrent attempt (a double click): that one is the application.
        existing = _submitted_with(applicant, submit_key)
        if existing is None:
            raise
        return Submitted(existing, created=False)
    return Submitted(application, created=True)


def _submitted_with(applicant: User, submit_key: str) -> Application | None:
    """The application an earlier attempt with this key submitted (one per applicant and key), or None."""
    return one_or_none(Application.objects.filter(applicant=applicant, submit_key=submit_key))


def _earlier(applicant: User, submit_key: str, *, service, beneficiary_nik: str) -> tuple[Application | None, list]:
    """In one read: what an earlier attempt with this key submitted (or None), and the ids of the drafts of this
    service and beneficiary that a submission replaces."""
    existing, drafts = None, []
    for application in Application.objects.filter(applicant=applicant).filter(
        Q(submit_key=submit_key) | Q(service=service, beneficiary_nik=beneficiary_nik, status=Status.DRAFT)
    ):
        if application.submit_key == submit_key:
            existing = application
        else:
            drafts.append(application.pk)
    return existing, drafts


@transaction.atomic
def act(*, application_id, officer: User, action: str, expected_version: int, note: str = "", fields=(), now=None):
    """An officer's action at the application's current step (accept, revise, reject, approve, return).

    Raises NotFound outside the officer's agency and role, Conflict when the application
    changed since the officer saw it (``expected_version``), DomainError for an action the
    step does not offer or a missing reason.
    """
    now = now or timezone.now()
    application = _for_update_by(officer, application_id)
    if application.version != expected_version:
        raise Conflict(_("Permohonan ini baru saja diubah petugas lain. Muat ulang untuk melihat keadaannya."))
    if application.status != Status.IN_PROGRESS:
        raise Conflict(_("Permohonan ini tidak sedang menunggu tindakan petugas."))
    if (application.agency_id, application.step_role) not in agency_roles(officer):
        raise DomainError(_("Tahap ini bukan tugas peran Anda."))
    if application.assignee_id not in (None, officer.pk):
        raise Conflict(_("Permohonan ini sedang ditangani petugas lain."))
    workflow = workflow_named(application.service.template.workflow)
    step = workflow.step(application.step)
    chosen = step.action(action) if step else None
    if chosen is None:
        raise DomainError(_("Tindakan ini tidak tersedia pada tahap ini."))
    note = note.strip()
    if chosen.needs_note and not note:
        raise DomainError(_("Tuliskan alasannya untuk pemohon."))
    # Only a revision names fields (what the citizen must fix); any other action ignores them.
    fields = list(dict.fromkeys(fields)) if chosen.goes_to == REVISION else []
    form = application.service_version.template_version.parsed_form
    if chosen.goes_to == REVISION:
        unknown = [name for name in fields if form is None or form.field(name) is None or form.field(name).locked]
        if not fields or unknown:
            raise DomainError(_("Pilih isian atau dokumen yang harus diperbaiki pemohon."))

    before_status, before_step = application.status, application.step
    zone = application.region.time_zone
    label = officer_label(application, officer)
    if chosen.goes_to == APPROVED and registration.needs_registry(application):
        try:  # the registry first: a birth's NIK goes onto the document
            registration.write_back(application, actor_label=label, officer=officer)
        except RegistryUnavailable:
            chosen_status = Status.WAITING_REGISTRY
        else:
            chosen_status = APPROVED
    else:
        chosen_status = chosen.goes_to
    pays_after = chosen_status == APPROVED and billing.needs_payment(application, "after")
    if chosen.goes_to == REVISION:
        application.status, application.paused_at, application.revision_fields = Status.REVISION, now, fields
    elif pays_after:  # approved: the result is released once the fee is paid, and the clock stands still
        application.status, application.paused_at = Status.WAITING_PAYMENT, now
        application.step, application.step_role, application.step_due_at = "", "", None
    elif chosen_status == Status.WAITING_REGISTRY:
        application.status = Status.WAITING_REGISTRY  # decided once the registry has recorded it
        application.step, application.step_role, application.step_due_at = "", "", None
    elif chosen.goes_to in (APPROVED, REJECTED):
        application.status, application.decided_at = chosen.goes_to, now
        application.step, application.step_role, application.step_due_at = "", "", None
    else:
        following = workflow.step(chosen.goes_to)
        application.step, application.step_role = following.code, following.role
        application.step_due_at = _step_due(following, now, application.due_at, zone)
    application.assignee = None
    application.version += 1
    application.save()
    event = _event(
        application,
        at=now,
        actor=officer,
        label=label,
        action=action,
        from_status=before_status,
        to_status=application.status,
        from_step=before_step,
        to_step=application.step,
        note=note,
        fields=fields,
    )
    if application.status == Status.APPROVED:
        finish_approval(application, approval=event, now=now)
    elif pays_after:
        _tell_payment_due(application, billing.raise_for(application, now=now), event)
    elif application.status in (Status.REVISION, Status.REJECTED):
        _tell_applicant(application, application.status, event, note=note)
    return application


def finish_approval(application: Application, *, approval: Event, now) -> None:
    """The automatic step after an approval: the result is signed and issued (with what the event changes
    beside it: a birth's new family card), and the applicant told."""
    documents.issue(application, official=approval.actor, official_label=approval.actor_label, now=now)
    _issue_follow_up(application, approval=approval, now=now)
    _tell_applicant(application, Status.APPROVED, approval)


def _issue_follow_up(application: Application, *, approval: Event, now) -> Application | None:
    """Issue the document an approved event changes beside its own (``registration.follow_up``) as an
    application of its own, decided with it by the same official: the citizen finds it under *Permohonan
    saya* and its document in the vault. None when the region does not offer that service online."""
    wanted = registration.follow_up(application)
    if wanted is None:
        return None
    slug, data = wanted
    service = (
        Service.objects.select_related("template", "region", "agency", "current_version__template_version")
        .filter(region_id=application.region_id, template__slug=slug, is_active=True)
        .first()
    )
    if service is None or service.current_version is None:
        return None
    zone = application.region.time_zone
    follow = Application(
        service=service,
        service_version=service.current_version,
        region=service.region,
        agency=service.agency,
        applicant=application.applicant,
        basis=application.basis,
        channel=application.channel,
        data=data,
        status=Status.APPROVED,
        submitted_at=now,
        due_at=now,
        decided_at=now,
        submit_key=f"follow-up-{application.pk}",
        version=1,
    )
    follow.tracking_number = new_tracking_number(service.region_id, clock.in_zone(now, zone).strftime("%y%m"))
    follow.save(force_insert=True)
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Diterbitkan bersama permohonan %(number)s.") % {"number": application.tracking_number}
    _event(
        follow,
        at=now,
        actor=approval.actor,
        label=approval.actor_label,
        action="approve",
        from_status=Status.IN_PROGRESS,
        to_status=Status.APPROVED,
        note=note,
    )
    documents.issue(follow, official=approval.actor, official_label=approval.actor_label, now=now)
    return follow


def on_bill_paid(sender, bill, **kwargs) -> None:
    """``payments.services.bill_paid``: an application's bill was paid; the worker moves the application on."""
    if bill.application_id is not None:
        from .tasks import move_paid_application

        move_paid_application.enqueue(str(bill.application_id))


def move_paid(*, application_id=None) -> int:
    """Move on the applications waiting for a payment whose bill is paid (one, or every such one): how many."""
    paid = Bill.objects.filter(state=BillState.PAID, application__status=Status.WAITING_PAYMENT)
    if application_id is not None:
        paid = paid.filter(application_id=application_id)
    moved = 0
    for bill in paid.select_related("payment")[:100]:
        moved += after_payment(application_id=bill.application_id, bill=bill) is not None
    return moved


@transaction.atomic
def after_payment(*, application_id, bill) -> Application | None:
    """The paid application moves on: into the agency's worklist, its deadline later by the working days it
    waited; or, approved before, to its signed result. None when it no longer waits for a payment."""
    application = _for_update(application_id)
    if application is None or application.status != Status.WAITING_PAYMENT:
        return None
    paid_at = bill.payment.paid_at
    zone = application.region.time_zone
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Sistem MPP Digital")
        note = _("Tagihan %(bill)s dibayar (Rp%(amount)s).") % {"bill": bill.number, "amount": rupiah(bill.amount)}
    application.due_at = calendar.extend(application.due_at, application.paused_at, paid_at, zone)
    application.paused_at = None
    application.version += 1
    if application.step:  # paid before processing
        step = workflow_named(application.service.template.workflow).step(application.step)
        application.status, application.step_due_at = (
            Status.IN_PROGRESS,
            _step_due(step, paid_at, application.due_at, zone),
        )
    else:  # approved before, released now
        application.status, application.decided_at = Status.APPROVED, paid_at
    application.save()
    event = _event(
        application,
        at=paid_at,
        actor=None,
        label=label,
        action="pay",
        from_status=Status.WAITING_PAYMENT,
        to_status=application.status,
        to_step=application.step,
        note=note,
    )
    if application.status == Status.APPROVED:
        approval = Event.objects.filter(application=application, action="approve").latest("at")
        finish_approval(application, approval=approval, now=paid_at)
    else:
        forwarding.forward_if_configured(application=application, at=paid_at)
        _tell_applicant(application, "paid", event, amount=f"Rp{rupiah(bill.amount)}")
    return application


def _village_of(applicant: User, service: Service):
    """The government of the village where the applicant is registered, which issues their village letters.

    Raises DomainError when the registry places them outside the service's kabupaten/kota (their own region's
    village serves them) or does not know their village.
    """
    code, _rt, _rw = introductions.registry_neighbourhood(applicant)
    village = Region.objects.filter(code=code).first() if code else None
    if village is None:
        raise DomainError(_("Alamat Anda di database kependudukan belum memuat desa/kelurahan. Hubungi Disdukcapil."))
    if not code.startswith(f"{service.region_id}."):
        raise DomainError(
            _(
                "Surat ini diterbitkan oleh desa/kelurahan tempat Anda terdaftar, %(village)s, yang tidak berada di "
                "%(region)s. Ajukan melalui halaman desa/kelurahan Anda."
            )
            % {"village": village.name.title(), "region": service.region.name.title()}
        )
    return village_agency(village, region_agency=service.agency)


@transaction.atomic
def answer_introduction(*, token: str, confirm: bool, reason: str = "", now=None) -> Introduction:
    """The RT/RW head's one tap on their link: confirm (the letter goes to the village's staff, its clock starts)
    or decline, with a reason if they give one (the applicant is told, and may ask another head). Raises
    ``introductions.LinkInvalid``."""
    now = now or timezone.now()
    introduction = introductions.check_open(introductions.by_token(token, for_update=True), now=now)
    application = _for_update(introduction.application_id)
    introduction = introductions.check_open(introduction, now=now)  # the status, read again under the lock
    introduction.answer = IntroductionAnswer.CONFIRMED if confirm else IntroductionAnswer.DECLINED
    introduction.answered_at = now
    introduction.save(update_fields=["answer", "answered_at"])
    zone = application.region.time_zone
    with translation.override(settings.LANGUAGE_CODE):
        label = f"{introduction.head_title} · {introduction.head_name}"
        words = _("Pengantar diberikan oleh") if confirm else _("Pengantar ditolak oleh")
        phone = introduction.head.masked_phone
        note = f"{words} {introduction.head_title} ({introduction.head_name}, {phone}), {clock.local_time(now, zone)}."
        if reason.strip() and not confirm:
            note = f"{note} {_('Alasan')}: {reason.strip()[:300]}"
    if not confirm:
        event = _event(
            application,
            at=now,
            actor=None,
            label=label,
            action="introduction_declined",
            from_status=application.status,
            to_status=application.status,
            note=note,
        )
        _tell_applicant(application, "introduction_declined", event, note=note)
        return introduction
    application.due_at = calendar.extend(application.due_at, application.paused_at, now, zone)
    application.version += 1
    if billing.needs_payment(application, "before"):
        application.status, application.paused_at = Status.WAITING_PAYMENT, now
    else:
        step = workflow_named(application.service.template.workflow).step(application.step)
        application.status, application.paused_at = Status.IN_PROGRESS, None
        application.step_due_at = _step_due(step, now, application.due_at, zone)
    application.save()
    event = _event(
        application,
        at=now,
        actor=None,
        label=label,
        action="introduced",
        from_status=Status.WAITING_INTRODUCTION,
        to_status=application.status,
        to_step=application.step,
        note=note,
    )
    if application.status == Status.WAITING_PAYMENT:
        _tell_payment_due(application, billing.raise_for(application, now=now), event)
    else:
        forwarding.forward_if_configured(application=application, at=now)
        _tell_applicant(application, "introduced", event, note=note)
    return introduction


@transaction.atomic
def ask_introduction_again(*, tracking_number: str, applicant: User, head_id, now=None) -> Introduction:
    """The applicant asks again — the same head (a lost or expired link) or another from the village's directory.
    Raises NotFound unless it is their application waiting for an introduction, DomainError for a head outside
    the village or past the limit of requests."""
    now = now or timezone.now()
    found = Application.objects.filter(tracking_number=tracking_number, applicant=applicant).values_list(
        "pk", flat=True
    )
    application = _for_update(found.first()) if found else None
    if application is None or application.status != Status.WAITING_INTRODUCTION:
        raise NotFound(_("Permohonan tidak ditemukan atau tidak menunggu pengantar."))
    try:
        head = NeighbourhoodHead.objects.get(pk=int(head_id), village_id=application.agency.village_id, is_active=True)
    except (NeighbourhoodHead.DoesNotExist, TypeError, ValueError):
        raise DomainError(_("Pilih ketua RT/RW dari desa/kelurahan yang memproses surat ini.")) from None
    return introductions.ask(application, head, now=now)


@transaction.atomic
def renew_bill(*, application_id, applicant: User, now=None):
    """A new bill for an application whose bill expired unpaid. NotFound: not the applicant's; Conflict: it
    does not wait for a payment, or its bill can still be paid."""
    now = now or timezone.now()
    application = _for_update(application_id)
    if application is None or application.applicant_id != applicant.pk:
        raise NotFound(_("Permohonan tidak ditemukan."))
    if application.status != Status.WAITING_PAYMENT:
        raise Conflict(_("Permohonan ini tidak menunggu pembayaran."))
    if billing.open_bill(application) is not None:
        raise Conflict(_("Tagihan permohonan ini masih dapat dibayar."))
    bill = billing.raise_for(application, now=now)
    application.version += 1
    application.save(update_fields=["version", "updated_at"])
    return bill


def complete_waiting(*, now=None) -> int:
    """Write the events of the applications waiting for the registry, then issue their documents;
    returns how many completed. One transaction each; one another worker holds is skipped. The
    task worker's minute round runs it."""
    done = 0
    for pk in list(Application.objects.filter(status=Status.WAITING_REGISTRY).values_list("pk", flat=True)[:100]):
        try:
            done += _complete_waiting(pk, now=now or timezone.now())
        except RegistryUnavailable:
            logger.info("registry still unavailable; applications keep waiting")
            break  # the next one would get no answer either
        except DomainError:
            logger.warning("application %s could not complete after the registry answered", pk, exc_info=True)
    return done


@transaction.atomic
def _complete_waiting(pk, *, now) -> int:
    application = (
        Application.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("service__template", "applicant", "region", "agency")
        .filter(pk=pk, status=Status.WAITING_REGISTRY)
        .first()
    )
    if application is None:
        return 0
    approval = application.events.filter(to_status=Status.WAITING_REGISTRY).latest("at")
    registration.write_back(application, actor_label=approval.actor_label, officer=approval.actor)
    application.status, application.decided_at = Status.APPROVED, now
    application.version += 1
    application.save(update_fields=["status", "decided_at", "version", "beneficiary_nik"])
    with translation.override(settings.LANGUAGE_CODE):
        recorded = _event(
            application,
            at=now,
            actor=None,
            label=_("Dukcapil (database kependudukan)"),
            action="registry",
            from_status=Status.WAITING_REGISTRY,
            to_status=Status.APPROVED,
            note=_("Peristiwa kependudukan tercatat; dokumen diterbitkan."),
        )
    documents.issue(application, official=approval.actor, official_label=approval.actor_label, now=now)
    _issue_follow_up(application, approval=approval, now=now)
    _tell_applicant(application, Status.APPROVED, recorded)
    return 1


@transaction.atomic
def claim(*, application_id, officer: User, expected_version: int, now=None) -> Application:
    """Take an application from the shared worklist: other officers see who holds it and cannot act on it."""
    application = _for_update_by(officer, application_id)
    if application.version != expected_version or application.assignee_id not in (None, officer.pk):
        raise Conflict(_("Permohonan ini baru saja diambil atau diubah petugas lain."))
    if application.status != Status.IN_PROGRESS or (application.agency_id, application.step_role) not in agency_roles(
        officer
    ):
        raise DomainError(_("Tahap ini bukan tugas peran Anda."))
    if application.assignee_id == officer.pk:
        return application
    application.assignee = officer
    application.version += 1
    application.save(update_fields=["assignee", "version", "updated_at"])
    return application


@transaction.atomic
def assign(*, application_id, supervisor: User, officer_id, expected_version: int, now=None) -> Application:
    """An approving official hands the current step to one of the officers who act at it."""
    now = now or timezone.now()
    application = _for_update_by(supervisor, application_id)
    if (application.agency_id, Role.APPROVER) not in agency_roles(supervisor):
        raise DomainError(_("Hanya pejabat penyetuju instansi ini yang dapat menugaskan."))
    if application.version != expected_version:
        raise Conflict(_("Permohonan ini baru saja diubah petugas lain. Muat ulang untuk melihat keadaannya."))
    if application.status != Status.IN_PROGRESS:
        raise Conflict(_("Permohonan ini tidak sedang menunggu tindakan petugas."))
    officer = User.objects.filter(pk=officer_id, is_active=True, is_staff=True).first() if officer_id else None
    if officer is None or (application.agency_id, application.step_role) not in agency_roles(officer):
        raise DomainError(_("Pilih petugas yang bertugas pada tahap ini."))
    application.assignee = officer
    application.version += 1
    application.save(update_fields=["assignee", "version", "updated_at"])
    _event(
        application,
        at=now,
        actor=supervisor,
        label=officer_label(application, supervisor),
        action="assign",
        from_status=application.status,
        to_status=application.status,
        from_step=application.step,
        to_step=application.step,
    )
    return application


@transaction.atomic
def resubmit(*, application_id, applicant: User, data: dict, now=None) -> Application:
    """The citizen's answer to a revision: only the flagged fields change; the clock starts again, later by the
    working days it stood still."""
    now = now or timezone.now()
    application = _for_update(application_id)
    if application is None or application.applicant_id != applicant.pk:
        raise NotFound(_("Permohonan tidak ditemukan."))
    if application.status != Status.REVISION:
        raise Conflict(_("Permohonan ini tidak sedang menunggu perbaikan dari Anda."))
    form = application.service_version.template_version.parsed_form
    fixed_fields = set(application.revision_fields)
    merged = {**application.data, **{name: data.get(name) for name in fixed_fields}}
    locked = {name: application.data[name] for name in application.data if form.field(name) and form.field(name).locked}
    cleaned = clean(form, merged, locked=locked)
    errors = cleaned.errors | _foreign_documents(form, cleaned.values, applicant)
    if not errors:
        slug = application.service.template.slug
        errors, found = checks.before_submit(slug, applicant=applicant, values=cleaned.values)
        # A corrected field is the citizen's answer now (a document from the vault replaced by an upload).
        kept = {name: source for name, source in application.provenance.items() if name not in fixed_fields}
        application.provenance = kept | _provenance(found, cleaned.values)
    if errors:
        raise FormInvalid(errors)
    zone = application.region.time_zone
    application.due_at = calendar.extend(application.due_at, application.paused_at, now, zone)
    step = workflow_named(application.service.template.workflow).step(application.step)
    application.step_due_at = _step_due(step, now, application.due_at, zone)
    fixed = application.revision_fields
    application.data, application.status = cleaned.values, Status.IN_PROGRESS
    application.paused_at, application.revision_fields = None, []
    application.version += 1
    application.save()
    _attach_uploads(application)
    _event(
        application,
        at=now,
        actor=applicant,
        label=_actor_label(applicant, None),
        action="resubmit",
        from_status=Status.REVISION,
        to_status=Status.IN_PROGRESS,
        from_step=application.step,
        to_step=application.step,
        fields=fixed,
    )
    return application


MAX_DRAFT_VALUE = 5000


def save_draft(
    *, applicant: User, service: Service, data: dict, beneficiary_nik: str = "", now=None
) -> Application | None:
    """Keep what the citizen has typed so far (unchecked; files are stored by ``files.services.store_upload``):
    one draft per service and beneficiary, replaced on every save, removed when the application is submitted."""
    version = service.current_version
    form = version.template_version.parsed_form if version else None
    if form is None:
        raise DomainError(_("Layanan ini tidak menerima permohonan daring."))
    if beneficiary_nik and can_act_for(applicant, beneficiary_nik) is None:
        raise DomainError(_("Anda tidak berhak mengajukan permohonan atas nama orang ini."))
    now = now or timezone.now()
    just_submitted = Application.objects.filter(
        applicant=applicant,
        service=service,
        beneficiary_nik=beneficiary_nik,
        submitted_at__gte=now - timedelta(minutes=1),
    ).exists()
    if just_submitted:
        # An autosave that left just before the submission arrives after it: nothing to keep.
        return None
    kept = {
        spec.name: data[spec.name]
        for spec in form.fields
        if not spec.locked and spec.name in data and len(str(data[spec.name])) <= MAX_DRAFT_VALUE
    }
    draft, _created = Application.objects.update_or_create(
        applicant=applicant,
        service=service,
        beneficiary_nik=beneficiary_nik,
        status=Status.DRAFT,
        defaults={
            "service_version": version,
            "region_id": service.region_id,
            "agency_id": service.agency_id,
            "basis": Basis.SELF if not beneficiary_nik else "",
            "data": kept,
        },
    )
    return draft


def remove_vault_document(*, owner: User, document_id) -> None:
    """The owner removes an uploaded vault document: refused (Conflict) while one of their open applications uses it.

    Raises what ``documents.services.remove_from_vault`` raises.
    """
    documents.remove_from_vault(
        owner=owner,
        document_id=document_id,
        open_application_using=lambda upload_ids: open_application_using(owner, upload_ids),
    )


def draft_of(*, applicant: User, service: Service, beneficiary_nik: str = "") -> Application | None:
    return Application.objects.filter(
        applicant=applicant, service=service, beneficiary_nik=beneficiary_nik, status=Status.DRAFT
    ).first()


# --- helpers ---------------------------------------------------------------------------------


def _attach_uploads(application: Application) -> None:
    """The applicant's uploads the application uses now belong to it (its officers may open them)."""
    ids = document_ids(application.data)
    Upload.objects.filter(owner=application.applicant, pk__in=ids, application__isnull=True).update(
        application=application
    )


def _foreign_documents(form, values: dict, owner: User) -> dict[str, str]:
    """Field errors for documents that are not the applicant's own uploads (the vault's come with it)."""
    chosen = {
        name: value["id"]
        for name, value in values.items()
        if isinstance(value, dict) and value.get("source") in ("upload", "vault") and form.field(name) is not None
    }
    owned = {str(pk) for pk in Upload.objects.filter(owner=owner, pk__in=chosen.values()).values_list("pk", flat=True)}
    return {name: _("Unggah berkasnya lagi.") for name, upload_id in chosen.items() if upload_id not in owned}


def _for_update(application_id) -> Application | None:
    try:
        return (
            Application.objects.select_for_update(of=("self",))
            .select_related("service__template", "service_version__template_version", "region", "agency")
            .filter(pk=application_id)
            .first()
        )
    except (ValidationError, ValueError, TypeError):  # not a UUID
        return None


def _for_update_by(officer: User, application_id) -> Application:
    """The application, locked, when it belongs to one of the officer's agencies; NotFound otherwise."""
    application = _for_update(application_id)
    if application is None or application.agency_id not in {agency for agency, _role in agency_roles(officer)}:
        raise NotFound(_("Permohonan tidak ditemukan."))
    return application


def _step_due(step, start, due_at, zone):
    if step is None or step.days is None:
        return due_at
    return min(calendar.deadline(start, step.days, zone), due_at)


def _tell_payment_due(application: Application, bill, event: Event) -> None:
    _tell_applicant(application, "payment_due", event, amount=f"Rp{rupiah(bill.amount)}", due_at=bill.expires_at)


def _tell_applicant(application: Application, kind: str, event: Event, note: str = "", **extra) -> None:
    notify(
        user=application.applicant,
        kind=kind,
        key=f"application-event:{event.pk}",
        application=application,
        now=event.at,
        context={
            "number": application.tracking_number,
            "service": application.service.template.name,
            "due_at": application.due_at.isoformat() if application.due_at else "",
            "zone": application.region.time_zone,
            "note": note,
            "url": f"{settings.SITE_URL}/permohonan/{application.tracking_number}/",
            **survey_invitation(application, kind),
            **{key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in extra.items()},
        },
    )


def _event(
    application, *, at, actor, label, action, to_status, from_status="", from_step="", to_step="", note="", fields=()
):
    return Event.objects.create(
        application=application,
        at=at,
        actor=actor,
        actor_label=label,
        action=action,
        from_status=from_status,
        to_status=to_status,
        from_step=from_step,
        to_step=to_step,
        note=note,
        fields=list(fields),
    )


# Labels stored in the timeline and the data-use log are written in the record's language,
# Indonesian, whatever language the request that caused them was in.


def _actor_label(applicant: User, entered_by: User | None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Petugas loket MPP") if entered_by else _("Pemohon")


def _beneficiary_name(values: dict) -> str:
    for name in ("child_name", "name"):
        if values.get(name):
            return str(values[name])[:120]
    return ""


def _record_on_behalf(application: Application, applicant: User) -> None:
    """An act on someone's behalf is recorded against both persons (each sees it in "who used my data")."""
    with translation.override(settings.LANGUAGE_CODE):
        purpose = _("Permohonan %(number)s diajukan atas nama Anda") % {"number": application.tracking_number}
        label = _("Pemohon atas nama anggota keluarga atau pemberi kuasa")
    record_on_behalf(
        principal_nik=application.beneficiary_nik,
        agent=applicant,
        label=label,
        purpose=purpose,
        fields=["permohonan"],
        outcome=application.basis,
    )


def _provenance(known: dict, values: dict) -> dict:
    """Where each value the state supplied came from, as the application keeps it."""
    return {
        name: {"source": found.source, "label": found.label, "at": _iso(found.retrieved_at)}
        for name, found in known.items()
        if name in values
    }


def _iso(value):
    return value.isoformat() if value else None
