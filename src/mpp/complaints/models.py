"""Complaints (*pengaduan*): what a citizen reports about a service, an agency, an MPP or an application,
its deadlines in working days, its timeline, and its forwarding to SP4N-LAPOR!.

A complaint belongs to a kabupaten/kota (whose MPP manager triages it) and, once routed, to one
agency (whose complaint officers answer it). It carries three deadlines on the working-day clock
(acknowledge, respond, resolve) that stop while the reporter is asked for more information. Every
change appends a ``Step``: the timeline the reporter sees (``public``) and the history officers read.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from uuid6 import uuid7

from mpp.core.models import TimeStampedModel


class Category(models.TextChoices):
    SERVICE_DELAY = "service_delay", _("Keterlambatan layanan")
    OFFICER_CONDUCT = "officer_conduct", _("Perilaku petugas")
    ILLEGAL_FEES = "illegal_fees", _("Biaya atau pungutan liar (pungli)")
    FACILITIES = "facilities", _("Sarana dan prasarana")
    INFORMATION = "information", _("Informasi layanan")
    OTHER = "other", _("Lainnya")


class Weight(models.TextChoices):
    """How much handling a complaint needs: sets its deadline to resolve (``RESOLVE_DAYS``)."""

    SIMPLE = "simple", _("Sederhana")
    ORDINARY = "ordinary", _("Biasa")
    COMPLEX = "complex", _("Kompleks")
    MULTI_AGENCY = "multi_agency", _("Melibatkan instansi lain")


#: Working days to resolve, by weight: the defaults a region starts with.
RESOLVE_DAYS = {Weight.SIMPLE: 2, Weight.ORDINARY: 5, Weight.COMPLEX: 14, Weight.MULTI_AGENCY: 60}
#: Working days to acknowledge (triage) and to give a first answer, whatever the weight (at most the resolve days).
ACKNOWLEDGE_DAYS = 1
RESPOND_DAYS = 5
#: Working days the reporter has to confirm or reopen a resolved complaint; silence closes it.
VERDICT_DAYS = 10


class Status(models.TextChoices):
    #: Received; the MPP manager (or an agency's complaint officer) has yet to confirm and route it.
    RECEIVED = "received", _("Diterima, menunggu verifikasi")
    #: With the responsible agency.
    IN_PROGRESS = "in_progress", _("Ditangani instansi")
    #: The agency asked the reporter for more information: the clock stands still.
    INFO_REQUESTED = "info_requested", _("Menunggu keterangan pelapor")
    #: The agency resolved it; the reporter confirms or reopens it.
    RESOLVED = "resolved", _("Selesai ditangani, menunggu konfirmasi pelapor")
    CLOSED = "closed", _("Ditutup")
    #: Outside the region's or the platform's remit: handed to SP4N-LAPOR!, whose statuses follow.
    FORWARDED = "forwarded", _("Diteruskan ke SP4N-LAPOR!")
    #: A duplicate, merged into another complaint (``merged_into``) and handled there.
    MERGED = "merged", _("Digabung dengan pengaduan lain")


#: Someone at the agency or the MPP still has to act: the deadlines run (except while INFO_REQUESTED).
OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS, Status.INFO_REQUESTED)
FINAL_STATUSES = (Status.CLOSED, Status.MERGED)


#: Filed without an account, with a contact whose one-time code is still to come: nobody sees it yet.
AWAITING_CONTACT = models.Q(reporter__isnull=True, contact_confirmed_at__isnull=True) & ~models.Q(contact="")


class Channel(models.TextChoices):
    ONLINE = "online", _("Daring")
    COUNTER = "counter", _("Loket MPP")
    LAPOR = "lapor", _("SP4N-LAPOR!")


def new_secret() -> str:
    """What a reporter without an account keeps to follow the complaint: 10 unambiguous characters."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class DeadlineRule(TimeStampedModel):
    """A region's deadlines for one category (the defaults apply to a category without a rule)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    weight = models.CharField(_("bobot"), max_length=16, choices=Weight.choices, default=Weight.ORDINARY)
    acknowledge_days = models.PositiveSmallIntegerField(_("hari kerja untuk verifikasi"), default=ACKNOWLEDGE_DAYS)
    respond_days = models.PositiveSmallIntegerField(_("hari kerja untuk menanggapi"), default=RESPOND_DAYS)
    resolve_days = models.PositiveSmallIntegerField(_("hari kerja untuk menyelesaikan"), default=5)
    #: Forward every complaint of this category to SP4N-LAPOR! when it is routed.
    forward_to_lapor = models.BooleanField(_("teruskan ke SP4N-LAPOR!"), default=False)

    class Meta:
        ordering = ["region", "category"]
        verbose_name = _("aturan batas waktu pengaduan")
        verbose_name_plural = _("aturan batas waktu pengaduan")
        constraints = [models.UniqueConstraint(fields=["region", "category"], name="one_deadline_rule_per_category")]

    def __str__(self):
        return f"{self.region_id} · {self.get_category_display()}"


class Complaint(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    tracking_number = models.CharField(_("nomor pengaduan"), max_length=32, unique=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    #: Where it happened, down to the village (optional).
    place = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    #: Who must answer: set when routed (or at once, when the complaint names an application or a service).
    agency = models.ForeignKey(
        "catalog.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    mpp = models.ForeignKey("catalog.Mpp", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )

    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    weight = models.CharField(_("bobot"), max_length=16, choices=Weight.choices, default=Weight.ORDINARY)
    title = models.CharField(_("judul"), max_length=150)
    description = models.TextField(_("uraian"), max_length=4000)
    occurred_on = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    channel = models.CharField(_("kanal"), max_length=12, choices=Channel.choices, default=Channel.ONLINE)

    #: The reporter's account; None for a complaint filed without one (then ``contact`` or nothing).
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    reporter_name = models.CharField(_("nama pelapor"), max_length=120, blank=True)
    #: An e-mail address or a phone number, confirmed by a one-time code (``contact_confirmed_at``).
    contact = models.CharField(_("kontak"), max_length=120, blank=True)
    contact_confirmed_at = models.DateTimeField(null=True, blank=True)
    #: The content is never published.
    confidential = models.BooleanField(_("rahasia"), default=False)
    #: The reporter's identity is hidden from every officer; only an audited look links it.
    anonymous = models.BooleanField(_("anonim"), default=False)
    #: The reporter agrees that the resolved complaint and its answer may be published (never a confidential one).
    publish_consent = models.BooleanField(_("setuju dipublikasikan"), default=False)
    #: The hash of the secret a reporter without an account follows the complaint with.
    secret_hash = models.CharField(max_length=128, blank=True)
    #: The counter officer who filed it for a walk-in.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("diterima pada"))
    acknowledge_due_at = models.DateTimeField()
    respond_due_at = models.DateTimeField()
    resolve_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    #: While the reporter is asked for information: the deadlines move by the working days it took.
    paused_at = models.DateTimeField(null=True, blank=True)
    #: The last deadline the worker escalated (a complaint is escalated once per deadline).
    escalated_for = models.CharField(max_length=12, blank=True)
    verdict_due_at = models.DateTimeField(null=True, blank=True)
    #: The reporter's rating of the handling, 1 (poor) to 4 (very good).
    rating = models.PositiveSmallIntegerField(_("penilaian"), null=True, blank=True)
    action_taken = models.TextField(_("tindakan yang dilakukan"), blank=True)
    answer = models.TextField(_("jawaban"), blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged")
    published = models.BooleanField(_("dipublikasikan"), default=False)
    lapor_id = models.CharField(_("nomor SP4N-LAPOR!"), max_length=40, blank=True)
    lapor_status = models.CharField(max_length=20, blank=True)

    #: A retried filing finds this row (unique per reporter or contact).
    submit_key = models.CharField(max_length=80, blank=True)
    #: Bumped by every change: an officer acts on the version they saw, or gets a conflict.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        constraints = [
            models.UniqueConstraint(
                fields=["submit_key"], condition=~models.Q(submit_key=""), name="one_complaint_per_submit_key"
            ),
            models.UniqueConstraint(
                fields=["lapor_id"], condition=~models.Q(lapor_id=""), name="one_complaint_per_lapor_report"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=4),
                name="complaint_rating_1_to_4",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "acknowledge_due_at"], name="complaint_triage"),
            models.Index(fields=["agency", "status", "resolve_due_at"], name="complaint_worklist"),
            models.Index(fields=["reporter", "-received_at"], name="complaint_dashboard"),
            models.Index(fields=["status", "verdict_due_at"], name="complaint_verdict_due"),
            models.Index(fields=["updated_at"], name="complaint_changed"),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaits_contact(self) -> bool:
        """Filed without an account, with a contact whose one-time code is still to come: nobody sees it yet."""
        return self.reporter_id is None and bool(self.contact) and self.contact_confirmed_at is None


class Step(models.Model):
    """One entry of a complaint's timeline."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    #: As shown on the timeline: an agency's name, "Pelapor", "SP4N-LAPOR!", never an anonymous reporter's name.
    actor_label = models.CharField(max_length=160)
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    #: Shown to the reporter (an internal note of the officers is not).
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="complaint_step_timeline")]

    def __str__(self):
        return f"{self.complaint_id} · {self.action}"


class Attachment(models.Model):
    """A photo or PDF given with the complaint (or with the reporter's later answer): an ``Upload``."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    upload = models.ForeignKey("files.Upload", on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.complaint_id} · {self.upload_id}"


class ContactCode(models.Model):
    """A one-time code sent to a contact (e-mail or phone) of a complaint filed without an account."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.complaint_id} · {self.created_at:%Y-%m-%d %H:%M}"


class IdentityLook(models.Model):
    """An audited look at who filed an anonymous complaint: who looked, when and why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField()

    def __str__(self):
        return f"{self.complaint_id} · {self.by_id} · {self.at:%Y-%m-%d %H:%M}"


class Forwarding(TimeStampedModel):
    """A complaint handed to SP4N-LAPOR!: queued with the change, sent by the worker until LAPOR! takes it.

    The complaint's id is the Idempotency-Key: a retry after a lost answer finds the same LAPOR! report.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        SENT = "sent", _("Terkirim")
        REFUSED = "refused", _("Ditolak SP4N-LAPOR!")

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="forwarding")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="lapor_forwarding_due")]

    def __str__(self):
        return f"{self.complaint_id} · {self.state}"


class LaporUpdate(models.Model):
    """A LAPOR! update applied once, whether it came by callback, by polling, or twice."""

    id = models.CharField(primary_key=True, max_length=64)
    seq = models.BigIntegerField()
    applied_at = models.DateTimeField()

    def __str__(self):
        return self.id


class FigureCursor(models.Model):
    """Where the transparency figures' refresh and LAPOR!'s polling stand."""

    name = models.CharField(primary_key=True, max_length=20)
    position = models.BigIntegerField(default=0)
    moment = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class CountFigure(models.Model):
    """How many complaints of a region are in a category and status (the public page's counts)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20)
    status = models.CharField(max_length=16)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "category", "status"], name="one_count_figure_per_slice")
        ]

    def __str__(self):
        return f"{self.region_id} · {self.category} · {self.status}: {self.count}"


class DurationFigure(models.Model):
    """How many of a region's complaints took ``days`` working days to be answered (``measure`` respond) or
    resolved (resolve), and how many of them within their deadline: medians come from these histograms."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=8)
    days = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()
    on_time = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "measure", "days"], name="one_duration_figure_per_slice")
        ]

    def __str__(self):
        return f"{self.region_id} · {self.measure} · {self.days}: {self.count}"
