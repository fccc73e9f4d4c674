"""Writes of an MPP manager: how many bookings a service's slot takes, a day's other hours or closure, the
queue's policy and the announcement on the display board.

Every function is keyword-only and transactional, checks that ``by`` runs the MPP's queue (``access``;
NotFound otherwise, as if the MPP were not there) and checks its input, raising ``DomainError`` with a
message for the manager. The board is told to redraw once the change is committed (``board.changed``).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.catalog.models import Mpp, Service
from mpp.core.errors import DomainError, NotFound

from . import access, board, bookings
from .bookings import offers
from .line import today_at
from .models import Booking, BookingStatus, Capacity, DayChange, Policy

#: The most bookings one slot of a service may take (a counter serves a handful of people in a slot).
MAX_PER_SLOT = 50
#: The longest announcement the board shows.
ANNOUNCEMENT_LENGTH = 200
REASON_LENGTH = 200
#: How far ahead a manager may change a day.
CHANGE_DAYS_AHEAD = 366

#: Each policy field a manager may set, with its allowed range (inclusive).
POLICY_LIMITS = {
    "slot_minutes": (10, 240),
    "booking_days": (1, 90),
    "max_future_bookings": (1, 10),
    "no_show_limit": (1, 10),
    "no_show_window_days": (1, 365),
    "no_show_block_days": (0, 365),
    "check_in_early_minutes": (0, 240),
    "check_in_late_minutes": (0, 120),
}


def _check_manager(mpp: Mpp, by) -> None:
    if not access.managed_mpps(by).filter(pk=mpp.pk).exists():
        raise NotFound(_("MPP tidak ditemukan."))


def _locked_policy(mpp: Mpp) -> Policy:
    Policy.objects.get_or_create(mpp=mpp)
    return Policy.objects.select_for_update().get(mpp=mpp)


@transaction.atomic
def set_capacity(*, mpp: Mpp, service: Service, per_slot: int, by) -> Capacity:
    """How many bookings each slot of ``service`` takes at ``mpp`` (0: none, the service is not booked).
    Bookings already made stay, even above a lowered capacity. Raises NotFound when the MPP does not offer
    the service, DomainError for a number out of range."""
    _check_manager(mpp, by)
    if not offers(mpp, service):
        raise NotFound(_("Layanan ini tidak tersedia di MPP ini."))
    if not isinstance(per_slot, int) or not 0 <= per_slot <= MAX_PER_SLOT:
        raise DomainError(_("Kuota per slot antara 0 dan %(max)s.") % {"max": MAX_PER_SLOT})
    capacity, _created = Capacity.objects.update_or_create(mpp=mpp, service=service, defaults={"per_slot": per_slot})
    return capacity


@transaction.atomic
def change_day(
    *, mpp: Mpp, day: dt.date, opens: dt.time | None, closes: dt.time | None, reason: str, by, now=None
) -> DayChange:
    """Close the MPP on ``day`` (``opens`` and ``closes`` both empty) or keep other hours, with the reason the
    public sees; replaces an earlier change of that day. Today or a later day only. Bookings of that day
    whose slot no longer fits are cancelled and their holders told the reason (``cancel_for_day_change``)."""
    _check_manager(mpp, by)
    today = today_at(mpp, now or timezone.now())
    if day < today:
        raise DomainError(_("Hari yang sudah lewat tidak dapat diubah."))
    if day > today + dt.timedelta(days=CHANGE_DAYS_AHEAD):
        raise DomainError(_("Perubahan paling jauh satu tahun ke depan."))
    if (opens is None) != (closes is None):
        raise DomainError(_("Isi jam buka dan jam tutup, atau kosongkan keduanya untuk menutup MPP hari itu."))
    if opens is not None and not opens < closes:
        raise DomainError(_("Jam tutup harus sesudah jam buka."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Tuliskan alasannya: warga membacanya saat memesan."))
    if len(reason) > REASON_LENGTH:
        raise DomainError(_("Alasan paling banyak %(max)s karakter.") % {"max": REASON_LENGTH})
    change, _created = DayChange.objects.update_or_create(
        mpp=mpp, day=day, defaults={"opens": opens, "closes": closes, "reason": reason, "changed_by": by}
    )
    bookings.cancel_for_day_change(mpp=mpp, day=day, reason=reason, now=now)
    return change


@transaction.atomic
def restore_day(*, mpp: Mpp, day: dt.date, by, now=None) -> None:
    """Undo the change of ``day`` (today or later): the MPP keeps its usual hours again (or a holiday's)."""
    _check_manager(mpp, by)
    if day < today_at(mpp, now or timezone.now()):
        raise DomainError(_("Hari yang sudah lewat tidak dapat diubah."))
    if not DayChange.objects.filter(mpp=mpp, day=day).delete()[0]:
        raise NotFound(_("Hari itu tidak diubah."))


def bookings_on(mpp: Mpp, day: dt.date) -> int:
    """The bookings still held on ``day`` (to tell a manager who closes it)."""
    return Booking.objects.filter(mpp=mpp, day=day, status=BookingStatus.BOOKED).count()


@transaction.atomic
def set_policy(*, mpp: Mpp, by, **fields) -> Policy:
    """Change the given fields of the MPP's policy (``POLICY_LIMITS`` names them and their ranges); the others
    stay. Raises DomainError naming the first field out of range or unknown."""
    _check_manager(mpp, by)
    unknown = set(fields) - set(POLICY_LIMITS)
    if unknown:
        raise DomainError(_("Aturan tidak dikenal: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        low, high = POLICY_LIMITS[name]
        if not isinstance(value, int) or not low <= value <= high:
            label = Policy._meta.get_field(name).verbose_name
            raise DomainError(_("%(field)s: antara %(low)s dan %(high)s.") % {"field": label, "low": low, "high": high})
    policy = _locked_policy(mpp)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save(update_fields=[*fields, "updated_at"])
    return policy


@transaction.atomic
def set_announcement(*, mpp: Mpp, text: str, by) -> Policy:
    """The announcement the MPP's display board shows (empty: none); the boards show it once committed."""
    _check_manager(mpp, by)
    text = " ".join((text or "").split())  # one line on the board
    if len(text) > ANNOUNCEMENT_LENGTH:
        raise DomainError(_("Pengumuman paling banyak %(max)s karakter.") % {"max": ANNOUNCEMENT_LENGTH})
    policy = _locked_policy(mpp)
    policy.announcement = text
    policy.save(update_fields=["announcement", "updated_at"])
    transaction.on_commit(lambda: board.changed(mpp.pk))
    return policy
