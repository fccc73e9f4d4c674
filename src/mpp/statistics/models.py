"""Aggregate tables of the applications, kept current by the task worker; the dashboards read only these.

Three layers, each derived from the one before:

- ``ApplicationFact``: where one submitted application is counted — its region, service template,
  channel, the day it was received and, once decided, the day, outcome, working days taken and
  whether it met its deadline. Rebuilt from the application (and its timeline) whenever an event
  touches it; it is what lets a refresh recount exactly the buckets an application leaves and enters.
- ``ReceivedFigure``: applications received per day (and per month) × region × template × channel.
- ``DecidedFigure``: decisions per day (and per month) × region × template × outcome × whole working
  days taken × day (month) received: the working days give exact percentiles, the day received
  gives the applications of a period still undecided at its end.
- ``OpenFigure``: applications whose clock runs now, per region × template × deadline: overdue now
  is the rows past their deadline (a few hundred rows, where counting the applications themselves
  would read every overdue one in the country).

Month rows are the day rows summed, so that a quarter or a year reads a few thousand rows instead
of a million; a custom period reads day rows. Derived rows carry no timestamps of their own: they
are recounted wholesale, and ``RefreshCursor`` says how far the counting has got.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel


class Grain(models.TextChoices):
    DAY = "day", _("Hari")
    MONTH = "month", _("Bulan")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class ApplicationFact(models.Model):
    """One submitted application as the statistics count it (days are local to its region's time zone)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey("catalog.ServiceTemplate", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=12)
    received_on = models.DateField()
    #: The day it was first decided (approved — also while waiting for the registry — or rejected).
    decided_on = models.DateField(null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    working_days = models.PositiveIntegerField(null=True)
    on_time = models.BooleanField(null=True)
    #: Its deadline while its clock runs (in progress, or forwarded to an agency's system); null otherwise.
    open_due_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["region", "received_on"]
        verbose_name = _("fakta statistik permohonan")
        verbose_name_plural = _("fakta statistik permohonan")
        indexes = [
            models.Index(fields=["region", "received_on"], name="fact_region_received"),
            models.Index(fields=["region", "decided_on"], name="fact_region_decided"),
            models.Index(fields=["region", "open_due_at"], name="fact_region_open_due"),
        ]

    def __str__(self):
        return f"{self.application_id} · {self.region_id} · {self.received_on}"


class ReceivedFigure(models.Model):
    """Applications received in one day (or month, ``start`` its first day) in one bucket."""

    grain = models.CharField(max_length=5, choices=Grain.choices)
    start = models.DateField()
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    #: The region's province, kept beside it: a province's figures are one index range.
    province = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey("catalog.ServiceTemplate", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=12)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["grain", "start", "region"]
        verbose_name = _("jumlah permohonan diterima")
        verbose_name_plural = _("jumlah permohonan diterima")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "region", "start", "template", "channel"], name="one_received_figure_per_bucket"
            )
        ]
        indexes = [
            models.Index(fields=["grain", "start"], name="received_grain_start"),
            models.Index(fields=["grain", "province", "start"], name="received_province_start"),
        ]

    def __str__(self):
        return f"{self.grain} {self.start} {self.region_id}: {self.count}"


class DecidedFigure(models.Model):
    """Decisions in one day (or month) in one bucket, by the whole working days they took."""

    grain = models.CharField(max_length=5, choices=Grain.choices)
    start = models.DateField()
    #: The day (month) the decided applications were received.
    received_start = models.DateField()
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey("catalog.ServiceTemplate", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    working_days = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    #: Of ``count``, decided by their legal deadline (``due_at``, which pauses already extended).
    on_time = models.PositiveIntegerField()

    class Meta:
        ordering = ["grain", "start", "region"]
        verbose_name = _("jumlah permohonan diputus")
        verbose_name_plural = _("jumlah permohonan diputus")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "region", "start", "received_start", "template", "outcome", "working_days"],
                name="one_decided_figure_per_bucket",
            )
        ]
        indexes = [
            models.Index(fields=["grain", "start"], name="decided_grain_start"),
            models.Index(fields=["grain", "province", "start"], name="decided_province_start"),
        ]

    def __str__(self):
        return f"{self.grain} {self.start} {self.region_id} {self.outcome}/{self.working_days}: {self.count}"


class OpenFigure(models.Model):
    """Applications whose clock runs now, by deadline: those with ``due_at`` before now are overdue.

    Deadlines fall at the end of a day in the region's zone, so a region has one row per template and
    day; overdue-now is the sum of the rows past their deadline, read when the page is asked for.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey("catalog.ServiceTemplate", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["due_at", "region"]
        verbose_name = _("jumlah permohonan berjalan")
        verbose_name_plural = _("jumlah permohonan berjalan")
        constraints = [
            models.UniqueConstraint(fields=["region", "due_at", "template"], name="one_open_figure_per_bucket")
        ]
        indexes = [
            models.Index(fields=["due_at"], name="open_due"),
            models.Index(fields=["province", "due_at"], name="open_province_due"),
        ]

    def __str__(self):
        return f"{self.region_id} due {self.due_at}: {self.count}"


class RefreshCursor(TimeStampedModel):
    """How far the refresh has read the applications' events (``applications.Event``, by id).

    Ids are handed out when a row is inserted but become visible when its transaction commits,
    so a smaller id may appear after a larger one was read. Every event up to ``settled_id`` is
    counted for good; events after it are read again on each run (counting twice changes nothing).
    ``checkpoint_id`` is the largest id read at ``checkpoint_at``: once that is older than any
    transaction lasts, nothing below it can still appear, and it becomes ``settled_id``.
    """

    name = models.CharField(max_length=40, primary_key=True)
    settled_id = models.BigIntegerField(default=0)
    checkpoint_id = models.BigIntegerField(default=0)
    checkpoint_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("posisi penghitungan statistik")
        verbose_name_plural = _("posisi penghitungan statistik")

    def __str__(self):
        return f"{self.name}: {self.settled_id}"
