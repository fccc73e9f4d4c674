"""Writes of appointments: booking a slot, cancelling or moving it, checking in at the kiosk, the day-before
reminder and the no-shows.

A slot takes at most its capacity: ``SlotCount`` grows by one only while it is under the capacity, in one
conditional UPDATE, so the last place goes to one citizen however many press at once. A citizen holds at
most ``Policy.max_future_bookings`` bookings ahead (their account row is locked while one is made), and one
who missed ``no_show_limit`` bookings within ``no_show_window_days`` may not book for ``no_show_block_days``
after the last one: a broker cannot hoard slots.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mpp.catalog.models import Counter, Mpp, Service
from mpp.core import clock
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.identity.models import User
from mpp.notifications import services as notifications

from . import services
from .line import today_at
from .models import Booking, BookingStatus, Policy, SlotCount, Ticket, normalise_code
from .slots import capacity_of, hours_on, slot_starts

#: What the kiosk says of a booking that cannot check in any more, by its status.
ALREADY = {
    BookingStatus.CHECKED_IN: gettext_lazy("Pesanan ini sudah check-in: lihat nomor antrean Anda atau tanya petugas."),
    BookingStatus.CANCELLED: gettext_lazy("Pesanan ini sudah dibatalkan. Ambil nomor antrean di kios."),
    BookingStatus.NO_SHOW: gettext_lazy("Waktu check-in pesanan ini sudah lewat. Ambil nomor antrean di kios."),
}


class BookingRefused(DomainError):
    """A booking the rules do not allow, with the reason for the citizen."""


def offers(mpp: Mpp, service: Service) -> bool:
    """Whether the MPP serves ``service``: its agency has a counter there, in the MPP's own region."""
    return (
        service.is_active
        and service.region_id == mpp.region_id
        and Counter.objects.filter(mpp=mpp, agency_id=service.agency_id).exists()
    )


def _check_slot(mpp: Mpp, service: Service, starts_at: dt.datetime, now: dt.datetime, policy: Policy) -> None:
    if not offers(mpp, service):
        raise NotFound(_("Layanan ini tidak tersedia di MPP ini."))
    if starts_at <= now:
        raise BookingRefused(_("Slot itu sudah lewat. Pilih slot lain."))
    local = clock.in_zone(starts_at, mpp.region.time_zone)
    day = local.date()
    if day > today_at(mpp, now) + dt.timedelta(days=policy.booking_days):
        raise BookingRefused(_("Pemesanan paling jauh %(days)s hari ke depan.") % {"days": policy.booking_days})
    hours = hours_on(mpp, day)
    if not hours.is_open:
        reason = f" ({hours.reason})" if hours.reason else ""
        raise BookingRefused(_("MPP tutup pada hari itu%(reason)s. Pilih hari lain.") % {"reason": reason})
    if starts_at not in slot_starts(mpp, day, hours, policy.slot_minutes):
        raise BookingRefused(_("Itu bukan salah satu slot MPP pada hari itu. Pilih dari daftar."))


def _check_citizen(citizen: User, policy: Policy, now: dt.datetime, zone: str) -> None:
    mine = Booking.objects.filter(citizen=citizen)
    if mine.filter(status=BookingStatus.BOOKED, starts_at__gt=now).count() >= policy.max_future_bookings:
        raise BookingRefused(
            _("Anda sudah memegang %(count)s pesanan aktif. Batalkan salah satu atau datang dulu.")
            % {"count": policy.max_future_bookings}
        )
    since = now - dt.timedelta(days=policy.no_show_window_days)
    missed = list(
        mine.filter(status=BookingStatus.NO_SHOW, starts_at__gte=since)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
    )
    if len(missed) >= policy.no_show_limit:
        until = missed[0] + dt.timedelta(days=policy.no_show_block_days)
        if until > now:
            raise BookingRefused(
                _(
                    "Anda %(count)s kali tidak hadir pada pesanan sebelumnya. Pemesanan dapat dilakukan lagi "
                    "mulai %(date)s; sampai saat itu, ambil nomor antrean langsung di MPP."
                )
                % {"count": len(missed), "date": clock.local_date(until, zone)}
            )


def _take_place(mpp: Mpp, service: Service, starts_at: dt.datetime, capacity: int) -> None:
    """One place of the slot, or BookingRefused when it is full (the conditional UPDATE decides)."""
    SlotCount.objects.bulk_create(
        [SlotCount(mpp=mpp, service=service, starts_at=starts_at, booked=0)], ignore_conflicts=True
    )
    taken = SlotCount.objects.filter(mpp=mpp, service=service, starts_at=starts_at, booked__lt=capacity).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise BookingRefused(_("Slot itu sudah penuh. Pilih slot lain."))


def _give_back(booking: Booking) -> None:
    SlotCount.objects.filter(
        mpp_id=booking.mpp_id, service_id=booking.service_id, starts_at=booking.starts_at, booked__gt=0
    ).update(booked=F("booked") - 1)


def _context(booking: Booking) -> dict:
    zone = booking.mpp.region.time_zone
    return {
        "code": booking.code,
        "service": booking.service.template.name,
        "mpp": booking.mpp.name,
        "when": clock.local_time(booking.starts_at, zone),
        "url": f"{settings.SITE_URL}{reverse('queueing:booking', args=[booking.pk])}",
    }


@transaction.atomic
def book(*, citizen: User, mpp: Mpp, service: Service, starts_at: dt.datetime, now=None) -> Booking:
    """Book the slot starting at ``starts_at`` for ``citizen``. Raises NotFound (the MPP does not offer the
    service) or BookingRefused (past, too far, closed, not a slot, full, too many bookings, no-shows)."""
    now = now or timezone.now()
    policy = services.policy_of(mpp)
    _check_slot(mpp, service, starts_at, now, policy)
    capacity = capacity_of(mpp, service)
    if not capacity:
        raise BookingRefused(_("Layanan ini belum menerima pemesanan di MPP ini; ambil nomor antrean di MPP."))
    User.objects.select_for_update().filter(pk=citizen.pk).first()  # one booking at a time per citizen
    _check_citizen(citizen, policy, now, mpp.region.time_zone)
    if Booking.objects.filter(
        citizen=citizen, service=service, starts_at=starts_at, status=BookingStatus.BOOKED
    ).exists():
        raise BookingRefused(_("Anda sudah memesan slot ini."))
    _take_place(mpp, service, starts_at, capacity)
    booking = Booking.objects.create(
        mpp=mpp,
        service=service,
        agency_id=service.agency_id,
        citizen=citizen,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=policy.slot_minutes),
        day=clock.in_zone(starts_at, mpp.region.time_zone).date(),
    )
    notifications.notify(user=citizen, kind="queue_booked", key=f"booking:{booking.pk}", context=_context(booking))
    return booking


def _own(booking_id, citizen: User) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("mpp__region", "service__template")
        .filter(pk=booking_id, citizen=citizen)
        .first()
    )
    if booking is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return booking


@transaction.atomic
def cancel(*, booking_id, citizen: User, now=None) -> Booking:
    """Cancel the citizen's own booking before its slot begins; its place is free again."""
    now = now or timezone.now()
    booking = _own(booking_id, citizen)
    if booking.status != BookingStatus.BOOKED or booking.starts_at <= now:
        raise Conflict(_("Pesanan ini tidak dapat dibatalkan lagi."))
    booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
    booking.save(update_fields=["status", "cancelled_at", "updated_at"])
    _give_back(booking)
    notifications.notify(
        user=citizen, kind="queue_cancelled", key=f"booking:{booking.pk}:cancelled", context=_context(booking)
    )
    return booking


@transaction.atomic
def reschedule(*, booking_id, citizen: User, starts_at: dt.datetime, now=None) -> Booking:
    """Move the citizen's booking to another slot of the same service and MPP: a new booking (new code) in
    the new slot, the old one cancelled, both or neither."""
    now = now or timezone.now()
    old = _own(booking_id, citizen)
    cancel(booking_id=old.pk, citizen=citizen, now=now)
    return book(citizen=citizen, mpp=old.mpp, service=old.service, starts_at=starts_at, now=now)


@transaction.atomic
def check_in(*, mpp: Mpp, code: str, now=None) -> Ticket:
    """The booking's holder at the MPP's kiosk: their ticket, due from the slot's start. Raises NotFound (no
    such booking at this MPP), Conflict (used, cancelled) or BookingRefused (outside the check-in window)."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("service", "agency")
        .filter(code=normalise_code(code), mpp=mpp)
        .first()
    )
    if booking is None:
        raise NotFound(_("Kode pesanan tidak dikenal di MPP ini. Periksa kodenya, atau ambil nomor antrean."))
    if booking.status != BookingStatus.BOOKED:
        raise Conflict(ALREADY[booking.status])
    policy = services.policy_of(mpp)
    opens = booking.starts_at - dt.timedelta(minutes=policy.check_in_early_minutes)
    closes = booking.starts_at + dt.timedelta(minutes=policy.check_in_late_minutes)
    zone = mpp.region.time_zone
    if not opens <= now <= closes:
        raise BookingRefused(
            _("Check-in untuk pesanan ini dibuka %(opens)s sampai %(closes)s, %(day)s.")
            % {
                "opens": clock.local_hour(opens, zone),
                "closes": clock.local_hour(closes, zone),
                "day": clock.local_date(booking.starts_at, zone),
            }
        )
    booking.status, booking.checked_in_at = BookingStatus.CHECKED_IN, now
    booking.save(update_fields=["status", "checked_in_at", "updated_at"])
    return services.issue_ticket(mpp=mpp, agency=booking.agency, service=booking.service, booking=booking, now=now)


def cancel_for_day_change(*, mpp: Mpp, day: dt.date, reason: str, now=None) -> int:
    """After the manager closed ``day`` or changed its hours: the bookings whose slot no longer fits are
    cancelled, their places given back, and their holders told why (inside the change's transaction)."""
    now = now or timezone.now()
    policy = services.policy_of(mpp)
    fitting = set(slot_starts(mpp, day, hours_on(mpp, day), policy.slot_minutes))
    cancelled = 0
    held = Booking.objects.select_for_update(of=("self",)).filter(mpp=mpp, day=day, status=BookingStatus.BOOKED)
    for booking in held.select_related("mpp__region", "service__template", "citizen"):
        if booking.starts_at in fitting:
            continue
        booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
        booking.save(update_fields=["status", "cancelled_at", "updated_at"])
        _give_back(booking)
        notifications.notify(
            user=booking.citizen,
            kind="queue_closed",
            key=f"booking:{booking.pk}:closed",
            context=_context(booking) | {"note": reason},
        )
        cancelled += 1
    return cancelled


def remind_due(*, now=None, limit: int = 500) -> int:
    """Remind holders of tomorrow's bookings (MPP local day) once each; returns how many were reminded.
    Each booking is claimed by a conditional update, so two workers never remind twice."""
    now = now or timezone.now()
    reminded = 0
    window = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(hours=36),
    ).select_related("mpp__region", "service__template", "citizen")
    for booking in window[:limit]:
        tomorrow = today_at(booking.mpp, now) + dt.timedelta(days=1)
        if booking.day > tomorrow:
            continue
        with transaction.atomic():
            if not Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            notifications.notify(
                user=booking.citizen,
                kind="queue_reminder",
                key=f"booking:{booking.pk}:reminder",
                context=_context(booking),
            )
        reminded += 1
    return reminded


def mark_missed(*, now=None) -> int:
    """Bookings whose check-in window closed without a check-in become no-shows; returns how many."""
    now = now or timezone.now()
    missed = 0
    for policy in Policy.objects.all().only("mpp_id", "check_in_late_minutes"):
        missed += Booking.objects.filter(
            mpp_id=policy.mpp_id,
            status=BookingStatus.BOOKED,
            starts_at__lt=now - dt.timedelta(minutes=policy.check_in_late_minutes),
        ).update(status=BookingStatus.NO_SHOW, updated_at=now)
    return missed
