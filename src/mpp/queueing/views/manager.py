"""The MPP manager's queue page: today's line per agency, the day's figures with a chart by hour, and the
rules the manager keeps: each service's booking capacity, days closed or with other hours, the queue's policy
and the display board's announcement.

Managers see and change the MPPs of their regions (``access.managed_mpps``); the ministry sees every MPP's
page, read-only; anyone else, and another region's manager, gets a 404. Every change is a POST to
``manager_act`` that redirects back (PRG); refused input comes back on the page, by its field, with a 400.
"""

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mpp.catalog.models import Mpp
from mpp.core import clock
from mpp.core.errors import DomainError
from mpp.core.tenancy import region_scope
from mpp.identity.access import role_required
from mpp.identity.models import Role

from .. import access, charts, rules, selectors, services
from ..forms import AnnouncementForm, CapacityForm, DayChangeForm, PolicyForm, RestoreDayForm
from ..line import today_at
from ..models import Booking, BookingStatus, Capacity, DayChange
from ..selectors import offered_services

VIEWERS = (Role.MPP_MANAGER, Role.MINISTRY)


def _visible(user):
    """The MPPs whose queue page ``user`` may read: their regions' (a manager), every one (the ministry)."""
    return region_scope(user).filter(Mpp.objects.select_related("region").order_by("name"))


@role_required(*VIEWERS)
@require_GET
def manager(request):
    """The MPPs the user may see; straight to the MPP when there is only one."""
    mpps = list(_visible(request.user))
    if not mpps:
        raise Http404
    if len(mpps) == 1:
        return redirect("queueing:manager_mpp", mpp_id=mpps[0].pk)
    managed = set(access.managed_mpps(request.user).values_list("pk", flat=True))
    return render(request, "queueing/manager.html", {"mpps": mpps, "managed": managed})


@role_required(*VIEWERS)
@require_GET
def mpp_queue(request, mpp_id):
    mpp = _visible(request.user).filter(pk=mpp_id).first()
    if mpp is None:
        raise Http404
    return _page(request, mpp)


def _capacities(mpp: Mpp) -> dict:
    return dict(Capacity.objects.filter(mpp=mpp).values_list("service_id", "per_slot"))


def _by_hour(figures) -> tuple[tuple[int, int, float | None], ...]:
    """The day's hours from the first to the last with tickets, an hour without any as 0 (the chart's gaps)."""
    rows = {hour: (tickets, wait) for hour, tickets, wait in figures.by_hour}
    if not rows:
        return ()
    return tuple((hour, *rows.get(hour, (0, None))) for hour in range(min(rows), max(rows) + 1))


def _page(request, mpp: Mpp, *, bound: dict | None = None, error: str = "", status: int = 200):
    """The page, with the forms the request left invalid (``bound``) in place of the blank ones."""
    now = timezone.now()
    today = today_at(mpp, now)
    policy = services.policy_of(mpp)
    can_edit = access.managed_mpps(request.user).filter(pk=mpp.pk).exists()
    figures = selectors.day_figures(mpp, today)
    hours = _by_hour(figures)
    context = {
        "mpp": mpp,
        "today": today,
        "policy": policy,
        "can_edit": can_edit,
        "error": error,
        "lines": selectors.live_line(mpp, now),
        "figures": figures,
        "hours": hours,
        "chart": charts.tickets_by_hour(_("Tiket per jam"), tuple((hour, count) for hour, count, _wait in hours))
        if hours
        else "",
        "bookings_today": Booking.objects.filter(
            mpp=mpp, day=today, status__in=(BookingStatus.BOOKED, BookingStatus.CHECKED_IN)
        ).count(),
        "changes": list(DayChange.objects.filter(mpp=mpp, day__gte=today).order_by("day")[:60]),
        "capacity_form": CapacityForm(services=list(offered_services(mpp)), capacities=_capacities(mpp)),
        "day_form": DayChangeForm(today=today),
        "policy_form": PolicyForm(policy=policy),
        "announcement_form": AnnouncementForm(initial={"text": policy.announcement}),
    } | (bound or {})
    return render(request, "queueing/manager_mpp.html", context, status=status)


def _done(request, mpp: Mpp, message: str):
    messages.success(request, message)
    return redirect("queueing:manager_mpp", mpp_id=mpp.pk)


def _save_capacities(request, mpp: Mpp):
    form = CapacityForm(request.POST, services=list(offered_services(mpp)), capacities=_capacities(mpp))
    if form.is_valid():
        changed = form.changed()
        try:
            with transaction.atomic():  # all the numbers or none
                for service, per_slot in changed:
                    rules.set_capacity(mpp=mpp, service=service, per_slot=per_slot, by=request.user)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            return _done(
                request, mpp, _("Kuota pemesanan disimpan (%(count)s layanan diubah).") % {"count": len(changed)}
            )
    return _page(request, mpp, bound={"capacity_form": form}, status=400)


def _change_day(request, mpp: Mpp):
    form = DayChangeForm(request.POST, today=today_at(mpp, timezone.now()))
    if form.is_valid():
        data = form.cleaned_data
        held = rules.bookings_on(mpp, data["day"])
        try:
            change = rules.change_day(
                mpp=mpp,
                day=data["day"],
                opens=data["opens"],
                closes=data["closes"],
                reason=data["reason"],
                by=request.user,
            )
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            day = clock.local_date(change.day)
            message = (_("MPP tutup pada %(day)s.") if change.is_closed else _("Jam layanan %(day)s diubah.")) % {
                "day": day
            }
            cancelled = held - rules.bookings_on(mpp, change.day)
            if cancelled:
                message += " " + _("%(count)s pesanan pada hari itu dibatalkan dan pemesannya diberi tahu.") % {
                    "count": cancelled
                }
            return _done(request, mpp, message)
    return _page(request, mpp, bound={"day_form": form}, status=400)


def _restore_day(request, mpp: Mpp):
    form = RestoreDayForm(request.POST)
    if not form.is_valid():
        return _page(request, mpp, error=_("Pilih hari dari daftar."), status=400)
    day: dt.date = form.cleaned_data["day"]
    try:
        rules.restore_day(mpp=mpp, day=day, by=request.user)
    except DomainError as refused:
        return _page(request, mpp, error=refused.message, status=refused.status_code)
    return _done(request, mpp, _("%(day)s kembali memakai jam layanan biasa.") % {"day": clock.local_date(day)})


def _save_policy(request, mpp: Mpp):
    form = PolicyForm(request.POST, policy=services.policy_of(mpp))
    if form.is_valid():
        try:
            rules.set_policy(mpp=mpp, by=request.user, **form.cleaned_data)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            return _done(request, mpp, _("Aturan antrean disimpan."))
    return _page(request, mpp, bound={"policy_form": form}, status=400)


def _save_announcement(request, mpp: Mpp):
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        try:
            policy = rules.set_announcement(mpp=mpp, text=form.cleaned_data["text"], by=request.user)
        except DomainError as refused:
            form.add_error("text", refused.message)
        else:
            done = _("Pengumuman tampil di layar antrean.") if policy.announcement else _("Pengumuman dihapus.")
            return _done(request, mpp, done)
    return _page(request, mpp, bound={"announcement_form": form}, status=400)


ACTIONS = {
    "kuota": _save_capacities,
    "ubah-hari": _change_day,
    "pulihkan-hari": _restore_day,
    "aturan": _save_policy,
    "pengumuman": _save_announcement,
}


@role_required(Role.MPP_MANAGER)
@require_POST
def act(request, mpp_id, action):
    """One change of the MPP's queue rules (``ACTIONS``), by a manager of its region."""
    mpp = access.managed_mpps(request.user).filter(pk=mpp_id).first()
    if mpp is None or action not in ACTIONS:
        raise Http404
    return ACTIONS[action](request, mpp)
