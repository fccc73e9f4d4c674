"""Writes of onboarding: each step of a region joining, one function each.

Every step locks the request (``select_for_update``), checks the move against ``workflow.TRANSITIONS``
and the version the actor saw, appends a ``StageChange`` and moves the region's ``Participation``
with it. E-mails leave through the outbox when the transaction commits.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.applications import calendar
from mpp.catalog.services import adopt_template
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.core.public_cache import invalidate_public_cache
from mpp.documents.models import DocumentType
from mpp.documents.services import record_issued
from mpp.files.services import replace_generated, store_generated, store_pdf
from mpp.identity.models import Role, RoleAssignment
from mpp.identity.services import invite_staff
from mpp.notifications.services import email
from mpp.regions.models import Level, Region

from . import agreement as agreement_document
from .models import Agreement, JoinRequest, Participation, Stage, StageChange
from .readiness import CRITERION_CODES, Score
from .workflow import CONTACT, TRANSITIONS

#: The ministry designates (or returns, or refuses) within this many working days of a complete request.
DESIGNATION_WORKING_DAYS = 14
#: The ministry works in Jakarta: its deadlines are on WIB working days.
MINISTRY_ZONE = "Asia/Jakarta"
MINISTRY_LABEL = "Kementerian PANRB"
#: The 2023 pilots signed on paper: they are on record as active since this day.
PILOT_ACTIVE_SINCE = dt.date(2023, 6, 20)


class JoinRefused(DomainError):
    """The request cannot be made or moved: the message says why."""


def submit_request(*, region_code: str, letter, first_services, now=None, **fields) -> JoinRequest:
    """A region's official asks to join. ``fields`` are the request's own (applicant, contact, readiness,
    planned manager); ``letter`` the uploaded official letter (a PDF: ValidationError otherwise).

    Raises ``JoinRefused`` when the region is not a kabupaten/kota, or already asked or active.
    """
    now = now or timezone.now()
    region = Region.objects.filter(code=region_code, level=Level.REGENCY).first()
    if region is None:
        raise JoinRefused(_("Kode wilayah tidak dikenal sebagai kabupaten/kota."))
    with transaction.atomic():
        participation = Participation.objects.select_for_update().filter(region=region).first()
        stage = participation.stage if participation else Stage.NOT_REQUESTED
        if stage not in TRANSITIONS["submit"].sources:
            raise JoinRefused(
                _(
                    "%(region)s sudah pada tahap: %(stage)s. "
                    "Ikuti permohonannya lewat tautan yang dikirim ke surel kontak."
                )
                % {"region": region.name, "stage": Stage(stage).label}
            )
        request = JoinRequest(
            region=region,
            letter=store_pdf(owner=None, uploaded=letter, now=now),
            submitted_at=now,
            due_at=calendar.deadline(now, DESIGNATION_WORKING_DAYS, MINISTRY_ZONE),
            **fields,
        )
        request.save(force_insert=True)
        request.first_services.set(first_services)
        _record(request, "submit", actor=None, actor_label=fields["applicant_name"], from_stage=stage, now=now)
        _tell_contact(request, "join_received", now=now)
    return request


def resubmit_request(*, token: str, expected_version: int, letter=None, first_services=None, now=None, **fields):
    """The region's contact completes a returned request and sends it back: the clock runs again, its
    deadline moved by the working days it stood still."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked(tracking_token=token)
        _check(request, "resubmit", expected_version)
        for name, value in fields.items():
            setattr(request, name, value)
        if letter is not None:
            request.letter = store_pdf(owner=None, uploaded=letter, now=now)
        if first_services is not None:
            request.first_services.set(first_services)
        request.due_at = calendar.extend(request.due_at, request.paused_at, now, MINISTRY_ZONE)
        request.paused_at = None
        _record(request, "resubmit", actor=None, actor_label=request.applicant_name, now=now)
        _tell_contact(request, "join_received", now=now)
    return request


def return_request(*, request_id, by, note: str, expected_version: int, now=None) -> JoinRequest:
    """The ministry asks for more information: the request goes back to the region, the clock pauses."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked(pk=request_id)
        _check(request, "return", expected_version, by=by)
        request.paused_at, request.note = now, note
        _record(request, "return", actor=by, note=note, now=now)
        _tell_contact(request, "join_returned", note=note, now=now)
    return request


def refuse_request(*, request_id, by, note: str, expected_version: int, now=None) -> JoinRequest:
    """The ministry refuses the request, with its reason. The region may ask again later."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked(pk=request_id)
        _check(request, "refuse", expected_version, by=by)
        request.note, request.decided_at, request.paused_at = note, now, None
        _record(request, "refuse", actor=by, note=note, now=now)
        _tell_contact(request, "join_refused", note=note, now=now)
    return request


def designate(
    *, request_id, by, checklist: dict, decree_number: str, decree_date: dt.date, expected_version: int, now=None
) -> Agreement:
    """The ministry designates the region as a *lokus*, with its scored checklist and decree: the agreement is
    rendered (unsigned) and the region's official is invited to sign it for the region."""
    now = now or timezone.now()
    missing = [code for code in CRITERION_CODES if (checklist.get(code) or {}).get("score") not in Score.values]
    if missing:
        raise JoinRefused(_("Nilai setiap butir daftar periksa kesiapan sebelum menetapkan lokus."))
    with transaction.atomic():
        request = _locked(pk=request_id)
        _check(request, "designate", expected_version, by=by)
        request.checklist = {code: checklist[code] for code in CRITERION_CODES}
        request.decree_number, request.decree_date, request.decided_at = decree_number, decree_date, now
        agreed_on = timezone.localtime(now, ZoneInfo(MINISTRY_ZONE)).date()
        agreement = Agreement(request=request, number=_agreement_number(request.region, agreed_on), agreed_on=agreed_on)
        pdf = agreement_document.render(agreement)
        agreement.file = store_generated(
            owner=None, content=pdf, content_type="application/pdf", name=f"perjanjian-{request.region_id}.pdf", now=now
        )
        agreement.save(force_insert=True)
        _record(request, "designate", actor=by, note=f"{decree_number} ({decree_date:%d-%m-%Y})", now=now)
        invite_staff(
            email=request.contact_email,
            name=request.applicant_name,
            role=Role.REGION_SIGNATORY,
            region=request.region,
            username_hint=f"pejabat.{_slug(request.region)}",
            now=now,
        )
        _tell_contact(request, "join_designated", decree=decree_number, agreement=agreement.number, now=now)
    return agreement


def sign_for_region(*, request_id, by, expected_version: int, now=None) -> Agreement:
    """The region's signatory signs the agreement first (PAdES, certifying it): only that region's."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked(pk=request_id)
        _check(request, "sign_region", expected_version, by=by)
        agreement = Agreement.objects.select_for_update().get(request=request)
        label = _("Atas nama Pemerintah %(region)s: %(name)s") % {
            "region": request.region.name,
            "name": _signer_name(by),
        }
        signed = agreement_document.sign(_read(agreement.file), label=label, first=True, place=request.region.name)
        replace_generated(agreement.file, signed)
        agreement.region_signer, agreement.region_signer_label, agreement.region_signed_at = by, label, now
        agreement.save(update_fields=["region_signer", "region_signer_label", "region_signed_at", "updated_at"])
        _record(request, "sign_region", actor=by, now=now)
    return agreement


def sign_for_ministry(*, request_id, by, expected_version: int, now=None) -> Agreement:
    """The ministry countersigns: the agreement is complete and verifiable, the region is active, its
    first services are adopted and its MPP manager is invited."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked(pk=request_id)
        _check(request, "sign_ministry", expected_version, by=by)
        agreement = Agreement.objects.select_for_update().get(request=request)
        label = _("Atas nama Kementerian PANRB, Deputi Bidang Pelayanan Publik: %(name)s") % {"name": _signer_name(by)}
        signed = agreement_document.sign(_read(agreement.file), label=label, first=False, place="Jakarta")
        replace_generated(agreement.file, signed)
        agreement.ministry_signer, agreement.ministry_signer_label, agreement.ministry_signed_at = by, label, now
        agreement.issued = record_issued(
            code=agreement.code,
            pdf=signed,
            document_type=DocumentType.PERJANJIAN_PELAKSANAAN,
            number=agreement.number,
            title=agreement_document.TITLE,
            issuer=f"{MINISTRY_LABEL} dan Pemerintah {request.region.name}",
            holder_name=f"Pemerintah {request.region.name}",
            region=request.region,
            key_fields=[
                (_("Keputusan penetapan lokus"), request.decree_number),
                (_("Pihak pertama"), agreement.region_signer_label),
                (_("Pihak kedua"), label),
            ],
            upload=agreement.file,
            now=now,
        )
        agreement.save()
        _record(request, "sign_ministry", actor=by, now=now)
        _activate(request, agreement, now=now)
    return agreement


def _activate(request: JoinRequest, agreement: Agreement, *, now) -> None:
    region = request.region
    since = timezone.localtime(now, ZoneInfo(region.time_zone)).date()
    Participation.objects.filter(region=region).update(active_since=since)
    for template in request.first_services.all():
        adopt_template(region=region, template=template)
    invite_staff(
        email=request.manager_email,
        name=request.manager_name,
        role=Role.MPP_MANAGER,
        region=region,
        username_hint=f"pengelola.{_slug(region)}",
        now=now,
    )
    _tell_contact(request, "join_active", agreement=agreement.number, since=f"{since:%d-%m-%Y}", now=now)


def record_pilot(*, region: Region, agreement_number: str, decree_number: str) -> bool:
    """Put a 2023 pilot region on record as active since 20 June 2023, with its agreement (signed on paper,
    so there is no file). Idempotent: False when the region is already on record."""
    if Participation.objects.filter(region=region).exists():
        return False
    since = dt.datetime.combine(PILOT_ACTIVE_SINCE, dt.time(9), tzinfo=ZoneInfo(MINISTRY_ZONE))
    with transaction.atomic():
        request = JoinRequest.objects.create(
            region=region,
            stage=Stage.ACTIVE,
            applicant_name=_("Kepala daerah"),
            applicant_position=_("Bupati/Wali Kota"),
            contact_email="",
            contact_phone="",
            bandwidth_mbps=0,
            counters=0,
            officers_trained=0,
            has_dukcapil_agreement=True,
            manager_name="",
            manager_email="",
            submitted_at=since,
            due_at=since,
            decree_number=decree_number,
            decree_date=PILOT_ACTIVE_SINCE,
            decided_at=since,
        )
        Agreement.objects.create(
            request=request,
            number=agreement_number,
            agreed_on=PILOT_ACTIVE_SINCE,
            region_signer_label=_("Kepala daerah (ditandatangani di atas kertas)"),
            region_signed_at=since,
            ministry_signer_label=_("Kementerian PANRB (ditandatangani di atas kertas)"),
            ministry_signed_at=since,
        )
        StageChange.objects.create(
            request=request,
            at=since,
            actor_label=MINISTRY_LABEL,
            action="pilot",
            from_stage=Stage.NOT_REQUESTED,
            to_stage=Stage.ACTIVE,
            note=_("Lokus percontohan MPP Digital 2023 (%(decree)s)") % {"decree": decree_number},
        )
        Participation.objects.create(
            region=region, stage=Stage.ACTIVE, stage_since=since, active_since=PILOT_ACTIVE_SINCE, request=request
        )
    return True


# --- the parts every step shares ------------------------------------------------------------


def _locked(**lookup) -> JoinRequest:
    request = JoinRequest.objects.select_for_update().select_related("region").filter(**lookup).first()
    if request is None:
        raise NotFound(_("Permohonan tidak ditemukan."))
    return request


def _check(request: JoinRequest, action: str, expected_version: int, *, by=None) -> None:
    """Refuse a move the table does not allow from here, by someone not entitled to it, or from a stale page."""
    move = TRANSITIONS[action]
    if move.actor != CONTACT and not _may_act(by, move.actor, request.region_id):
        raise NotFound(_("Permohonan tidak ditemukan."))
    if request.version != expected_version:
        raise Conflict(_("Permohonan ini baru saja diubah. Muat ulang halaman untuk melihat keadaannya sekarang."))
    if request.stage not in move.sources:
        raise JoinRefused(
            _("Langkah ini tidak dapat dilakukan pada tahap %(stage)s.") % {"stage": request.get_stage_display()}
        )


def _may_act(user, role: str, region_code: str) -> bool:
    if user is None or not user.is_active or not user.is_staff:
        return False
    if role == Role.MINISTRY:
        return user.is_superuser or RoleAssignment.objects.filter(user=user, role=Role.MINISTRY).exists()
    return RoleAssignment.objects.filter(user=user, role=role, region_id=region_code).exists()


def _record(request: JoinRequest, action: str, *, actor, now, note: str = "", actor_label: str = "", from_stage=None):
    """Move the request (and the region) to the action's stage, and append the history row."""
    target = TRANSITIONS[action].target
    from_stage = from_stage or request.stage
    request.stage, request.version = target, request.version + 1
    request.save()
    StageChange.objects.create(
        request=request,
        at=now,
        actor=actor,
        actor_label=actor_label or _actor_label(actor),
        action=action,
        from_stage=from_stage,
        to_stage=target,
        note=note,
    )
    Participation.objects.update_or_create(
        region=request.region, defaults={"stage": target, "stage_since": now, "request": request}
    )
    transaction.on_commit(invalidate_public_cache)  # the region's page and the public list show the stage


def _actor_label(user) -> str:
    if user is None:
        return ""
    roles = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    capacity = MINISTRY_LABEL if Role.MINISTRY in roles or user.is_superuser else str(Role.REGION_SIGNATORY.label)
    return f"{capacity} · {_signer_name(user)}"


def _signer_name(user) -> str:
    return user.get_full_name() or user.username


def _tell_contact(request: JoinRequest, kind: str, *, now, **context) -> None:
    link = reverse("onboarding:track", kwargs={"token": request.tracking_token})
    email(
        to=request.contact_email,
        kind=kind,
        key=f"join:{request.pk}:{request.version}",
        context={
            "region": request.region.name,
            "url": f"{settings.SITE_URL}{link}",
            "due_at": request.due_at.isoformat(),
            "zone": MINISTRY_ZONE,
            **context,
        },
        now=now,
    )


def _agreement_number(region: Region, day: dt.date) -> str:
    earlier = Agreement.objects.filter(request__region=region).count()
    return f"{earlier + 1:02d}/PKS-MPPD/{region.code}/{day.year}"


def _slug(region: Region) -> str:
    name = region.name.lower().removeprefix("kabupaten ").removeprefix("kota ")
    return "".join(ch for ch in name if ch.isalnum())


def _read(upload) -> bytes:
    with upload.file.open("rb") as handle:
        return handle.read()
