"""The public faces of the line: the display board on the MPP's TV and the visitor's ticket page on their phone.

Both read the MPP's snapshot (``board.snapshot``) and render it on the server, so they are readable before any
script runs; then their scripts poll a small JSON view with the snapshot's version as ETag and get 304 Not
Modified while nothing changed (docs/decisions/0013-queue-display-polling.md). The board's poll reads only the
cache: no database query while the snapshot lives. The board shows numbers and counters, never a name or a
ticket's id; the ticket page shows its own number and status, never the phone number it was sent to.
"""

import re

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from mpp.catalog.models import Mpp
from mpp.core import qr

from .. import board, selectors
from ..models import OPEN_STATUSES, Ticket, TicketStatus

#: Indonesian mobile numbers as people type them: 08…, 628… or +628…, 10 to 13 digits in the 08… form.
MOBILE = re.compile(r"^(?:\+?62|0)(8\d{7,11})$")
#: Seconds a ticket page at the kiosk stays before the kiosk starts again for the next visitor.
KIOSK_RESET_SECONDS = 30
#: How often the pages poll (milliseconds): the board every second, a phone every three.
DISPLAY_POLL_MS = 1000
TICKET_POLL_MS = 3000


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Nomor ponsel"),
        max_length=20,
        help_text=gettext_lazy("Contoh: 081234567890. Nomor ini tidak ditampilkan di mana pun."),
        error_messages={"required": gettext_lazy("Tulis nomor ponsel Anda.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean_phone(self):
        """The number as +628…, the form the SMS gateway takes."""
        match = MOBILE.match(re.sub(r"[\s().-]", "", self.cleaned_data["phone"]))
        if match is None:
            raise forms.ValidationError(_("Tulis nomor ponsel Indonesia, mis. 081234567890."))
        return f"+62{match.group(1)}"


def mpp_or_404(mpp_id) -> Mpp:
    mpp = Mpp.objects.select_related("region").filter(pk=mpp_id).first()
    if mpp is None:
        raise Http404
    return mpp


def _not_modified(request, etag: str) -> bool:
    return etag in parse_etags(request.headers.get("If-None-Match", ""))


def _with_etag(response, etag: str):
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def _split_calls(snapshot_board: dict) -> tuple[list, list]:
    """The current calls, and the earlier ones without those already shown as current."""
    current = snapshot_board["current"]
    shown = {call["ticket"] for call in current}
    return current, [call for call in snapshot_board["recent"] if call["ticket"] not in shown]


@require_GET
def display(request, mpp_id):
    """The MPP's board, for a TV: the calls, the lines and the announcement, rendered as they are now."""
    mpp = mpp_or_404(mpp_id)
    snap = board.snapshot(mpp)
    current, recent = _split_calls(snap.board)
    context = {
        "mpp": mpp,
        "version": snap.version,
        "current": current,
        "recent": recent,
        "lines": snap.board["lines"],
        "announcement": snap.board["announcement"],
        "now": timezone.now(),
        "poll_ms": DISPLAY_POLL_MS,
    }
    return render(request, "queueing/display.html", context)


@require_GET
def display_status(request, mpp_id):
    """The board's snapshot as JSON with its version as ETag; 304 with no body while it is unchanged."""
    snap = board.cached(mpp_id) or board.snapshot(mpp_or_404(mpp_id))
    etag = f'"{snap.version}"'
    if _not_modified(request, etag):
        return _with_etag(HttpResponseNotModified(), etag)
    return _with_etag(JsonResponse(snap.board), etag)


def public_ticket_or_404(ticket_id) -> Ticket:
    ticket = selectors.public_ticket(ticket_id)
    if ticket is None:
        raise Http404
    return ticket


def ticket_state(snap: board.Snapshot, ticket: Ticket) -> dict:
    """What the ticket's page says about it now: the status, a sentence, the people ahead, the minutes, the counter."""
    counter = (
        ticket.counter.number
        if ticket.counter_id and ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING)
        else None
    )
    ahead = minutes = None
    match ticket.status:
        case TicketStatus.WAITING:
            place = board.position(snap, ticket)
            if place is None:
                text = _("Menunggu dipanggil.")
            else:
                ahead, minutes = place
                if ahead == 0:
                    text = _("Menunggu — Anda berikutnya.")
                else:
                    text = ngettext(
                        "Menunggu — %(ahead)s orang di depan Anda, perkiraan %(minutes)s menit.",
                        "Menunggu — %(ahead)s orang di depan Anda, perkiraan %(minutes)s menit.",
                        ahead,
                    ) % {"ahead": ahead, "minutes": minutes}
        case TicketStatus.CALLED:
            text = _("Dipanggil! Silakan ke loket %(counter)s.") % {"counter": counter}
        case TicketStatus.SERVING:
            text = _("Sedang dilayani di loket %(counter)s.") % {"counter": counter}
        case TicketStatus.DONE:
            text = _("Selesai dilayani. Terima kasih atas kunjungan Anda.")
        case _:
            text = _(
                "Nomor ini sudah dipanggil, tetapi Anda tidak datang ke loket. Ambil nomor baru atau tanyakan "
                "kepada petugas."
            )
    return {
        "status": ticket.status,
        "text": text,
        "ahead": ahead,
        "minutes": minutes,
        "counter": counter,
        # Each call (a recall too) has its own moment: the page buzzes once per call.
        "called_at": ticket.last_called_at.isoformat() if ticket.status == TicketStatus.CALLED else None,
    }


def _ticket_etag(snap: board.Snapshot, ticket: Ticket) -> str:
    return f'"{snap.version}-{ticket.status}"'


def ticket_page(request, ticket: Ticket, *, kiosk: bool, phone_form=None, sent=False, problem="", status=200):
    """The ticket's page: on the visitor's phone, or at the kiosk (print, send by SMS, back to the start)."""
    snap = board.snapshot(ticket.mpp)
    url = f"{settings.SITE_URL}{reverse('queueing:ticket', args=[ticket.pk])}"
    context = {
        "ticket": ticket,
        "mpp": ticket.mpp,
        "state": ticket_state(snap, ticket),
        "kiosk": kiosk,
        "sent": sent,
        "problem": problem,
        "url": url,
        "poll_ms": TICKET_POLL_MS,
        "etag": _ticket_etag(snap, ticket),
        "is_open": ticket.status in OPEN_STATUSES,
    }
    if kiosk:
        context |= {
            "qr_svg": qr.svg(url),
            "phone_form": phone_form or PhoneForm(),
            "can_text": bool(settings.SMS_GATEWAY_URL),
            "reset_seconds": KIOSK_RESET_SECONDS,
        }
    return render(request, "queueing/ticket.html", context, status=status)


@require_GET
def ticket(request, ticket_id):
    ticket = public_ticket_or_404(ticket_id)
    return ticket_page(request, ticket, kiosk="kios" in request.GET, sent="terkirim" in request.GET)


@require_GET
def ticket_status(request, ticket_id):
    """The ticket's state as JSON for its page's poll (one query for the ticket, the rest from the snapshot).
    Its ETag is the snapshot's version and the ticket's status: 304 with no body while neither changed."""
    ticket = public_ticket_or_404(ticket_id)
    snap = board.snapshot(ticket.mpp)
    etag = _ticket_etag(snap, ticket)
    if _not_modified(request, etag):
        return _with_etag(HttpResponseNotModified(), etag)
    return _with_etag(JsonResponse(ticket_state(snap, ticket) | {"ticket": ticket.label}), etag)
