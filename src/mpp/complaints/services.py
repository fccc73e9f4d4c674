"""Writes of complaints: filing, and each step of handling, one function each.

Every step locks the complaint (``select_for_update``), checks that the actor may take it, that the
complaint's status allows it and that the actor saw the current version (else ``Conflict``), then
appends a ``Step`` and tells the reporter through the outbox, in the same transaction.

Deadlines run on the working-day clock of the region (``applications.calendar``): acknowledge,
respond and resolve, from the moment the complaint was received. Asking the reporter for more
information stops the clock; the answer moves every deadline by the working days it took.
"""

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpp.applications import calendar
from mpp.applications.models import new_tracking_number
from mpp.audit.models import AccessKind
from mpp.audit.services import record_data_access
from mpp.catalog.models import Agency
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.files.services import store_upload
from mpp.notifications.services import email, text

from .access import PREFIX, handler, hash_secret, name_of
from .models import (
    ACKNOWLEDGE_DAYS,
    RESOLVE_DAYS,
    RESPOND_DAYS,
    VERDICT_DAYS,
    Attachment,
    Channel,
    Complaint,
    ContactCode,
    DeadlineRule,
    Forwarding,
    IdentityLook,
    Status,
    Step,
    Weight,
    new_secret,
)
from .notices import tell_escalation, tell_handlers, tell_reporter

MAX_ATTACHMENTS = 5
CODE_TTL = dt.timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
PLATFORM = "MPP Digital"


class ComplaintRefused(DomainError):
    """The step cannot be taken: the message says why."""


# --- deadlines ------------------------------------------------------------------------------------


def deadline_days(region_id: str, category: str, weight: str | None = None) -> tuple[int, int, int, str, bool]:
    """(acknowledge, respond, resolve) working days, the weight and whether to forward to LAPOR!, for a
    complaint of ``category`` in the region: its rule, else the defaults (a weight given overrides)."""
    rule = _rules_of(region_id).get(category)
    if rule is None:
        weight = weight or Weight.ORDINARY
        resolve = RESOLVE_DAYS[weight]
        return min(ACKNOWLEDGE_DAYS, resolve), min(RESPOND_DAYS, resolve), resolve, weight, False
    if weight and weight != rule.weight:
        resolve = RESOLVE_DAYS[weight]
        return rule.acknowledge_days, min(rule.respond_days, resolve), resolve, weight, rule.forward_to_lapor
    return rule.acknowledge_days, rule.respond_days, rule.resolve_days, rule.weight, rule.forward_to_lapor


#: How long a process may keep a region's rules (``save_rule`` forgets them at once in the shared cache).
RULES_SECONDS = 60


def _rules_of(region_id: str) -> dict[str, DeadlineRule]:
    """The region's rules by category, kept in the cache: every filing reads them, a manager rarely changes them."""
    return cache.get_or_set(
        f"complaints:rules:{region_id}",
        lambda: {rule.category: rule for rule in DeadlineRule.objects.filter(region_id=region_id)},
        RULES_SECONDS,
    )


def set_deadlines(complaint: Complaint, start: dt.datetime, *, weight: str | None = None) -> bool:
    """Deadlines counted from ``start``; returns whether the category is to be forwarded to LAPOR!."""
    zone = complaint.region.time_zone
    acknowledge, respond, resolve, complaint.weight, forward = deadline_days(
        complaint.region_id, complaint.category, weight
    )
    complaint.acknowledge_due_at = calendar.deadline(start, acknowledge, zone)
    complaint.respond_due_at = calendar.deadline(start, respond, zone)
    complaint.resolve_due_at = calendar.deadline(start, resolve, zone)
    return forward


def save_rule(
    *,
    region_id: str,
    category: str,
    weight: str,
    acknowledge_days: int,
    respond_days: int,
    resolve_days: int,
    forward_to_lapor: bool,
) -> DeadlineRule:
    """A region's deadlines for a category, from the next complaint on (those filed keep theirs)."""
    key = f"complaints:rules:{region_id}"
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))  # and once more, for a reader who cached it meanwhile
    rule, _created = DeadlineRule.objects.update_or_create(
        region_id=region_id,
        category=category,
        defaults={
            "weight": weight,
            "acknowledge_days": acknowledge_days,
            "respond_days": respond_days,
            "resolve_days": resolve_days,
            "forward_to_lapor": forward_to_lapor,
        },
    )
    return rule


# --- filing ---------------------------------------------------------------------------------------


def file_complaint(
    *,
    region,
    category: str,
    title: str,
    description: str,
    reporter=None,
    reporter_name: str = "",
    contact: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    publish_consent: bool = False,
    application=None,
    agency=None,
    service=None,
    mpp=None,
    place=None,
    occurred_on=None,
    files=(),
    entered_by=None,
    submit_key: str = "",
    now=None,
) -> tuple[Complaint, str]:
    """File a complaint; returns it and, for a reporter without an account, the secret to follow it with
    ("" otherwise). A filing with a contact and no account waits for the contact's code (``confirm_contact``)
    before anyone sees it. Files are checked as every upload (ValidationError otherwise), at most five.

    A retried filing (the same ``submit_key``) returns the complaint the first one made.
    """
    now = now or timezone.now()
    if len(files) > MAX_ATTACHMENTS:
        raise ComplaintRefused(_("Lampiran paling banyak %(count)s berkas.") % {"count": MAX_ATTACHMENTS})
    # A key is the filer's own: someone else's key never finds their complaint. Without an account the key
    # (128 random bits the form was served with) is all there is.
    filer = reporter or entered_by
    if submit_key and filer is not None:
        submit_key = f"{filer.pk}:{submit_key}"[:80]
    if application is not None:
        region, agency, service = application.region, application.agency, application.service
    secret = new_secret() if reporter is None else ""
    complaint = Complaint(
        tracking_number=PREFIX + new_tracking_number(region.code, f"{now:%y%m}"),
        region=region,
        place=place,
        agency=agency,
        service=service,
        mpp=mpp,
        application=application,
        category=category,
        title=title.strip(),
        description=description.strip(),
        occurred_on=occurred_on,
        channel=Channel.COUNTER if entered_by is not None else Channel.ONLINE,
        reporter=reporter,
        # An account holder's name is the registry's, read when a page shows it (``selectors.Reporter``).
        reporter_name="" if anonymous else reporter_name.strip(),
        contact="" if anonymous and reporter is None else contact.strip(),
        anonymous=anonymous,
        confidential=confidential,
        publish_consent=publish_consent and not confidential,
        secret_hash=hash_secret(secret) if secret else "",
        entered_by=entered_by,
        # At the counter the officer took the contact from the person in front of them.
        contact_confirmed_at=now if entered_by is not None and contact else None,
        received_at=now,
        submit_key=submit_key,
    )
    forward = set_deadlines(complaint, now)
    try:
        with transaction.atomic():
            # The insert first: a retried filing fails on its key before anything else is written.
            complaint.save(force_insert=True)
            step = _step(complaint, at=now, actor=reporter, label=_reporter_label(complaint), action="file")
            for uploaded in files:
                Attachment.objects.create(
                    complaint=complaint, upload=store_upload(owner=filer, uploaded=uploaded), step=step
                )
            if complaint.awaits_contact:
                _send_code(complaint, now)
            else:
                _received(complaint, step, forward, now)
    except IntegrityError:
        earlier = Complaint.objects.filter(submit_key=submit_key).first() if submit_key else None
        if earlier is None:
            raise
        return earlier, ""
    return complaint, secret


def _received(complaint: Complaint, step: Step, forward: bool, now) -> None:
    """A filing everyone may now see: the reporter hears of it; a category forwarded to LAPOR! is queued."""
    tell_reporter(complaint, "complaint_received", step)
    if forward:
        _queue_forwarding(complaint, None, now)


def _send_code(complaint: Complaint, now) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    ContactCode.objects.filter(complaint=complaint, used_at__isnull=True).update(used_at=now)
    ContactCode.objects.create(
        complaint=complaint, code_hash=hash_secret(code, complaint.pk), created_at=now, expires_at=now + CODE_TTL
    )
    context = {"number": complaint.tracking_number, "code": code}
    key = f"complaint-code:{complaint.pk}:{now.timestamp()}"
    if "@" in complaint.contact:
        email(to=complaint.contact, kind="complaint_code", key=key, context=context, now=now)
    else:
        text(to=complaint.contact, kind="complaint_code", key=key, context=context, now=now)


def resend_code(complaint_id, *, now=None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint_id)
        if complaint is None or not complaint.awaits_contact:
            raise NotFound(_("Pengaduan tidak ditemukan."))
        _send_code(complaint, now)


def confirm_contact(complaint_id, code: str, *, now=None) -> Complaint:
    """The contact's one-time code: the complaint is received from now, and its deadlines start."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint_id)
        if complaint is None or not complaint.awaits_contact:
            raise NotFound(_("Pengaduan tidak ditemukan atau sudah dikonfirmasi."))
        entry = (
            ContactCode.objects.select_for_update()
            .filter(complaint=complaint, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if entry is None or entry.expires_at < now or entry.attempts >= CODE_MAX_ATTEMPTS:
            raise ComplaintRefused(_("Kode sudah tidak berlaku. Minta kode baru."))
        if not hmac.compare_digest(entry.code_hash, hash_secret(code.strip(), complaint.pk)):
            entry.attempts += 1
            entry.save(update_fields=["attempts"])
            raise ComplaintRefused(_("Kode salah."))
        entry.used_at = now
        entry.save(update_fields=["used_at"])
        complaint.contact_confirmed_at = complaint.received_at = now
        forward = set_deadlines(complaint, now)
        step = _record(complaint, at=now, actor=None, label=_reporter_label(complaint), action="confirm_contact")
        _received(complaint, step, forward, now)
    return complaint


# --- handling ---------------------------------------------------------------------------------------


def triage(
    *, officer, complaint_id, version: int, category: str, weight: str, agency_id, note: str = "", now=None
) -> Complaint:
    """Confirm the category and weight and route the complaint to the agency that must answer it."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _for_update_by(officer, complaint_id, version, (Status.RECEIVED, Status.IN_PROGRESS))
        agency = Agency.objects.filter(pk=agency_id, region_id=complaint.region_id).first()
        if agency is None:
            raise ComplaintRefused(_("Pilih instansi di daerah pengaduan ini."))
        if not handler(officer).manages(complaint) and agency.pk != complaint.agency_id:
            raise ComplaintRefused(_("Hanya pengelola MPP yang dapat meneruskan pengaduan ke instansi lain."))
        complaint.category, complaint.agency = category, agency
        forward = set_deadlines(complaint, complaint.received_at, weight=weight)
        if complaint.acknowledged_at is None:
            complaint.acknowledged_at = now
        from_status, complaint.status = complaint.status, Status.IN_PROGRESS
        step = _record(
            complaint,
            at=now,
            actor=officer,
            label=_mpp_label(complaint),
            action="route",
            from_status=from_status,
            note=_("Diteruskan kepada %(agency)s.") % {"agency": agency.name} + (f" {note}" if note else ""),
        )
        tell_reporter(complaint, "complaint_routed", step)
        if forward and not hasattr(complaint, "forwarding"):
            _queue_forwarding(complaint, officer, now)
    return complaint


def merge(*, officer, complaint_id, version: int, into_number: str, now=None) -> Complaint:
    """A duplicate: handled in the other complaint of the same region from now on."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _for_update_by(officer, complaint_id, version, (Status.RECEIVED, Status.IN_PROGRESS))
        into = Complaint.objects.filter(tracking_number=into_number, region_id=complaint.region_id).first()
        if into is None or into.pk == complaint.pk or into.status == Status.MERGED:
            raise ComplaintRefused(_("Pengaduan tujuan tidak ditemukan di daerah ini."))
        complaint.merged_into, complaint.closed_at = into, now
        from_status, complaint.status = complaint.status, Status.MERGED
        step = _record(
            complaint,
            at=now,
            actor=officer,
            label=_mpp_label(complaint),
            action="merge",
            from_status=from_status,
            note=_("Sama dengan pengaduan %(number)s; ditangani di sana.") % {"number": into.tracking_number},
        )
        tell_reporter(complaint, "complaint_merged", step, extra={"into": into.tracking_number})
    return complaint


def forward_to_lapor(*, officer, complaint_id, version: int, outside_remit: bool, note: str = "", now=None):
    """Hand the complaint to SP4N-LAPOR!: sent by the worker, once, whatever the retries. When it is outside
    the region's remit, LAPOR! handles it from now on (status ``forwarded``); otherwise it is also handled here."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _for_update_by(officer, complaint_id, version, (Status.RECEIVED, Status.IN_PROGRESS))
        if hasattr(complaint, "forwarding"):
            raise Conflict(_("Pengaduan ini sudah diteruskan ke SP4N-LAPOR!."))
        from_status = complaint.status
        if outside_remit:
            complaint.status = Status.FORWARDED
            complaint.acknowledged_at = complaint.acknowledged_at or now
        step = _record(
            complaint,
            at=now,
            actor=officer,
            label=_mpp_label(complaint),
            action="forward",
            from_status=from_status,
            note=_("Diteruskan ke SP4N-LAPOR!.") + (f" {note}" if note else ""),
        )
        _queue_forwarding(complaint, officer, now)
        tell_reporter(complaint, "complaint_forwarded", step)
    return complaint


def reply(*, officer, complaint_id, version: int, answer: str, now=None) -> Complaint:
    """An answer to the reporter (the first one meets the deadline to respond); the complaint stays open."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _for_update_by(officer, complaint_id, version, (Status.IN_PROGRESS,), agency_only=True)
        complaint.responded_at = complaint.responded_at or now
        complaint.answer = answer.strip()
        _agency_step(complaint, officer, action="reply", note=answer, kind="complaint_answered", now=now)
    return complaint


def request_information(*, officer, complaint_id, version: int, question: str, now=None) -> Complaint:
    """Ask the reporter for more: the clock stops until they answer."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _for_update_by(officer, complaint_id, version, (Status.IN_PROGRESS,), agency_only=True)
        if complaint.reporter_id is None and not complaint.contact and not complaint.secret_hash:
            raise ComplaintRefused(_("Pelapor pengaduan ini tidak dapat dihubungi."))
        complaint.responded_at = complaint.responded_at or now
        complaint.paused_at = now
        complaint.status = Status.INFO_REQUESTED
        _agency_step(complaint, officer, action="ask", note=question, kind="complaint_info_requested", now=now)
    return complaint


def provide_information(*, complaint_id, text_given: str, files=(), reporter=None, now=None) -> Complaint:
    """The reporter's answer (the caller checked who they are): the clock runs again, every deadline moved
    by the working days it stood still."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint_id)
        if complaint is None:
            raise NotFound(_("Pengaduan tidak ditemukan."))
        if complaint.status != Status.INFO_REQUESTED:
            raise Conflict(_("Pengaduan ini tidak sedang menunggu keterangan Anda."))
        if len(files) > MAX_ATTACHMENTS:
            raise ComplaintRefused(_("Lampiran paling banyak %(count)s berkas.") % {"count": MAX_ATTACHMENTS})
        zone = complaint.region.time_zone
        for field in ("acknowledge_due_at", "respond_due_at", "resolve_due_at"):
            setattr(complaint, field, calendar.extend(getattr(complaint, field), complaint.paused_at, now, zone))
        complaint.paused_at = None
        complaint.status = Status.IN_PROGRESS
        step = _record(
            complaint,
            at=now,
            actor=reporter,
            label=_reporter_label(complaint),
            action="inform",
            from_status=Status.INFO_REQUESTED,
            note=text_given,
        )
        for uploaded in files:
            upload = store_upload(owner=reporter or complaint.reporter, uploaded=uploaded)
            Attachment.objects.create(complaint=complaint, upload=upload, step=step)
        tell_handlers(complaint, "complaint_informed", step)
    return complaint


def resolve(*, officer, complaint_id, version: int, action_taken: str, answer: str, now=None) -> Complaint:
    """The agency's answer and the action it took: resolved, and the reporter has ten working days to confirm."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _for_update_by(officer, complaint_id, version, (Status.IN_PROGRESS,), agency_only=True)
        complaint.action_taken, complaint.answer = action_taken.strip(), answer.strip()
        complaint.responded_at = complaint.responded_at or now
        complaint.resolved_at = now
        complaint.verdict_due_at = calendar.deadline(now, VERDICT_DAYS, complaint.region.time_zone)
        complaint.status = Status.RESOLVED
        _agency_step(complaint, officer, action="resolve", note=answer, kind="complaint_resolved", now=now)
    return complaint


def confirm(*, complaint_id, rating: int, publish_consent: bool = False, reporter=None, now=None) -> Complaint:
    """The reporter agrees it is resolved and rates the handling (1–4): closed."""
    if rating not in (1, 2, 3, 4):
        raise ComplaintRefused(_("Beri penilaian 1 sampai 4."))
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _verdict_pending(complaint_id)
        complaint.rating, complaint.closed_at, complaint.status = rating, now, Status.CLOSED
        complaint.publish_consent = publish_consent and not complaint.confidential
        _record(
            complaint,
            at=now,
            actor=reporter,
            label=_reporter_label(complaint),
            action="confirm",
            from_status=Status.RESOLVED,
            note=_("Pelapor menyatakan selesai dan memberi nilai %(rating)s dari 4.") % {"rating": rating},
        )
    return complaint


def reopen(*, complaint_id, reason: str, reporter=None, now=None) -> Complaint:
    """Not resolved, the reporter says: back to the agency, with a fresh deadline to resolve."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _verdict_pending(complaint_id)
        _acknowledge, _respond, resolve_days, _weight, _forward = deadline_days(
            complaint.region_id, complaint.category, complaint.weight
        )
        complaint.resolve_due_at = calendar.deadline(now, resolve_days, complaint.region.time_zone)
        complaint.resolved_at = complaint.verdict_due_at = None
        complaint.escalated_for = ""
        complaint.status = Status.IN_PROGRESS
        step = _record(
            complaint,
            at=now,
            actor=reporter,
            label=_reporter_label(complaint),
            action="reopen",
            from_status=Status.RESOLVED,
            note=reason,
        )
        tell_handlers(complaint, "complaint_reopened", step)
    return complaint


def close_unconfirmed(now=None) -> int:
    """Resolved complaints the reporter left unconfirmed past their ten working days: closed. Run by the worker."""
    now = now or timezone.now()
    closed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Complaint.objects.select_for_update(skip_locked=True)
                .filter(status=Status.RESOLVED, verdict_due_at__lt=now)
                .order_by("verdict_due_at")[:200]
            )
            for complaint in batch:
                complaint.status, complaint.closed_at = Status.CLOSED, now
                _record(
                    complaint,
                    at=now,
                    actor=None,
                    label=PLATFORM,
                    action="auto_close",
                    from_status=Status.RESOLVED,
                    note=_("Ditutup otomatis: pelapor tidak mengonfirmasi dalam %(days)s hari kerja.")
                    % {"days": VERDICT_DAYS},
                )
        closed += len(batch)
        if len(batch) < 200:
            return closed


def publish(*, officer, complaint_id, version: int, now=None) -> Complaint:
    """Publish a closed complaint and its answer: only with the reporter's consent, never a confidential one."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _for_update_by(officer, complaint_id, version, (Status.CLOSED, Status.RESOLVED))
        if complaint.confidential or not complaint.publish_consent:
            raise ComplaintRefused(_("Pelapor tidak menyetujui publikasi, atau pengaduan ini rahasia."))
        complaint.published = True
        _record(complaint, at=now, actor=officer, label=_mpp_label(complaint), action="publish", public=True)
    return complaint


def reveal_reporter(*, auditor, complaint_id, reason: str, now=None) -> dict:
    """Who filed an anonymous complaint, for the platform's audit only: every look is kept, and the reporter's
    data-use page shows it."""
    if len(reason.strip()) < 20:
        raise ComplaintRefused(_("Tuliskan dasar pemeriksaan (paling sedikit 20 karakter)."))
    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_related("reporter").filter(pk=complaint_id, anonymous=True).first()
        if complaint is None:
            raise NotFound(_("Pengaduan tidak ditemukan."))
        IdentityLook.objects.create(complaint=complaint, by=auditor, at=now, reason=reason.strip())
        if complaint.reporter is not None and complaint.reporter.nik:
            with translation.override(settings.LANGUAGE_CODE):
                record_data_access(
                    subject_nik=complaint.reporter.nik,
                    kind=AccessKind.OFFICER_VIEW,
                    actor=auditor,
                    actor_label=_("Audit platform MPP Digital"),
                    purpose=_("Pemeriksaan identitas pelapor pengaduan %(number)s: %(reason)s")
                    % {"number": complaint.tracking_number, "reason": reason.strip()},
                    fields=["identitas pelapor"],
                    outcome="dilihat",
                )
    reporter = complaint.reporter
    return {
        "name": name_of(reporter),
        "nik": reporter.nik if reporter else "",
        "email": reporter.email if reporter else "",
        "contact": complaint.contact,
    }


# --- escalation -------------------------------------------------------------------------------------

#: (deadline field, the status in which it still has to be met, the label of what is late)
DEADLINES = (
    ("acknowledge_due_at", (Status.RECEIVED,), "acknowledge"),
    ("respond_due_at", (Status.IN_PROGRESS,), "respond"),
    ("resolve_due_at", (Status.IN_PROGRESS,), "resolve"),
)


def escalate_overdue(now=None) -> int:
    """Complaints past a deadline: the agency's head (its approvers) and the region's MPP managers are told,
    once per deadline. Run by the worker every minute; claims with SKIP LOCKED."""
    now = now or timezone.now()
    escalated = 0
    for field, statuses, label in DEADLINES:
        with transaction.atomic():
            query = Complaint.objects.select_for_update(skip_locked=True).filter(
                status__in=statuses, **{f"{field}__lt": now}
            )
            if label == "respond":
                query = query.filter(responded_at__isnull=True)
            batch = list(query.exclude(escalated_for=label).exclude(escalated_for="resolve")[:200])
            for complaint in batch:
                complaint.escalated_for = label
                step = _record(
                    complaint,
                    at=now,
                    actor=None,
                    label=PLATFORM,
                    action="escalate",
                    note=_("Batas waktu terlewati; diteruskan kepada pimpinan instansi dan pengelola MPP."),
                    public=False,
                )
                tell_escalation(complaint, step, label)
        escalated += len(batch)
    return escalated


# --- helpers -----------------------------------------------------------------------------------------


def _locked(complaint_id) -> Complaint | None:
    try:
        return (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("region", "agency", "reporter")
            .filter(pk=complaint_id)
            .first()
        )
    except (ValueError, TypeError):
        return None


def _for_update_by(officer, complaint_id, version, statuses, *, agency_only=False) -> Complaint:
    """The complaint, locked, when ``officer`` may handle it, in one of ``statuses`` and at ``version``."""
    complaint = _locked(complaint_id)
    scope = handler(officer)
    allowed = complaint is not None and (
        complaint.agency_id in scope.agencies if agency_only else scope.may_handle(complaint)
    )
    if not allowed:
        raise NotFound(_("Pengaduan tidak ditemukan."))
    if complaint.version != version or complaint.status not in statuses:
        raise Conflict(
            _("Pengaduan ini baru saja diubah oleh petugas lain (status: %(status)s). Muat ulang halaman.")
            % {"status": Status(complaint.status).label}
        )
    return complaint


def _verdict_pending(complaint_id) -> Complaint:
    complaint = _locked(complaint_id)
    if complaint is None:
        raise NotFound(_("Pengaduan tidak ditemukan."))
    if complaint.status != Status.RESOLVED:
        raise Conflict(_("Pengaduan ini tidak sedang menunggu konfirmasi Anda."))
    return complaint


def save_changed(complaint: Complaint) -> None:
    """Save a change, bumping the version every officer's page was made with."""
    complaint.version += 1
    complaint.save()


def _record(complaint, *, at, actor, label, action, from_status="", note="", public=True) -> Step:
    """Save the change (a new version) and append its step to the timeline."""
    save_changed(complaint)
    return _step(
        complaint, at=at, actor=actor, label=label, action=action, from_status=from_status, note=note, public=public
    )


def _step(complaint, *, at, actor, label, action, from_status="", note="", public=True) -> Step:
    return Step.objects.create(
        complaint=complaint,
        at=at,
        actor=actor,
        actor_label=label,
        action=action,
        from_status=from_status,
        to_status=complaint.status,
        note=note.strip(),
        public=public,
    )


def _agency_step(complaint: Complaint, officer, *, action: str, note: str, kind: str, now) -> None:
    """The agency's step on an open complaint (an answer, a question, the resolution), told to the reporter."""
    step = _record(
        complaint,
        at=now,
        actor=officer,
        label=_agency_label(complaint),
        action=action,
        from_status=Status.IN_PROGRESS,
        note=note,
    )
    tell_reporter(complaint, kind, step)


def _reporter_label(complaint: Complaint) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Pelapor (anonim)") if complaint.anonymous else _("Pelapor")


def _agency_label(complaint: Complaint) -> str:
    return complaint.agency.name if complaint.agency_id else PLATFORM


def _mpp_label(complaint: Complaint) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Pengelola MPP %(region)s") % {"region": complaint.region.name}


def _queue_forwarding(complaint: Complaint, officer, now) -> None:
    Forwarding.objects.get_or_create(complaint=complaint, defaults={"requested_by": officer, "next_attempt_at": now})
