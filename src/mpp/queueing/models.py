"""The queue of a physical MPP: its rules, bookings, tickets, their history and the figures kept from them.

A visit is a ``Ticket``: taken at the kiosk (a walk-in) or made when a ``Booking`` checks in. Tickets are
numbered per MPP, agency and day without gaps (``DayNumber``), prefixed by the agency's letter (A-012), and
wait in their agency's line until a counter of that agency calls them. Every change of a ticket appends a
``TicketEvent``; ``Figure`` rows (waiting and service times per MPP, agency, counter, service, day and hour)
are kept current from those events by the worker (``figures.py``).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel

#: Booking codes: no 0/O, 1/I/L; 8 of 31 characters (about 40 bits), typed at the kiosk or read from its QR.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """A code as people type it (spaces, dashes, small letters, O for 0) in its stored form."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")


class Policy(TimeStampedModel):
    """How an MPP runs its queue: slot length, booking limits, the no-show rule, the check-in window and
    the announcement on its display board. Every MPP has one (made with defaults when first needed)."""

    mpp = models.OneToOneField("catalog.Mpp", on_delete=models.CASCADE, related_name="queue_policy")
    slot_minutes = models.PositiveSmallIntegerField(_("lama satu slot (menit)"), default=30)
    booking_days = models.PositiveSmallIntegerField(_("bisa dipesan sampai (hari ke depan)"), default=14)
    max_future_bookings = models.PositiveSmallIntegerField(_("pesanan aktif per warga"), default=2)
    no_show_limit = models.PositiveSmallIntegerField(_("batas tidak hadir"), default=2)
    no_show_window_days = models.PositiveSmallIntegerField(_("dihitung dalam (hari)"), default=60)
    no_show_block_days = models.PositiveSmallIntegerField(_("lama pembatasan (hari)"), default=30)
    check_in_early_minutes = models.PositiveSmallIntegerField(_("check-in paling awal (menit sebelum)"), default=30)
    check_in_late_minutes = models.PositiveSmallIntegerField(_("check-in paling lambat (menit sesudah)"), default=15)
    announcement = models.CharField(_("pengumuman di layar antrean"), max_length=200, blank=True)

    class Meta:
        ordering = ["mpp"]
        verbose_name = _("aturan antrean")
        verbose_name_plural = _("aturan antrean")

    def __str__(self):
        return str(self.mpp)


class Capacity(TimeStampedModel):
    """How many bookings one slot of a service takes at an MPP (0 or no row: the service takes no bookings)."""

    mpp = models.ForeignKey("catalog.Mpp", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, related_name="+")
    per_slot = models.PositiveSmallIntegerField(_("kuota per slot"))

    class Meta:
        ordering = ["mpp", "service"]
        verbose_name = _("kuota pemesanan")
        verbose_name_plural = _("kuota pemesanan")
        constraints = [models.UniqueConstraint(fields=["mpp", "service"], name="one_capacity_per_service")]


class DayChange(TimeStampedModel):
    """A day the MPP closes (no hours) or keeps other hours than usual, with the reason the public sees."""

    mpp = models.ForeignKey("catalog.Mpp", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("tanggal"))
    opens = models.TimeField(_("buka"), null=True, blank=True)
    closes = models.TimeField(_("tutup"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=200)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["mpp", "day"]
        verbose_name = _("perubahan hari layanan")
        verbose_name_plural = _("perubahan hari layanan")
        constraints = [models.UniqueConstraint(fields=["mpp", "day"], name="one_change_per_day")]

    @property
    def is_closed(self) -> bool:
        return self.opens is None


class SlotCount(models.Model):
    """Bookings held in one slot of a service: booking adds one only while it is under the capacity, in one
    conditional statement, so two citizens never get the last place twice."""

    mpp = models.ForeignKey("catalog.Mpp", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["mpp", "service", "starts_at"], name="one_count_per_slot"),
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.booked}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Dipesan")
    CHECKED_IN = "checked_in", _("Sudah check-in")
    CANCELLED = "cancelled", _("Dibatalkan")
    NO_SHOW = "no_show", _("Tidak hadir")


class Booking(TimeStampedModel):
    """A citizen's appointment: one service at one MPP in one slot, with a code for the kiosk."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_booking_code)
    mpp = models.ForeignKey("catalog.Mpp", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    #: The slot's day in the MPP's time zone.
    day = models.DateField()
    status = models.CharField(max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    reminded_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("pesanan kunjungan")
        verbose_name_plural = _("pesanan kunjungan")
        indexes = [
            models.Index(fields=["citizen", "status", "starts_at"], name="booking_citizen"),
            models.Index(fields=["status", "starts_at"], name="booking_due"),
            models.Index(fields=["mpp", "day"], name="booking_mpp_day"),
        ]

    def __str__(self):
        return self.code


class Priority(models.TextChoices):
    """Who is served first among walk-ins (UU 25/2009, Pasal 29: special treatment for those in need)."""

    NONE = "", _("Tidak")
    ELDERLY = "elderly", _("Lansia")
    DISABILITY = "disability", _("Penyandang disabilitas")
    PREGNANT = "pregnant", _("Ibu hamil")
    INFANT = "infant", _("Membawa bayi atau balita")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Menunggu")
    CALLED = "called", _("Dipanggil")
    SERVING = "serving", _("Sedang dilayani")
    DONE = "done", _("Selesai")
    NO_SHOW = "no_show", _("Tidak hadir saat dipanggil")


#: A ticket in the building's line: waiting, or called to a counter and not yet finished.
OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class Line(TimeStampedModel):
    """An agency's line at an MPP, and the letter its tickets carry (A-012): letters follow the agency's first
    counter, given once and kept, so a printed ticket and the board always agree."""

    mpp = models.ForeignKey("catalog.Mpp", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.CASCADE, related_name="+")
    letter = models.CharField(max_length=2)

    class Meta:
        ordering = ["mpp", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["mpp", "agency"], name="one_line_per_agency"),
            models.UniqueConstraint(fields=["mpp", "letter"], name="one_letter_per_line"),
        ]

    def __str__(self):
        return f"{self.letter} · {self.agency}"


class DayNumber(models.Model):
    """The last ticket number an agency gave at an MPP on a day: the next ticket takes it plus one in the same
    transaction that inserts the ticket, so numbers have no gaps and never repeat."""

    mpp = models.ForeignKey("catalog.Mpp", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["mpp", "agency", "day"], name="one_number_per_agency_day")]

    def __str__(self):
        return f"{self.day} {self.last}"


class Ticket(TimeStampedModel):
    """One visit in the MPP's line. Its id is the capability of the visitor's phone page (never listed).
    Its letter and number stay with it when it is transferred to another agency's line (``agency``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mpp = models.ForeignKey("catalog.Mpp", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    day = models.DateField()
    letter = models.CharField(max_length=2)
    number = models.PositiveIntegerField()
    priority = models.CharField(max_length=12, choices=Priority.choices, blank=True, default=Priority.NONE)
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="ticket")
    #: The slot's start for a booking's ticket: due from then on, and called before everyone else.
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    #: Its place in line: when it was taken (a transfer keeps it).
    in_line_since = models.DateTimeField()
    #: The counter that called it last, and a counter it was transferred to (only that one calls it then).
    counter = models.ForeignKey("catalog.Counter", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    for_counter = models.ForeignKey(
        "catalog.Counter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)
    last_called_at = models.DateTimeField(null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Where the ticket was sent by SMS, kept for the day's notices (never shown on a public page).
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["day", "in_line_since"]
        verbose_name = _("tiket antrean")
        verbose_name_plural = _("tiket antrean")
        constraints = [
            models.UniqueConstraint(fields=["mpp", "day", "letter", "number"], name="one_ticket_number_per_day")
        ]
        # The three steps of a line (``line.steps``), each an index range in call order.
        indexes = [
            models.Index(fields=["mpp", "day", "agency", "status", "in_line_since", "number"], name="ticket_line"),
            models.Index(
                fields=["mpp", "day", "agency", "in_line_since", "number"],
                condition=models.Q(status="waiting") & ~models.Q(priority=""),
                name="ticket_waiting_priority",
            ),
            models.Index(
                fields=["mpp", "day", "agency", "due_at"],
                condition=models.Q(status="waiting", due_at__isnull=False),
                name="ticket_waiting_due",
            ),
            models.Index(fields=["mpp", "day", "last_called_at"], name="ticket_calls"),
            # The ticket open at a counter (at most one): what every press at the console looks up first.
            models.Index(
                fields=["counter"], condition=models.Q(status__in=["called", "serving"]), name="ticket_open_at_counter"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.letter}-{self.number:03d}"


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Tiket diambil")
    CHECKED_IN = "checked_in", _("Check-in pesanan")
    CALLED = "called", _("Dipanggil")
    RECALLED = "recalled", _("Dipanggil ulang")
    STARTED = "started", _("Mulai dilayani")
    FINISHED = "finished", _("Selesai dilayani")
    NO_SHOW = "no_show", _("Tidak hadir")
    TRANSFERRED = "transferred", _("Dialihkan")
    PRIORITISED = "prioritised", _("Didahulukan petugas")


class TicketEvent(models.Model):
    """What happened to a ticket, appended and never changed: its history, and what the figures count."""

    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    at = models.DateTimeField()
    counter = models.ForeignKey("catalog.Counter", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind} {self.at:%H:%M}"


class Figure(models.Model):
    """The queue's numbers for one MPP, agency, counter (none before a call), service (none for a walk-in who
    chose only the agency), day and hour of the day (local): kept by ``figures.refresh`` from the tickets."""

    mpp = models.ForeignKey("catalog.Mpp", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.CASCADE, related_name="+")
    counter = models.ForeignKey("catalog.Counter", on_delete=models.CASCADE, null=True, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, null=True, related_name="+")
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    tickets = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    waits = models.PositiveIntegerField(default=0)
    wait_seconds = models.BigIntegerField(default=0)
    services = models.PositiveIntegerField(default=0)
    service_seconds = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["day", "hour"]
        # One row per (mpp, agency, counter, service, day, hour): a refresh replaces an MPP's day as a whole.
        indexes = [models.Index(fields=["mpp", "day"], name="queue_figure_mpp_day")]

    def __str__(self):
        return f"{self.day} {self.hour:02d}h {self.tickets}"


class FigureCursor(models.Model):
    """Up to when the figures have read the tickets' changes (one row)."""

    read_until = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.read_until:%Y-%m-%d %H:%M:%S}"
