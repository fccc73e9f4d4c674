"""Monitoring and evaluation (*monev*): the ministry's reporting rounds and each region's report.

The ministry opens a ``ReportingRound`` (a period, a deadline, the regions it asks); every asked
kabupaten/kota gets one ``Report``, which its MPP manager fills in as a draft (saved as they type)
and submits. Its platform figures (applicants, services processed, permits issued) are counted
from the region's applications, never typed: live while it is a draft, frozen into
``platform_figures`` when it is submitted. The ministry accepts it or returns it for revision;
every move is an appended ``ReportChange``, the moves themselves the table in ``workflow.py``.
``Reminder`` rows make the deadline reminders idempotent: one per round, region and kind.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from uuid6 import uuid7

from mpp.core.models import TimeStampedModel


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Belum dikirim")
    SUBMITTED = "submitted", _("Dikirim, menunggu pemeriksaan")
    RETURNED = "returned", _("Dikembalikan untuk diperbaiki")
    ACCEPTED = "accepted", pgettext_lazy("laporan monev", "Diterima")


#: Statuses in which the region's manager may still edit the report.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ObstacleCategory(models.TextChoices):
    INFRASTRUCTURE = "infrastruktur", _("Infrastruktur")
    HUMAN_RESOURCES = "sdm", _("SDM (sumber daya manusia)")
    REGULATION = "regulasi", _("Regulasi")
    BUDGET = "anggaran", _("Anggaran")
    INTEGRATION = "integrasi", _("Integrasi")
    OUTREACH = "sosialisasi", _("Sosialisasi")
    OTHER = "lainnya", _("Lainnya")


#: The figures a report counts (items 2–4), in the order they are shown and exported; the keys are
#: those of ``applications.selectors.monev_figures`` and, with ``_outside``, of the report's own fields.
FIGURES = (
    ("population_applicants", _("Jumlah pemohon layanan administrasi kependudukan")),
    ("health_permit_applicants", _("Jumlah pemohon izin tenaga kesehatan (SIP)")),
    ("population_processed", _("Jumlah layanan administrasi kependudukan yang diproses")),
    ("health_permits_issued", _("Jumlah izin tenaga kesehatan yang diterbitkan")),
)
FIGURE_KEYS = tuple(key for key, _label in FIGURES)


class ReportingRound(TimeStampedModel):
    """A request of the ministry to the regions: report on this period by this deadline."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    title = models.CharField(_("judul"), max_length=200)
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"))
    #: The last day a report is on time, to the end of that day in the region's own zone.
    deadline = models.DateField(_("batas pengiriman"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"
        verbose_name = _("putaran monev")
        verbose_name_plural = _("putaran monev")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="round_period_in_order"
            )
        ]

    def __str__(self):
        return self.title


class Report(TimeStampedModel):
    """One region's report for one round: the eight items of the monev form."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    reporting_round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reports")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota")
    )
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # 1. The decree appointing the region's MPP Digital managers.
    decree_number = models.CharField(_("nomor SK Pengelola MPP Digital"), max_length=120, blank=True)
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    decree_file = models.ForeignKey(
        "files.Upload", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("berkas SK")
    )
    # 2–4. Work done outside the platform, added by the region to the platform's own figures.
    population_applicants_outside = models.PositiveIntegerField(default=0)
    health_permit_applicants_outside = models.PositiveIntegerField(default=0)
    population_processed_outside = models.PositiveIntegerField(default=0)
    health_permits_issued_outside = models.PositiveIntegerField(default=0)
    #: The platform's figures (``FIGURE_KEYS`` → count) as they were when the report was last submitted;
    #: empty while it is a draft, whose figures are counted afresh each time they are shown.
    platform_figures = models.JSONField(default=dict, blank=True)
    # 5, 6, 8.
    usage_efforts = models.TextField(_("upaya percepatan pemanfaatan MPP Digital"), blank=True)
    ikd_sisdmk_efforts = models.TextField(_("upaya percepatan aktivasi IKD dan pengisian data SISDMK"), blank=True)
    suggestions = models.TextField(_("saran dan masukan"), blank=True)
    #: The latest submission; ``first_submitted_at`` decides lateness.
    submitted_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(_("terlambat"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Bumped by every move (not by draft saves): acting on a page that went stale is refused.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["reporting_round", "region"]
        verbose_name = _("laporan monev")
        verbose_name_plural = _("laporan monev")
        constraints = [models.UniqueConstraint(fields=["reporting_round", "region"], name="one_report_per_region")]
        indexes = [models.Index(fields=["region", "reporting_round"], name="report_region_round")]

    def __str__(self):
        return f"{self.reporting_round} · {self.region_id}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def was_submitted(self) -> bool:
        return self.first_submitted_at is not None


class Obstacle(models.Model):
    """One obstacle a report names (item 7): a category and what happened."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="obstacles")
    position = models.PositiveSmallIntegerField(default=0)
    #: Blank while the manager has not chosen yet (a draft keeps what was typed); required to submit.
    category = models.CharField(_("kategori kendala"), max_length=16, choices=ObstacleCategory.choices, blank=True)
    text = models.TextField(_("uraian kendala"), blank=True)

    class Meta:
        ordering = ["report", "position", "id"]
        verbose_name = _("kendala")
        verbose_name_plural = _("kendala")

    def __str__(self):
        return f"{self.get_category_display()}: {self.text[:40]}"


class ReportChange(models.Model):
    """One move of a report: who (in which capacity), when, from which status to which, and why."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=16)
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "at", "id"]
        verbose_name = _("riwayat laporan monev")
        verbose_name_plural = _("riwayat laporan monev")

    def __str__(self):
        return f"{self.report} · {self.action} → {self.to_status}"


class ReminderKind(models.TextChoices):
    """How many working days before the deadline a reminder goes out."""

    SEVEN_DAYS = "7", _("7 hari kerja sebelum batas")
    ONE_DAY = "1", _("1 hari kerja sebelum batas")


class Reminder(models.Model):
    """A deadline reminder sent to a region's managers: at most one per round, region and kind."""

    id = models.BigAutoField(primary_key=True)
    reporting_round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=2, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()
    #: How many managers it went to (0: the region had none with an address yet).
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["reporting_round", "region", "kind"]
        verbose_name = _("pengingat monev")
        verbose_name_plural = _("pengingat monev")
        constraints = [
            models.UniqueConstraint(fields=["reporting_round", "region", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self):
        return f"{self.reporting_round} · {self.region_id} · {self.kind}"
