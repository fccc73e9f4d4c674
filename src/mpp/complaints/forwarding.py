"""SP4N-LAPOR!: complaints sent there, and what it sends back.

**Out.** ``forward_due`` (the worker, every minute) sends each queued ``Forwarding`` with the complaint's
id as Idempotency-Key, so a retry after a timeout or a lost answer finds the LAPOR! report the first
attempt made instead of making a second. LAPOR! down: the forwarding stays queued with its error (the
officer sees it on the complaint's page) and is retried with backoff; refused outright: it is marked so.

**Back.** Each LAPOR! update (a status change, a disposition, or a report filed at LAPOR! for an agency
of one of our regions) is applied once by ``apply_update``, whether it arrives by signed callback
(``api``), by polling (``poll_updates``), or twice.
"""

import datetime as dt
import logging
import random

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpp.applications import calendar
from mpp.applications.models import new_tracking_number
from mpp.catalog.models import Agency
from mpp.regions.models import Level, Region

from . import lapor
from .access import PREFIX, name_of
from .models import Category, Channel, Complaint, FigureCursor, Forwarding, LaporUpdate, Status, Step
from .notices import tell_handlers, tell_reporter
from .services import save_changed, set_deadlines

logger = logging.getLogger(__name__)

LAPOR_LABEL = "SP4N-LAPOR!"
#: LAPOR! statuses after which the complaint it holds for us is resolved.
DONE = frozenset({"completed", "archived"})
POLL_CURSOR = "lapor"
#: How long a claimed forwarding is left to the worker that took it.
LEASE = dt.timedelta(minutes=2)
MAX_BACKOFF = dt.timedelta(hours=1)


def forward_due(*, limit: int = 20, now=None) -> int:
    """Send the forwardings that are due; returns how many LAPOR! took."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Forwarding.objects.select_for_update(skip_locked=True)
            .filter(state=Forwarding.State.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at")[:limit]
        )
        Forwarding.objects.filter(pk__in=[row.pk for row in due]).update(next_attempt_at=now + LEASE)
    return sum(_send(row.pk) for row in due)


def _send(forwarding_id: int) -> bool:
    forwarding = Forwarding.objects.select_related("complaint__region", "complaint__agency").get(pk=forwarding_id)
    complaint = forwarding.complaint
    try:
        filed = lapor.file_report(
            key=str(complaint.pk),
            reference=complaint.tracking_number,
            title=complaint.title,
            content=complaint.description,
            category=complaint.category,
            region_code=complaint.region_id,
            agency=complaint.agency.name if complaint.agency_id else "",
            anonymous=complaint.anonymous,
            confidential=complaint.confidential,
            reporter=_reporter(complaint),
            attachments=complaint.attachments.count(),
            occurred_on=complaint.occurred_on,
        )
    except lapor.LaporRefused as refused:
        _failed(forwarding_id, str(refused), retry=False)
        return False
    except lapor.LaporUnavailable as down:
        _failed(forwarding_id, str(down), retry=True)
        return False
    now = timezone.now()
    with transaction.atomic():
        forwarding = Forwarding.objects.select_for_update().select_related("complaint").get(pk=forwarding_id)
        if forwarding.state == Forwarding.State.SENT:
            return True
        forwarding.state, forwarding.sent_at, forwarding.last_error = Forwarding.State.SENT, now, ""
        forwarding.attempts += 1
        forwarding.save()
        complaint = Complaint.objects.select_for_update().select_related("region").get(pk=forwarding.complaint_id)
        complaint.lapor_id, complaint.lapor_status = filed.lapor_id, filed.status
        save_changed(complaint)
        _lapor_step(
            complaint,
            now,
            _("Diterima SP4N-LAPOR! dengan nomor %(id)s.") % {"id": filed.lapor_id},
            action="lapor_filed",
        )
    return True


def _reporter(complaint: Complaint) -> dict | None:
    """Who LAPOR! may contact: never an anonymous reporter, and only one with a name and a way to reach them."""
    account = complaint.reporter
    contact = complaint.contact or ((account.email or account.phone) if account else "")
    name = complaint.reporter_name or name_of(account)
    if complaint.anonymous or not name or not contact:
        return None
    return {"name": name, "contact": contact}


def _failed(forwarding_id: int, error: str, *, retry: bool) -> None:
    now = timezone.now()
    with transaction.atomic():
        forwarding = Forwarding.objects.select_for_update().get(pk=forwarding_id)
        if forwarding.state != Forwarding.State.QUEUED:
            return
        forwarding.attempts += 1
        forwarding.last_error = error[:300]
        if retry:
            backoff = min(dt.timedelta(seconds=30 * 2 ** min(forwarding.attempts - 1, 10)), MAX_BACKOFF)
            forwarding.next_attempt_at = now + backoff * random.uniform(0.8, 1.2)
        else:
            forwarding.state = Forwarding.State.REFUSED
        forwarding.save()
    logger.warning("LAPOR! forwarding %s failed (%s): %s", forwarding_id, "retry" if retry else "refused", error)


# --- what LAPOR! sends back ----------------------------------------------------------------------------


def apply_update(update: "lapor.Update", *, now=None) -> bool:
    """Apply one LAPOR! update, once; returns False when it was applied before (or concerns nothing of ours)."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        try:
            with transaction.atomic():
                LaporUpdate.objects.create(id=update.id, seq=update.seq, applied_at=now)
        except IntegrityError:
            return False
        if update.type == "report.created":
            return _take_in(update, now)
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("region", "agency", "reporter")
            .filter(lapor_id=update.lapor_id)
            .first()
        )
        if complaint is None:
            logger.warning("LAPOR! update %s for unknown report %s", update.id, update.lapor_id)
            return False
        complaint.lapor_status = update.status
        label = str(lapor.STATUS_LABELS.get(update.status, update.status))
        if update.type == "report.disposition":
            note = _("Didisposisikan kepada %(agency)s.") % {"agency": update.agency}
        else:
            note = _("Status di SP4N-LAPOR!: %(status)s.") % {"status": label}
        if update.note:
            note = f"{note} {update.note}"
        from_status = complaint.status
        if complaint.status == Status.FORWARDED and update.status in DONE:
            complaint.status, complaint.resolved_at, complaint.answer = Status.RESOLVED, now, update.note
            complaint.verdict_due_at = calendar.deadline(now, 10, complaint.region.time_zone)
        save_changed(complaint)
        step = _lapor_step(complaint, now, note, action="lapor_update", from_status=from_status)
        tell_reporter(complaint, "complaint_resolved" if complaint.status != from_status else "complaint_lapor", step)
    return True


def _take_in(update: "lapor.Update", now) -> bool:
    """A report filed at LAPOR! for one of our regions: a complaint with its LAPOR! id, to be triaged here."""
    report = update.report or {}
    region = Region.objects.filter(code=str(report.get("region_code", ""))[:5], level=Level.REGENCY).first()
    if region is None or Complaint.objects.filter(lapor_id=update.lapor_id).exists():
        return False
    agency = Agency.objects.filter(region=region, name__iexact=str(report.get("agency", ""))).first()
    category = report.get("category") if report.get("category") in Category.values else Category.OTHER
    anonymous = bool(report.get("anonymous"))
    reporter = report.get("reporter") or {}
    complaint = Complaint(
        tracking_number=PREFIX + new_tracking_number(region.code, f"{now:%y%m}"),
        region=region,
        agency=agency,
        category=category,
        title=str(report.get("title", ""))[:150] or update.lapor_id,
        description=str(report.get("content", ""))[:4000],
        channel=Channel.LAPOR,
        reporter_name="" if anonymous else str(reporter.get("name", ""))[:120],
        anonymous=anonymous,
        confidential=bool(report.get("confidential")),
        received_at=now,
        lapor_id=update.lapor_id,
        lapor_status=update.status,
    )
    set_deadlines(complaint, now)
    complaint.save(force_insert=True)
    step = _lapor_step(
        complaint, now, _("Pengaduan masuk dari SP4N-LAPOR! (%(id)s).") % {"id": update.lapor_id}, action="lapor_in"
    )
    tell_handlers(complaint, "complaint_lapor", step)
    return True


def _lapor_step(complaint: Complaint, now, note: str, *, action: str, from_status: str = "") -> Step:
    return Step.objects.create(
        complaint=complaint,
        at=now,
        actor=None,
        actor_label=LAPOR_LABEL,
        action=action,
        from_status=from_status or complaint.status,
        to_status=complaint.status,
        note=note,
    )


def poll_updates(*, limit: int = 200) -> int:
    """Read LAPOR!'s updates after the last one read (what a lost callback left behind); returns how many
    were new. Does nothing while LAPOR! is not configured or does not answer."""
    if not settings.LAPOR_URL:
        return 0
    applied = 0
    while True:
        cursor, _created = FigureCursor.objects.get_or_create(name=POLL_CURSOR)
        try:
            updates, last = lapor.updates_after(cursor.position, limit=limit)
        except (lapor.LaporUnavailable, lapor.LaporRefused) as failed:
            logger.warning("LAPOR! polling: %s", failed)
            return applied
        applied += sum(apply_update(update) for update in updates)
        FigureCursor.objects.filter(name=POLL_CURSOR, position__lt=last).update(position=last)
        if len(updates) < limit:
            return applied
