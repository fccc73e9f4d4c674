"""Writes of the MPP's line: tickets from the kiosk and from bookings, and what a counter does with them.

Every function is transactional and appends a ``TicketEvent`` for each change; each tells the display board
that the MPP's line changed once the change is committed (``board.changed``). Failures a person can act on
raise ``DomainError`` (or ``NotFound``/``Conflict``) with a message in their language.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.catalog.models import Agency, Counter, Mpp, Service
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.notifications import services as notifications

from . import board
from .line import ORDER, steps, today_at, waiting_in
from .models import (
    OPEN_STATUSES,
    Booking,
    BookingStatus,
    DayNumber,
    EventKind,
    Line,
    Policy,
    Priority,
    Ticket,
    TicketEvent,
    TicketStatus,
)

#: Letters of the lines, in the order of the agencies' first counters (then two letters, for a very large MPP).
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]


def policy_of(mpp: Mpp) -> Policy:
    """The MPP's queue rules, made with the defaults the first time they are needed."""
    policy, _created = Policy.objects.get_or_create(mpp=mpp)
    return policy


@transaction.atomic
def line_for(*, mpp: Mpp, agency: Agency) -> Line:
    """The agency's line at the MPP, given the next free letter the first time (NotFound: no counter there).
    Two first tickets at once both try to insert; the unique constraints let one win and the other reads it
    (no lock on the MPP, which every ticket's insert touches)."""
    line = Line.objects.filter(mpp=mpp, agency=agency).first()
    if line is not None:
        return line
    if not Counter.objects.filter(mpp=mpp, agency=agency).exists():
        raise NotFound(_("Instansi ini tidak melayani di MPP ini."))
    for _attempt in range(5):
        used = set(Line.objects.filter(mpp=mpp).values_list("letter", flat=True))
        letter = next(letter for letter in LETTERS + [a + b for a in LETTERS for b in LETTERS] if letter not in used)
        try:
            with transaction.atomic():
                line = Line.objects.create(mpp=mpp, agency=agency, letter=letter)
            _changed(mpp.pk)  # the board lists the new line
            return line
        except IntegrityError:  # this agency's line, or this letter, was given meanwhile
            line = Line.objects.filter(mpp=mpp, agency=agency).first()
            if line is not None:
                return line
    raise Conflict(_("Antrean instansi ini sedang disiapkan. Coba lagi."))


def assign_letters(mpp: Mpp) -> list[Line]:
    """Every agency with a counter at the MPP gets its line, lettered by its first counter's number."""
    first_counters = {}
    for counter in Counter.objects.filter(mpp=mpp).select_related("agency").order_by("number"):
        first_counters.setdefault(counter.agency_id, counter.agency)
    return [line_for(mpp=mpp, agency=agency) for agency in first_counters.values()]


def _next_number(mpp_id, agency_id, day: dt.date) -> int:
    """The agency's next ticket number at the MPP that day, inside the caller's transaction: the row stays
    locked until it commits, so numbers are given one after another and a rolled-back ticket gives its
    number back (no gaps). One statement, on PostgreSQL and SQLite alike."""
    table = DayNumber._meta.db_table
    values = [
        Mpp._meta.pk.get_db_prep_value(mpp_id, connection),  # a UUID is text on SQLite
        Agency._meta.pk.get_db_prep_value(agency_id, connection),
        connection.ops.adapt_datefield_value(day),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (mpp_id, agency_id, day, last) VALUES (%s, %s, %s, 1) "  # noqa: S608 (our table)
            f"ON CONFLICT (mpp_id, agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            values,
        )
        return cursor.fetchone()[0]


def _event(ticket: Ticket, kind: str, now, *, counter=None, officer=None, note: str = "") -> None:
    TicketEvent.objects.create(ticket=ticket, kind=kind, at=now, counter=counter, officer=officer, note=note)


def _changed(mpp_id) -> None:
    transaction.on_commit(lambda: board.changed(mpp_id))


@transaction.atomic
def issue_ticket(
    *,
    mpp: Mpp,
    agency: Agency,
    service: Service | None = None,
    priority: str = Priority.NONE,
    booking: Booking | None = None,
    now=None,
) -> Ticket:
    """A walk-in's ticket for the agency's line (and a service of it, when chosen), or a booking's at check-in.
    Raises NotFound when the agency does not serve at the MPP or the service is not the agency's there,
    DomainError for an unknown priority. (The kiosk stands inside the MPP: it takes numbers whenever the
    building is open, and the counters decide when to stop calling.)"""
    now = now or timezone.now()
    if service is not None and (service.agency_id != agency.pk or not service.is_active):
        raise NotFound(_("Layanan ini tidak tersedia di MPP ini."))
    if priority not in Priority.values:
        raise DomainError(_("Pilih jenis prioritas dari daftar."))
    line = line_for(mpp=mpp, agency=agency)
    day = today_at(mpp, now)
    ticket = Ticket.objects.create(
        mpp=mpp,
        agency=agency,
        service=service,
        day=day,
        letter=line.letter,
        number=_next_number(mpp.pk, agency.pk, day),
        priority=priority,
        booking=booking,
        due_at=booking.starts_at if booking is not None else None,
        in_line_since=now,
    )
    _event(ticket, EventKind.CHECKED_IN if booking is not None else EventKind.ISSUED, now)
    _changed(mpp.pk)
    return ticket


def _open_at(counter: Counter, *, lock: bool = False) -> Ticket | None:
    """The counter's open ticket, if any: only what a press needs (``selectors.open_at`` is the console's),
    locked when the press will change it."""
    found = Ticket.objects.filter(counter=counter, status__in=(TicketStatus.CALLED, TicketStatus.SERVING))
    if lock:
        found = found.select_for_update(of=("self",))
    return found.only("pk", "letter", "number", "status", "started_at", "last_called_at").order_by().first()


def _hold(counter: Counter) -> None:
    """Lock the counter's row: one press at a time per counter (another counter's presses never wait)."""
    Counter.objects.select_for_update().filter(pk=counter.pk).order_by().values_list("pk").first()


@transaction.atomic
def finish_and_call_next(*, counter: Counter, officer, now=None) -> tuple[Ticket | None, Ticket | None]:
    """The console's busiest button: finish the counter's open ticket, if any, and call the next one, in one
    transaction. Returns (the finished ticket or None, the called ticket or None)."""
    now = now or timezone.now()
    _hold(counter)
    current = _open_at(counter, lock=True)
    finished = None if current is None else _finish(current, counter, officer, now)
    return finished, _call(counter, officer, now)


@transaction.atomic
def call_next(*, counter: Counter, officer, now=None) -> Ticket | None:
    """Call the next ticket of the counter's agency to the counter, or None when nobody waits.

    The counter is locked (one call at a time per counter) and the ticket is taken with SKIP LOCKED, so two
    counters calling at once never get the same ticket and never wait for each other. Raises Conflict while
    the counter still has a called or served ticket open."""
    now = now or timezone.now()
    _hold(counter)
    current = _open_at(counter)
    if current is not None:
        raise Conflict(
            _("Nomor %(label)s masih di loket ini: selesaikan atau tandai tidak hadir dulu.") % {"label": current}
        )
    return _call(counter, officer, now)


def _call(counter: Counter, officer, now) -> Ticket | None:
    """The next waiting ticket called to the counter, inside the caller's transaction and counter lock."""
    waiting = (
        waiting_in(counter, now)
        .select_for_update(skip_locked=True, of=("self",))
        .only("pk", "mpp_id", "letter", "number", "called_at")
    )
    ticket = None
    for step in steps(now):  # at most three short index scans, never a sort of the whole line
        ticket = waiting.filter(step).order_by(*ORDER).first()
        if ticket is not None:
            break
    if ticket is None:
        return None
    ticket.status = TicketStatus.CALLED
    ticket.counter, ticket.officer, ticket.for_counter = counter, officer, None
    ticket.called_at = ticket.called_at or now
    ticket.last_called_at = now
    ticket.save(
        update_fields=["status", "counter", "officer", "for_counter", "called_at", "last_called_at", "updated_at"]
    )
    _event(ticket, EventKind.CALLED, now, counter=counter, officer=officer)
    _changed(counter.mpp_id)
    return ticket


def _locked(ticket_id, counter: Counter, *statuses) -> Ticket:
    """The counter's ticket, locked, in one of ``statuses`` (NotFound: not this counter's; Conflict: moved on)."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id, counter=counter).first()
    if ticket is None:
        raise NotFound(_("Tiket tidak ditemukan di loket ini."))
    if ticket.status not in statuses:
        raise Conflict(
            _("Nomor %(label)s tidak dapat diubah lagi. Statusnya kini: %(status)s.")
            % {"label": ticket, "status": ticket.get_status_display()}
        )
    return ticket


@transaction.atomic
def recall(*, ticket_id, counter: Counter, officer, now=None) -> Ticket:
    """Call the counter's ticket again (the board shows it once more, with its chime)."""
    now = now or timezone.now()
    ticket = _locked(ticket_id, counter, TicketStatus.CALLED)
    ticket.last_called_at, ticket.recalls = now, ticket.recalls + 1
    ticket.save(update_fields=["last_called_at", "recalls", "updated_at"])
    _event(ticket, EventKind.RECALLED, now, counter=counter, officer=officer)
    _changed(counter.mpp_id)
    return ticket


@transaction.atomic
def mark_no_show(*, ticket_id, counter: Counter, officer, now=None) -> Ticket:
    """The called visitor did not come: the ticket closes (a booking's counts against its holder)."""
    now = now or timezone.now()
    ticket = _locked(ticket_id, counter, TicketStatus.CALLED)
    ticket.status, ticket.finished_at = TicketStatus.NO_SHOW, now
    ticket.save(update_fields=["status", "finished_at", "updated_at"])
    if ticket.booking_id:
        Booking.objects.filter(pk=ticket.booking_id).update(status=BookingStatus.NO_SHOW, updated_at=now)
    _event(ticket, EventKind.NO_SHOW, now, counter=counter, officer=officer)
    _changed(counter.mpp_id)
    return ticket


@transaction.atomic
def start_serving(*, ticket_id, counter: Counter, officer, now=None) -> Ticket:
    now = now or timezone.now()
    ticket = _locked(ticket_id, counter, TicketStatus.CALLED)
    ticket.status, ticket.started_at, ticket.officer = TicketStatus.SERVING, now, officer
    ticket.save(update_fields=["status", "started_at", "officer", "updated_at"])
    _event(ticket, EventKind.STARTED, now, counter=counter, officer=officer)
    _changed(counter.mpp_id)
    return ticket


@transaction.atomic
def finish(*, ticket_id, counter: Counter, officer, now=None) -> Ticket:
    """The visit is over (served)."""
    now = now or timezone.now()
    return _finish(_locked(ticket_id, counter, TicketStatus.CALLED, TicketStatus.SERVING), counter, officer, now)


def _finish(ticket: Ticket, counter: Counter, officer, now) -> Ticket:
    """Close the counter's locked, open ticket as served. A ticket called and finished at once counts its
    service from the call."""
    events = []
    if ticket.started_at is None:
        ticket.started_at = ticket.last_called_at or now
        events.append(TicketEvent(ticket=ticket, kind=EventKind.STARTED, at=ticket.started_at))
    ticket.status, ticket.finished_at = TicketStatus.DONE, now
    ticket.save(update_fields=["status", "started_at", "finished_at", "updated_at"])
    events.append(TicketEvent(ticket=ticket, kind=EventKind.FINISHED, at=now))
    for event in events:
        event.counter, event.officer = counter, officer
    TicketEvent.objects.bulk_create(events)
    _changed(counter.mpp_id)
    return ticket


@transaction.atomic
def set_priority(*, ticket_id, counter: Counter, officer, priority: str, now=None) -> Ticket:
    """The officer sees who waits (an elderly visitor, a pregnant woman) and gives a ticket of the counter's
    line its priority, or takes it back. Raises NotFound for a ticket not waiting in this counter's line."""
    now = now or timezone.now()
    if priority not in Priority.values:
        raise DomainError(_("Pilih jenis prioritas dari daftar."))
    ticket = (
        Ticket.objects.select_for_update()
        .filter(pk=ticket_id, mpp_id=counter.mpp_id, agency_id=counter.agency_id, status=TicketStatus.WAITING)
        .first()
    )
    if ticket is None:
        raise NotFound(_("Tiket tidak ditemukan di antrean loket ini."))
    ticket.priority = priority
    ticket.save(update_fields=["priority", "updated_at"])
    label = Priority(priority).label if priority else _("tanpa prioritas")
    _event(ticket, EventKind.PRIORITISED, now, counter=counter, officer=officer, note=str(label)[:200])
    _changed(counter.mpp_id)
    return ticket


@transaction.atomic
def transfer(
    *,
    ticket_id,
    counter: Counter,
    officer,
    to_counter: Counter | None = None,
    to_agency: Agency | None = None,
    now=None,
) -> Ticket:
    """Send the counter's ticket to another counter (only it calls the ticket then) or to another agency's line
    at the same MPP. The ticket keeps its number and its place in line. Raises NotFound for a counter or an
    agency of another MPP."""
    now = now or timezone.now()
    ticket = _locked(ticket_id, counter, TicketStatus.CALLED, TicketStatus.SERVING)
    if to_counter is not None:
        if to_counter.mpp_id != counter.mpp_id:
            raise NotFound(_("Loket tujuan tidak ada di MPP ini."))
        if to_counter.pk == counter.pk:
            raise DomainError(_("Pilih loket lain."))
        to_agency = to_counter.agency
    elif to_agency is None:
        raise DomainError(_("Pilih loket atau instansi tujuan."))
    line = line_for(mpp=counter.mpp, agency=to_agency)  # NotFound for an agency without a counter here
    ticket.status, ticket.agency_id, ticket.for_counter = TicketStatus.WAITING, line.agency_id, to_counter
    ticket.counter, ticket.started_at = None, None
    if to_agency.pk != counter.agency_id:
        ticket.service = None  # the other agency's service is chosen at its counter
    ticket.save(update_fields=["status", "agency", "for_counter", "counter", "started_at", "service", "updated_at"])
    note = f"{to_counter}" if to_counter is not None else f"{to_agency}"
    _event(ticket, EventKind.TRANSFERRED, now, counter=counter, officer=officer, note=note[:200])
    _changed(counter.mpp_id)
    return ticket


@transaction.atomic
def send_ticket(*, ticket_id, phone: str) -> Ticket:
    """Send the ticket's phone page to ``phone`` by SMS (through the outbox) and keep the number on the ticket
    for the day's notices (never shown). The same number twice sends one message; another number sends again.
    Raises NotFound for an unknown ticket, Conflict for a visit that is over."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("mpp", "agency__kind").filter(pk=ticket_id)
    ticket = ticket.first()
    if ticket is None:
        raise NotFound(_("Tiket tidak ditemukan."))
    if ticket.status not in OPEN_STATUSES:
        raise Conflict(_("Nomor %(label)s sudah selesai; tidak perlu dikirim lagi.") % {"label": ticket.label})
    ticket.phone = phone
    ticket.save(update_fields=["phone", "updated_at"])
    notifications.text(
        to=phone,
        kind="queue_ticket",
        key=f"ticket:{ticket.pk}:sms:{phone}",
        context={
            "ticket": ticket.label,
            "mpp": ticket.mpp.name,
            "agency": ticket.agency.kind.short_name,
            "url": f"{settings.SITE_URL}{reverse('queueing:ticket', args=[ticket.pk])}",
        },
    )
    return ticket
