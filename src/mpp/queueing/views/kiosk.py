"""The MPP's entrance kiosk: a tablet by the door (a phone works too) where a walk-in takes a number and a
booking checks in.

Start: the MPP's lines (letter, agency, how many wait) and a box for a booking's code (the kiosk's QR scanner
types the code like a keyboard, so the box has the focus) → the agency's page: a service of it (optional) and
whether the visitor needs priority → the POST issues the ticket and redirects (303) to the ticket's page in
kiosk mode (``?kios=1``: the big number, print, send to a phone, and back to the start after a quiet half
minute, ``kiosk.js``; a meta refresh would fail WCAG 2.2.1). Every POST answers with a redirect, so a reload
never takes a second number.

The kiosk is one device, so one address takes every visitor's number: its limits fit a busy MPP's day and only
stop a script filling the line with false tickets or sending SMS in bulk (``core.limits``).
"""

import uuid

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mpp.catalog.models import Agency, Counter, Mpp, Service
from mpp.core.errors import DomainError, NotFound
from mpp.core.limits import over_limit

from .. import board, bookings, selectors, services
from ..models import CODE_LENGTH, Priority, Ticket, normalise_code
from . import board as board_views

#: Tickets per address: a busy MPP's kiosk gives one every few seconds at the morning peak (17 counters
#: serve about 170 visitors an hour), so the limit leaves room for that and stops only a script.
TICKETS_PER_ADDRESS = "300/h"
#: Check-in tries per address: a booking code has about 40 bits, so this is about mistyping, not guessing.
CHECK_INS_PER_ADDRESS = "120/h"
#: SMS per address (they cost money) and per ticket (a visitor retyping a wrong number, never a flood).
SMS_PER_ADDRESS = "60/h"
SMS_PER_TICKET = "3/d"
TOO_MANY = gettext_lazy("Terlalu banyak permintaan dari perangkat ini. Coba lagi nanti atau minta bantuan petugas.")
TOO_MANY_SMS = gettext_lazy("Tiket ini sudah dikirim beberapa kali. Minta bantuan petugas bila belum sampai.")


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode pesanan"),
        max_length=20,
        help_text=gettext_lazy("Pindai kode QR pesanan Anda, atau ketik 8 huruf dan angkanya."),
        error_messages={"required": gettext_lazy("Pindai atau ketik kode pesanan Anda.")},
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("Kode pesanan terdiri dari 8 huruf dan angka."))
        return code


class TicketForm(forms.Form):
    """A service of the agency offered at the MPP (or none: the counter finds out) and the priority."""

    service = forms.ModelChoiceField(
        label=gettext_lazy("Layanan yang Anda perlukan"),
        queryset=Service.objects.none(),
        required=False,
        blank=True,  # a radio for "no service" too: the counter finds out what the visitor needs
        empty_label=gettext_lazy("Belum tahu / layanan lain"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Pilih layanan dari daftar.")},
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Perlu didahulukan?"),
        choices=Priority.choices,
        required=False,
        initial=Priority.NONE,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Lansia, penyandang disabilitas, ibu hamil dan yang membawa bayi atau balita dilayani lebih dulu."
        ),
        error_messages={"invalid_choice": gettext_lazy("Pilih jenis prioritas dari daftar.")},
    )

    def __init__(self, *args, mpp: Mpp, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = (
            Service.objects.filter(agency=agency, region_id=mpp.region_id, is_active=True)
            .select_related("template")
            .order_by("template__name")
        )
        self.fields["service"].label_from_instance = lambda service: service.template.name


def _lines(mpp: Mpp) -> list:
    """The MPP's lines, one per agency with a counter there, lettered the first time a new agency appears."""
    lines = list(selectors.lines_of(mpp))
    serving = set(Counter.objects.filter(mpp=mpp).values_list("agency_id", flat=True))
    if serving - {line.agency_id for line in lines}:
        services.assign_letters(mpp)
        board.changed(mpp.pk)  # the board lists the new line
        lines = list(selectors.lines_of(mpp))
    return lines


def _line(mpp: Mpp, agency_id: str):
    """The agency's line at the MPP (lettered when the start page listed it), else 404: another MPP's or
    region's agency, or a made-up one."""
    try:
        wanted = uuid.UUID(agency_id)
    except (TypeError, ValueError):
        raise Http404 from None
    line = selectors.line_of(mpp, wanted)
    if line is None:  # a kiosk that never showed its start page yet: the agency's line is lettered now
        agency = Agency.objects.filter(pk=wanted).first()
        try:
            line = services.line_for(mpp=mpp, agency=agency) if agency is not None else None
        except NotFound:
            line = None
    if line is None:
        raise Http404
    return line


def _to_ticket(ticket: Ticket) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('queueing:ticket', args=[ticket.pk])}?kios=1", status=303)


@require_http_methods(["GET", "POST"])
def kiosk(request, mpp_id):
    """The start (the lines and the check-in box) or, with ``?instansi=``, the agency's page; its POST issues."""
    mpp = board_views.mpp_or_404(mpp_id)
    agency_id = request.POST.get("agency") if request.method == "POST" else request.GET.get("instansi")
    if request.method == "GET" and not agency_id:
        return _start_page(request, mpp, _lines(mpp), CheckInForm())
    line = _line(mpp, agency_id)
    form = TicketForm(request.POST if request.method == "POST" else None, mpp=mpp, agency=line.agency)
    if request.method == "GET":
        return _agency_page(request, mpp, line, form)
    if over_limit(request, "queue-kiosk-ticket", "ip", TICKETS_PER_ADDRESS):
        return _agency_page(request, mpp, line, form, problem=str(TOO_MANY), status=429)
    if not form.is_valid():
        return _agency_page(request, mpp, line, form, status=400)
    try:
        ticket = services.issue_ticket(
            mpp=mpp,
            agency=line.agency,
            service=form.cleaned_data["service"],
            priority=form.cleaned_data["priority"] or Priority.NONE,
        )
    except DomainError as refused:
        return _agency_page(request, mpp, line, form, problem=refused.message, status=refused.status_code)
    return _to_ticket(ticket)


@require_POST
def check_in(request, mpp_id):
    """A booking's code at the kiosk: its ticket, or the start page saying why not (400, 404, 409, 429)."""
    mpp = board_views.mpp_or_404(mpp_id)
    form = CheckInForm(request.POST)
    if over_limit(request, "queue-kiosk-check-in", "ip", CHECK_INS_PER_ADDRESS):
        return _start_page(request, mpp, _lines(mpp), form, problem=str(TOO_MANY), status=429)
    if not form.is_valid():
        return _start_page(request, mpp, _lines(mpp), form, status=400)
    try:
        ticket = bookings.check_in(mpp=mpp, code=form.cleaned_data["code"])
    except DomainError as refused:
        return _start_page(request, mpp, _lines(mpp), form, problem=refused.message, status=refused.status_code)
    return _to_ticket(ticket)


@require_POST
def send_ticket(request, ticket_id):
    """Send the ticket's page to the visitor's phone by SMS (404 when no SMS gateway is configured)."""
    ticket = board_views.public_ticket_or_404(ticket_id)
    if not settings.SMS_GATEWAY_URL:
        raise Http404
    at_kiosk = bool(request.POST.get("kios"))
    form = board_views.PhoneForm(request.POST)
    if over_limit(request, "queue-ticket-sms", "ip", SMS_PER_ADDRESS):
        return board_views.ticket_page(
            request, ticket, kiosk=at_kiosk, phone_form=form, problem=str(TOO_MANY), status=429
        )
    if over_limit(request, "queue-ticket-sms-ticket", lambda _group, _request: str(ticket.pk), SMS_PER_TICKET):
        return board_views.ticket_page(
            request, ticket, kiosk=at_kiosk, phone_form=form, problem=str(TOO_MANY_SMS), status=429
        )
    if not form.is_valid():
        return board_views.ticket_page(request, ticket, kiosk=at_kiosk, phone_form=form, status=400)
    try:
        services.send_ticket(ticket_id=ticket.pk, phone=form.cleaned_data["phone"])
    except DomainError as refused:
        return board_views.ticket_page(
            request, ticket, kiosk=at_kiosk, phone_form=form, problem=refused.message, status=refused.status_code
        )
    query = "?kios=1&terkirim=1" if at_kiosk else "?terkirim=1"
    return HttpResponseRedirect(f"{reverse('queueing:ticket', args=[ticket.pk])}{query}", status=303)


def _start_page(request, mpp: Mpp, lines: list, form: CheckInForm, *, problem: str = "", status: int = 200):
    waiting = {line["letter"]: line["waiting"] for line in board.snapshot(mpp).board["lines"]}
    context = {
        "mpp": mpp,
        "lines": [(line, waiting.get(line.letter, 0)) for line in lines],
        "form": form,
        "problem": problem,
    }
    return render(request, "queueing/kiosk.html", context, status=status)


def _agency_page(request, mpp: Mpp, line, form: TicketForm, *, problem: str = "", status: int = 200):
    context = {
        "mpp": mpp,
        "line": line,
        "form": form,
        "problem": problem,
        "reset_seconds": board_views.KIOSK_RESET_SECONDS * 2,
    }
    return render(request, "queueing/kiosk_agency.html", context, status=status)
