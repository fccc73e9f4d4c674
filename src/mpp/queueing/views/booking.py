"""A citizen's appointments at an MPP: booking a slot (service, then day, then slot), the booking's page with
its code, QR and what to bring, cancelling it, moving it to another slot, and the list of one's bookings.

Signed-in citizens only (anonymous visitors are asked to sign in; staff accounts book nothing: 404). A
booking is shown to its holder alone: anyone else gets a 404, as if it did not exist. Each step of the
booking page is a plain form (GET for the choices, POST for the booking), so it works without JavaScript;
a refused booking comes back with the reason beside the slots and the service and day still chosen.
"""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mpp.catalog import presentation
from mpp.catalog.models import Mpp, Service
from mpp.core import clock
from mpp.core.errors import DomainError, NotFound
from mpp.core.limits import over_limit
from mpp.core.qr import svg as qr_svg

from .. import bookings, services
from ..forms import PICK_DAY, PICK_SERVICE, SlotForm, parse_day
from ..line import today_at
from ..models import Booking, BookingStatus, Ticket
from ..selectors import bookable_services
from ..slots import bookable_days, capacity_of, slots

TOO_MANY = gettext_lazy("Terlalu banyak percobaan. Coba lagi nanti.")
#: Bookings (and moves) a citizen may make in an hour: plenty for a person, too few for a broker's script.
BOOKING_RATE = "20/h"


def citizen_required(view):
    """Signed-in citizens: anonymous visitors are sent to sign in, staff accounts get a 404."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(checked)


def _mpp(mpp_id) -> Mpp:
    mpp = Mpp.objects.select_related("region").filter(pk=mpp_id).first()
    if mpp is None:
        raise Http404
    return mpp


def _chosen_service(mpp: Mpp, text: str) -> Service | None:
    """The service named by ``layanan``: None when none is named; 404 when the MPP does not serve it."""
    if not text:
        return None
    try:
        service_id = uuid.UUID(text)
    except ValueError:
        raise Http404 from None
    service = Service.objects.select_related("template", "agency__kind").filter(pk=service_id).first()
    if service is None or not bookings.offers(mpp, service):
        raise Http404
    return service


def _own(request, booking_id) -> Booking:
    """The signed-in citizen's booking, or a 404."""
    booking = (
        Booking.objects.select_related("mpp__region", "service__template", "service__current_version", "agency")
        .filter(pk=booking_id, citizen=request.user)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def _picker(mpp: Mpp, service: Service | None, day_text: str, now) -> dict:
    """The days (closed ones with their reason) and, for the chosen open day, the service's slots."""
    if service is None:
        return {"days": [], "day": None, "slots": [], "day_error": ""}
    policy = services.policy_of(mpp)
    days = bookable_days(mpp, today_at(mpp, now), policy)
    day, hours, day_error = parse_day(day_text), None, ""
    if day_text:
        hours = dict(days).get(day)
        if hours is None:
            day, day_error = None, str(PICK_DAY)
        elif not hours.is_open:
            reason = f" ({hours.reason})" if hours.reason else ""
            day_error = _("MPP tutup pada hari itu%(reason)s. Pilih hari lain.") % {"reason": reason}
    found = slots(mpp, service, day, now=now, policy=policy) if hours is not None and hours.is_open else []
    zone = mpp.region.time_zone
    # Each slot's value is its local start (the form reads it back on the chosen day, in the MPP's zone).
    items = [{"slot": slot, "value": clock.in_zone(slot.starts_at, zone).strftime("%H:%M")} for slot in found]
    return {"days": days, "day": day, "slots": items, "day_error": day_error, "policy": policy}


@citizen_required
@require_http_methods(["GET", "POST"])
def book(request, mpp_id):
    """Book a slot: choose the service (or come with ``?layanan=``), the day, then the slot."""
    mpp = _mpp(mpp_id)
    data = request.POST if request.method == "POST" else request.GET
    service = _chosen_service(mpp, data.get("layanan", ""))
    notice = ""
    if service is not None and not capacity_of(mpp, service):
        service, notice = None, _("Layanan ini belum menerima pemesanan di MPP ini; ambil nomor antrean di MPP.")
    form = SlotForm(request.POST if request.method == "POST" else None, mpp=mpp)
    status, slot_error = 200, ""
    if request.method == "POST":
        if over_limit(request, "queueing.book", "user", BOOKING_RATE):
            status, slot_error = 429, TOO_MANY
        elif service is None:
            status, notice = 400, notice or str(PICK_SERVICE)
        elif not form.is_valid():
            status, slot_error = 400, _first_error(form)
        else:
            try:
                booking = bookings.book(citizen=request.user, mpp=mpp, service=service, starts_at=form.starts_at)
            except NotFound:
                raise Http404 from None
            except DomainError as refused:
                status, slot_error = refused.status_code, refused.message
            else:
                messages.success(request, _("Pesanan Anda tercatat. Tunjukkan kode atau QR ini di kios MPP."))
                return redirect("queueing:booking", booking_id=booking.pk)
    picker = _picker(mpp, service, data.get("hari", ""), timezone.now())
    status = _settle(picker, slot_error, status)
    context = picker | {
        "mpp": mpp,
        "service": service,
        "services": list(bookable_services(mpp)) if service is None else [],
        "notice": notice,
        "slot_error": slot_error,
        "chosen_time": data.get("mulai", ""),
    }
    return render(request, "queueing/booking_new.html", context, status=status)


def _settle(picker: dict, slot_error: str, status: int) -> int:
    """The page's status: a refused booking's reason is said once (it already names a closed or past day)."""
    if slot_error:
        picker["day_error"] = ""
    elif picker["day_error"] and status == 200:
        status = 400
    return status


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@citizen_required
@require_GET
def mine(request):
    """The citizen's bookings: those to come first (soonest first), then the others (latest first)."""
    now = timezone.now()
    held = Booking.objects.filter(citizen=request.user).select_related("mpp__region", "service__template")
    context = {
        "upcoming": list(held.filter(status=BookingStatus.BOOKED, starts_at__gt=now).order_by("starts_at")),
        "earlier": list(held.exclude(status=BookingStatus.BOOKED, starts_at__gt=now).order_by("-starts_at")[:30]),
    }
    return render(request, "queueing/booking_list.html", context)


def _requirements(service: Service) -> tuple[list[dict], list[dict]]:
    """The service standard's requirements: (what to bring, what the state already holds)."""
    standard = service.current_version.standard if service.current_version_id else {}
    bring, held = [], []
    for requirement in standard.get("requirements", []):
        item = {
            "name": presentation.text(requirement["name"], requirement.get("name_en", "")),
            "description": presentation.text(requirement.get("description", ""), requirement.get("description_en", "")),
            "mandatory": requirement.get("mandatory", True),
        }
        (held if requirement.get("held_by_state") else bring).append(item)
    return bring, held


def _changeable(booking: Booking, now) -> bool:
    return booking.status == BookingStatus.BOOKED and booking.starts_at > now


def _detail(request, booking: Booking, *, status: int = 200, error: str = ""):
    now = timezone.now()
    bring, held = _requirements(booking.service)
    changeable = _changeable(booking, now)
    policy = services.policy_of(booking.mpp)
    context = {
        "booking": booking,
        "mpp": booking.mpp,
        "policy": policy,
        "bring": bring,
        "held": held,
        "changeable": changeable,
        "error": error,
        "days": bookable_days(booking.mpp, today_at(booking.mpp, now), policy) if changeable else [],
        # Checked in at the kiosk: the holder's ticket, whose page tells their place in line.
        "ticket": Ticket.objects.filter(booking=booking).only("pk").first()
        if booking.status == BookingStatus.CHECKED_IN
        else None,
    }
    return render(request, "queueing/booking_detail.html", context, status=status)


@citizen_required
@require_GET
def detail(request, booking_id):
    return _detail(request, _own(request, booking_id))


@citizen_required
@require_GET
def qr(request, booking_id):
    """The booking's code as a QR code (SVG), for the kiosk's camera; its holder alone may fetch it."""
    booking = _own(request, booking_id)
    response = HttpResponse(qr_svg(booking.code, border=2), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@citizen_required
@require_POST
def cancel(request, booking_id):
    booking = _own(request, booking_id)
    try:
        bookings.cancel(booking_id=booking.pk, citizen=request.user)
    except DomainError as refused:
        return _detail(request, booking, status=refused.status_code, error=refused.message)
    messages.success(
        request, _("Pesanan %(code)s dibatalkan; tempatnya kini terbuka untuk warga lain.") % {"code": booking.code}
    )
    return redirect("queueing:booking", booking_id=booking.pk)


@citizen_required
@require_http_methods(["GET", "POST"])
def reschedule(request, booking_id):
    """Move the booking to another slot of the same service and MPP: the day, then the slot."""
    booking = _own(request, booking_id)
    now = timezone.now()
    if not _changeable(booking, now):
        return _detail(request, booking, status=409, error=_("Pesanan ini tidak dapat dipindah lagi."))
    data = request.POST if request.method == "POST" else request.GET
    form = SlotForm(request.POST if request.method == "POST" else None, mpp=booking.mpp)
    status, slot_error = 200, ""
    if request.method == "POST":
        if over_limit(request, "queueing.book", "user", BOOKING_RATE):
            status, slot_error = 429, TOO_MANY
        elif not form.is_valid():
            status, slot_error = 400, _first_error(form)
        else:
            try:
                moved = bookings.reschedule(booking_id=booking.pk, citizen=request.user, starts_at=form.starts_at)
            except NotFound:
                raise Http404 from None
            except DomainError as refused:
                status, slot_error = refused.status_code, refused.message
            else:
                messages.success(
                    request,
                    _("Jadwal dipindah. Kode pesanan baru: %(code)s (kode lama tidak berlaku lagi).")
                    % {"code": moved.code},
                )
                return redirect("queueing:booking", booking_id=moved.pk)
    picker = _picker(booking.mpp, booking.service, data.get("hari", ""), now)
    status = _settle(picker, slot_error, status)
    context = picker | {
        "booking": booking,
        "mpp": booking.mpp,
        "service": booking.service,
        "slot_error": slot_error,
        "chosen_time": data.get("mulai", ""),
    }
    return render(request, "queueing/booking_reschedule.html", context, status=status)
