"""How a kabupaten/kota joins MPP Digital: request → designation → agreement → access.

A region's official asks to join (``JoinRequest``); a ministry officer scores it against the
readiness checklist and designates it as a *lokus* with a decree, returns it for more
information or refuses it; the implementation agreement (``Agreement``) is then signed by the
region and by the ministry; with both signatures the region is active (``Participation``),
its manager is invited and its first services are adopted. Every move is a row of
``StageChange``: who, when and why. The moves themselves are the table in ``workflow.py``.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel
from mpp.documents.models import new_verification_code


class Stage(models.TextChoices):
    """Where a region stands. The first is no row at all: a region that never asked."""

    NOT_REQUESTED = "not_requested", _("Belum mengajukan")
    REQUESTED = "requested", _("Permohonan diajukan")
    RETURNED = "returned", _("Dikembalikan untuk dilengkapi")
    DESIGNATED = "designated", _("Ditetapkan sebagai lokus, menunggu tanda tangan daerah")
    REGION_SIGNED = "region_signed", _("Perjanjian ditandatangani daerah, menunggu kementerian")
    ACTIVE = "active", _("MPP Digital aktif")
    REFUSED = "refused", _("Permohonan ditolak")


#: The ministry's four published stages, for the public list: which stage each state belongs to.
class Phase(models.TextChoices):
    NONE = "none", _("Belum mengajukan")
    REQUEST = "request", _("Permohonan")
    DESIGNATION = "designation", _("Penetapan lokus")
    AGREEMENT = "agreement", _("Perjanjian")
    ACCESS = "access", _("Akses: aktif")


PHASE_OF = {
    Stage.NOT_REQUESTED: Phase.NONE,
    Stage.REFUSED: Phase.NONE,
    Stage.REQUESTED: Phase.REQUEST,
    Stage.RETURNED: Phase.REQUEST,
    Stage.DESIGNATED: Phase.DESIGNATION,
    Stage.REGION_SIGNED: Phase.AGREEMENT,
    Stage.ACTIVE: Phase.ACCESS,
}


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)


class Participation(TimeStampedModel):
    """A kabupaten/kota's place in MPP Digital: its stage now, and since when it is active.

    One row per region that ever asked; a region without one has not requested yet."""

    region = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, primary_key=True, related_name="participation"
    )
    stage = models.CharField(_("tahap"), max_length=16, choices=Stage.choices)
    stage_since = models.DateTimeField(_("sejak"))
    active_since = models.DateField(_("MPP Digital aktif sejak"), null=True, blank=True)
    #: The request that brought it to this stage (the latest one: a refused region may ask again).
    request = models.OneToOneField("JoinRequest", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["region"]
        verbose_name = _("keikutsertaan daerah")
        verbose_name_plural = _("keikutsertaan daerah")
        indexes = [models.Index(fields=["stage", "region"], name="participation_stage")]

    def __str__(self):
        return f"{self.region} · {self.get_stage_display()}"


class JoinRequest(TimeStampedModel):
    """A region's request to join (permohonan), with its readiness self-assessment and the ministry's review."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    #: The secret of the tracking link the region's contact receives: whoever holds it may follow and complete.
    tracking_token = models.CharField(max_length=40, unique=True, default=new_tracking_token, editable=False)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="join_requests", verbose_name=_("kabupaten/kota")
    )
    stage = models.CharField(_("tahap"), max_length=16, choices=Stage.choices, default=Stage.REQUESTED)
    applicant_name = models.CharField(_("nama pejabat pemohon"), max_length=120)
    applicant_position = models.CharField(_("jabatan"), max_length=160)
    #: None for the 2023 pilots, designated by the ministry without a request of their own.
    letter = models.ForeignKey(
        "files.Upload",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("surat permohonan resmi"),
    )
    contact_email = models.EmailField(_("surel kontak"))
    contact_phone = models.CharField(_("telepon kontak"), max_length=20)
    # The readiness self-assessment.
    bandwidth_mbps = models.PositiveIntegerField(_("bandwidth internet di MPP (Mbps)"))
    counters = models.PositiveSmallIntegerField(_("jumlah loket layanan"))
    officers_trained = models.PositiveSmallIntegerField(_("jumlah petugas terlatih"))
    has_dukcapil_agreement = models.BooleanField(_("sudah ada PKS akses data dengan Dukcapil"))
    first_services = models.ManyToManyField(
        "catalog.ServiceTemplate", related_name="+", verbose_name=_("layanan yang pertama diselenggarakan")
    )
    manager_name = models.CharField(_("nama calon pengelola MPP Digital"), max_length=120)
    manager_email = models.EmailField(_("surel calon pengelola"))
    manager_position = models.CharField(_("jabatan calon pengelola"), max_length=160, blank=True)
    # The clock: the ministry decides within a number of working days; a return pauses it.
    submitted_at = models.DateTimeField(_("diajukan pada"))
    due_at = models.DateTimeField(_("batas penetapan"))
    paused_at = models.DateTimeField(null=True, blank=True)
    # The ministry's review.
    #: Readiness checklist: criterion code → {"score": "met" | "partly" | "not_met", "note": str}.
    checklist = models.JSONField(_("daftar periksa kesiapan"), default=dict, blank=True)
    decree_number = models.CharField(_("nomor keputusan penetapan lokus"), max_length=120, blank=True)
    decree_date = models.DateField(_("tanggal keputusan"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    #: The latest return's or the refusal's reason (the history keeps each).
    note = models.TextField(_("catatan kementerian"), blank=True)
    #: Bumped by every move: an action on a stale page is refused instead of applied twice.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("permohonan bergabung")
        verbose_name_plural = _("permohonan bergabung")
        indexes = [models.Index(fields=["stage", "due_at"], name="join_request_queue")]
        constraints = [
            # One request in progress per region; refused and active ones are history.
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(stage__in=["requested", "returned", "designated", "region_signed"]),
                name="one_open_join_request_per_region",
            )
        ]

    def __str__(self):
        return f"{self.region} · {self.get_stage_display()}"


class StageChange(models.Model):
    """One move of a request: who (and in which capacity), when, from which stage to which, and why."""

    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(JoinRequest, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=24)
    from_stage = models.CharField(max_length=16, blank=True)
    to_stage = models.CharField(max_length=16)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("riwayat tahap")
        verbose_name_plural = _("riwayat tahap")

    def __str__(self):
        return f"{self.request} · {self.action} → {self.to_stage}"


class Agreement(TimeStampedModel):
    """The implementation agreement (perjanjian kerja sama) of a designated region, signed twice.

    ``file`` is the PDF as it stands: rendered on designation, then with the region's signature,
    then with the ministry's. Once both have signed it is an issued document (``issued``) that
    ``/verify/<code>`` answers for like every other.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.OneToOneField(JoinRequest, on_delete=models.PROTECT, related_name="agreement")
    number = models.CharField(_("nomor perjanjian"), max_length=80, unique=True)
    #: The verification code printed on it (QR), reserved when it is rendered; the issued document takes it.
    code = models.CharField(max_length=40, unique=True, default=new_verification_code, editable=False)
    #: None for an agreement signed on paper before the platform could sign (the 2023 pilots).
    file = models.ForeignKey("files.Upload", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agreed_on = models.DateField(_("tanggal perjanjian"))
    region_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region_signer_label = models.CharField(_("penanda tangan daerah"), max_length=240, blank=True)
    region_signed_at = models.DateTimeField(null=True, blank=True)
    ministry_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ministry_signer_label = models.CharField(_("penanda tangan kementerian"), max_length=240, blank=True)
    ministry_signed_at = models.DateTimeField(null=True, blank=True)
    issued = models.OneToOneField(
        "documents.IssuedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="agreement"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("perjanjian pelaksanaan")
        verbose_name_plural = _("perjanjian pelaksanaan")

    def __str__(self):
        return self.number
