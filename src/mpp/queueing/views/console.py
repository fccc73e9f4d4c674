"""The counter console: the officer picks their counter, sees its line and calls, recalls, serves, finishes,
marks no-show or transfers. Every action is a POST that redirects back (a reload never repeats it); the line
refreshes itself every few seconds (htmx), and without JavaScript on each action."""

import uuid

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mpp.core.errors import DomainError
from mpp.identity.access import officer_required

from .. import access, selectors, services
from ..models import Priority


class TransferForm(forms.Form):
    to_counter = forms.ModelChoiceField(
        label=gettext_lazy("Alihkan ke loket"), queryset=None, required=True, empty_label=None
    )

    def __init__(self, *args, counter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_counter"].queryset = selectors.other_counters(counter)
        self.fields["to_counter"].label_from_instance = lambda other: f"{other.number} · {other.agency.kind.short_name}"


def _counter(request, counter_id):
    counter = access.counter_for(request.user, counter_id)
    if counter is None:
        raise Http404
    return counter


@officer_required
def start(request):
    """The officer's counters; straight to the console when there is only one."""
    counters = list(access.counters_of(request.user))
    if not counters:
        raise Http404
    if len(counters) == 1:
        return redirect("queueing:console", counter_id=counters[0].pk)
    return render(request, "queueing/console_start.html", {"counters": counters})


def _line_context(counter) -> dict:
    return {"counter": counter, "waiting": selectors.waiting_for(counter), "priorities": Priority.choices}


@officer_required
def console(request, counter_id):
    counter = _counter(request, counter_id)
    current = selectors.open_at(counter)
    context = _line_context(counter) | {
        "current": current,
        "served_today": selectors.served_today(counter),
        "last_served": None if current else selectors.last_served(counter),
        "transfer_form": TransferForm(counter=counter),
        "assist_url": _assist_url(current),
        "applications": selectors.applications_of(current) if current else [],
    }
    return render(request, "queueing/console.html", context)


@officer_required
def line(request, counter_id):
    """The waiting line alone, which the console refreshes every few seconds."""
    return render(request, "queueing/_console_line.html", _line_context(_counter(request, counter_id)))


def _assist_url(ticket) -> str:
    """The assisted application at /loket/ for the ticket's visitor: its service chosen, the visit carried."""
    if ticket is None:
        return ""
    query = f"?kunjungan={ticket.pk}"
    if ticket.service_id:
        query += f"&layanan={ticket.service_id}"
    return reverse("applications:counter") + query


ACTIONS = {
    "panggil": "call",
    "selesai-panggil": "finish_and_call",
    "panggil-ulang": "recall",
    "tidak-hadir": "no_show",
    "mulai": "start",
    "selesai": "finish",
    "alihkan": "transfer",
    "prioritas": "priority",
}


@officer_required
@require_POST
def act(request, counter_id, action):
    counter = _counter(request, counter_id)
    if action not in ACTIONS:
        raise Http404
    ticket_id = request.POST.get("ticket", "")
    officer = request.user
    try:
        match ACTIONS[action]:
            case "call":
                ticket = services.call_next(counter=counter, officer=officer)
                if ticket is None:
                    messages.info(request, _("Tidak ada yang menunggu di antrean loket ini."))
                else:
                    messages.success(request, _("Nomor %(label)s dipanggil.") % {"label": ticket})
            case "finish_and_call":
                finished, ticket = services.finish_and_call_next(counter=counter, officer=officer)
                if finished is not None:
                    messages.success(request, _("Nomor %(label)s selesai dilayani.") % {"label": finished})
                if ticket is None:
                    messages.info(request, _("Tidak ada yang menunggu di antrean loket ini."))
                else:
                    messages.success(request, _("Nomor %(label)s dipanggil.") % {"label": ticket})
            case "recall":
                ticket = services.recall(ticket_id=_uuid(ticket_id), counter=counter, officer=officer)
                messages.success(request, _("Nomor %(label)s dipanggil ulang.") % {"label": ticket})
            case "no_show":
                ticket = services.mark_no_show(ticket_id=_uuid(ticket_id), counter=counter, officer=officer)
                messages.success(request, _("Nomor %(label)s ditandai tidak hadir.") % {"label": ticket})
            case "start":
                ticket = services.start_serving(ticket_id=_uuid(ticket_id), counter=counter, officer=officer)
            case "finish":
                ticket = services.finish(ticket_id=_uuid(ticket_id), counter=counter, officer=officer)
                messages.success(request, _("Nomor %(label)s selesai dilayani.") % {"label": ticket})
            case "priority":
                ticket = services.set_priority(
                    ticket_id=_uuid(ticket_id),
                    counter=counter,
                    officer=officer,
                    priority=request.POST.get("priority", ""),
                )
                messages.success(request, _("Prioritas nomor %(label)s diubah.") % {"label": ticket})
            case "transfer":
                form = TransferForm(request.POST, counter=counter)
                if not form.is_valid():
                    raise DomainError(_("Pilih loket tujuan dari daftar."))
                target = form.cleaned_data["to_counter"]
                ticket = services.transfer(
                    ticket_id=_uuid(ticket_id), counter=counter, officer=officer, to_counter=target
                )
                moved = _("Nomor %(label)s dialihkan ke loket %(number)s.")
                messages.success(request, moved % {"label": ticket, "number": target.number})
    except DomainError as refused:
        messages.error(request, refused.message)
    return redirect("queueing:console", counter_id=counter.pk)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise DomainError(_("Tiket tidak ditemukan di loket ini.")) from None
