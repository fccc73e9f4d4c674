"""The RT/RW head's introduction (pengantar RT/RW) of a village letter, asked online.

The step that made people queue at a neighbourhood head's house, made light: when a letter that needs it
is submitted, the platform finds the applicant's RT head in the village's directory (from the RT/RW of
their registry address; the citizen may name another head) and sends them a one-time link by WhatsApp or
SMS through the outbox. The head opens it — no account — and confirms or declines in one tap. The answer,
the number it was sent to and the time go on the application's timeline. A link expires after
``LINK_HOURS``; the citizen may send it again (``MAX_REQUESTS`` times), which voids the previous link.

Only the token's hash is stored. The writes that move the application on are in ``services``
(``answer_introduction``, ``ask_introduction_again``); this module asks and checks links.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mpp.core.errors import DomainError
from mpp.notifications.services import text
from mpp.registry.selectors import person_record
from mpp.villages.models import NeighbourhoodHead
from mpp.villages.selectors import head_for

from .models import Application, Event, Introduction, Status

LINK_HOURS = 72
#: Requests per application: enough to try another head or an expired link, not enough to pester anyone.
MAX_REQUESTS = 5


class LinkInvalid(DomainError):
    """The link was answered, replaced, has expired or never existed: the head is told which."""

    status_code = 410


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def registry_neighbourhood(applicant) -> tuple[str, str, str]:
    """The applicant's (village code, RT, RW) as the registry says, or blanks."""
    record = person_record(applicant.nik) if applicant.nik else None
    address = (record.data.get("address") if record else None) or {}
    return address.get("village_code") or "", str(address.get("rt") or ""), str(address.get("rw") or "")


def ask_first(application: Application, *, now) -> Introduction | None:
    """At submission: ask the applicant's own RT head (else RW head) from the directory; None when the
    village has listed neither, and the citizen names one on the application's page."""
    village, rt, rw = registry_neighbourhood(application.applicant)
    if village != application.agency.village_id or not settings.SMS_GATEWAY_URL:
        return None
    head = head_for(village, rt=rt, rw=rw)
    return ask(application, head, now=now) if head is not None else None


def ask(application: Application, head: NeighbourhoodHead, *, now) -> Introduction:
    """Send ``head`` a one-time link to introduce the application's applicant; voids the open link, if any.

    Call inside a transaction holding the application. Raises DomainError when the head is not a serving
    head of the application's village, or the application has asked ``MAX_REQUESTS`` times.
    """
    if not head.is_active or head.village_id != application.agency.village_id:
        raise DomainError(_("Pilih ketua RT/RW dari desa/kelurahan yang memproses surat ini."))
    if not settings.SMS_GATEWAY_URL:
        raise DomainError(_("Pesan WhatsApp/SMS belum dapat dikirim dari MPP Digital. Hubungi kantor desa/kelurahan."))
    if Introduction.objects.filter(application=application).count() >= MAX_REQUESTS:
        raise DomainError(
            _("Pengantar sudah diminta %(count)s kali. Hubungi kantor desa/kelurahan Anda.") % {"count": MAX_REQUESTS}
        )
    Introduction.objects.filter(application=application, answer="", superseded_at__isnull=True).update(
        superseded_at=now
    )
    token = secrets.token_urlsafe(24)
    with translation.override(settings.LANGUAGE_CODE):
        title = str(head.title)
        note = _("Pengantar diminta dari %(head)s (%(name)s, %(phone)s).") % {
            "head": title,
            "name": head.name,
            "phone": head.masked_phone,
        }
    introduction = Introduction.objects.create(
        application=application,
        head=head,
        head_title=title,
        head_name=head.name,
        head_phone=head.phone,
        token_hash=token_hash(token),
        sent_at=now,
        expires_at=now + timedelta(hours=LINK_HOURS),
    )
    Event.objects.create(
        application=application,
        at=now,
        actor=None,
        actor_label=_system_label(),
        action="introduction_asked",
        from_status=application.status,
        to_status=application.status,
        note=note,
    )
    text(
        to=head.phone,
        channel=head.channel,
        kind="introduction_request",
        key=f"introduction:{introduction.pk}",
        context={
            "head": title,
            "applicant": application.beneficiary_name or application.applicant.get_full_name(),
            "service": application.service.template.name,
            "number": application.tracking_number,
            "hours": LINK_HOURS,
            "url": settings.SITE_URL + reverse("applications:introduction", args=[token]),
        },
        now=now,
    )
    return introduction


def by_token(token: str, *, for_update: bool = False) -> Introduction | None:
    """The introduction a link's token opens (with its application), or None."""
    if not token or len(token) > 100:
        return None
    queryset = Introduction.objects.select_related(
        "application__service__template", "application__agency__village", "application__applicant"
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.filter(token_hash=token_hash(token)).first()


def check_open(introduction: Introduction | None, *, now) -> Introduction:
    """``introduction`` if its link may still be answered; LinkInvalid saying why not otherwise."""
    if introduction is None:
        raise LinkInvalid(_("Tautan ini tidak dikenal. Periksa kembali pesan yang Anda terima."))
    if introduction.answer:
        raise LinkInvalid(_("Pengantar ini sudah dijawab. Terima kasih."))
    if introduction.superseded_at is not None:
        raise LinkInvalid(_("Tautan ini sudah diganti dengan permintaan baru. Gunakan pesan yang terbaru."))
    if now >= introduction.expires_at:
        raise LinkInvalid(_("Tautan ini sudah kedaluwarsa. Pemohon dapat meminta pengantar lagi."))
    if introduction.application.status != Status.WAITING_INTRODUCTION:
        raise LinkInvalid(_("Permohonan ini tidak lagi menunggu pengantar."))
    return introduction


def latest(application: Application) -> Introduction | None:
    """The application's latest request for an introduction, for its page."""
    return application.introductions.order_by("-sent_at", "-id").first()


def _system_label() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Sistem MPP Digital")
