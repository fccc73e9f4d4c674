"""Applications (*permohonan*) and their timeline.

An application belongs to a region's service and to its agency (denormalised, so worklists
and scoping read one table), keeps the service version — and so the standard and the form —
it was made with, and carries its legal deadline. Every change appends an ``Event``: the
timeline the citizen sees and the history officers and auditors read.
"""

import secrets
import uuid
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from uuid6 import uuid7

from mpp.core.models import TimeStampedModel

from .contract import Contract


class Channel(models.TextChoices):
    ONLINE = "online", _("Daring")
    COUNTER = "counter", _("Loket MPP")
    API = "api", _("Sistem instansi")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draf")
    IN_PROGRESS = "in_progress", _("Diproses")
    REVISION = "revision", _("Perlu perbaikan")
    FORWARDED = "forwarded", _("Diproses di sistem instansi")
    #: Approved, but the registry has not recorded the event yet: the document waits for its answer.
    WAITING_REGISTRY = "waiting_registry", _("Disetujui, menunggu pencatatan di database kependudukan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")
    #: The service's fee is due (before processing, or once approved before release): the clock stands still.
    WAITING_PAYMENT = "waiting_payment", _("Menunggu pembayaran")
    #: A village letter waits for the RT/RW head's introduction (pengantar): the clock has not started.
    WAITING_INTRODUCTION = "waiting_intro", _("Menunggu pengantar RT/RW")


#: Statuses in which someone still has to act (the deadline clock runs, except in REVISION and WAITING_PAYMENT).
OPEN_STATUSES = (
    Status.IN_PROGRESS,
    Status.REVISION,
    Status.FORWARDED,
    Status.WAITING_PAYMENT,
    Status.WAITING_INTRODUCTION,
)
DONE_STATUSES = (Status.APPROVED, Status.REJECTED)
#: Not decided yet: a second request for the same thing is likely made by mistake (the citizen is warned).
PENDING_STATUSES = (*OPEN_STATUSES, Status.WAITING_REGISTRY)
#: Submitted and not rejected: what officers are shown as possible duplicates of one another.
LIVE_STATUSES = (*PENDING_STATUSES, Status.APPROVED)

# Crockford's base-32: no I, L, O, U, so a number read out at the counter is not misheard.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


#: What a citizen may type for the letters Crockford's base-32 leaves out.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalise_tracking_number(typed: str) -> str:
    """The tracking number as stored, from what a citizen typed or read out: any case, spaces or separators,
    O for 0 and I or L for 1. Every lookup and every rate limit keys on this, never on the raw input."""
    compact = "".join(character for character in typed.upper() if character.isalnum()).translate(_READ_AS)
    if len(compact) != 16:
        return compact[:40]
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


def new_tracking_number(region_code: str, year_month: str) -> str:
    """``6472-2611-7KQ3XZ9M``: the kabupaten/kota, the month, 40 random bits (unguessable, no shared counter)."""
    suffix = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{region_code.replace('.', '')}-{year_month}-{suffix}"


class Application(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    tracking_number = models.CharField(_("nomor permohonan"), max_length=32, unique=True, null=True, blank=True)
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="applications")
    service_version = models.ForeignKey("catalog.ServiceVersion", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="applications")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("pemohon")
    )
    #: Whom the application is for; blank when the service registers a new person (a newborn).
    beneficiary_nik = models.CharField(_("NIK penerima manfaat"), max_length=16, blank=True)
    beneficiary_name = models.CharField(_("nama penerima manfaat"), max_length=120, blank=True)
    #: Why the applicant may act for the beneficiary (identity.selectors.Basis), kept as it was at submission.
    basis = models.CharField(_("dasar bertindak"), max_length=24)
    channel = models.CharField(_("kanal"), max_length=12, choices=Channel.choices, default=Channel.ONLINE)
    #: The counter officer who entered an assisted application, with the citizen's recorded consent.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    #: The queue ticket of the MPP visit an assisted application was made at (``queueing.Ticket``'s id; the
    #: ticket's page finds its application by it).
    visit = models.UUIDField(null=True, blank=True, db_index=True)

    data = models.JSONField(_("isian"), default=dict)
    #: Where each prefilled value came from: field name → {"source": ..., "label": ..., "at": ...}.
    provenance = models.JSONField(default=dict)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    step = models.CharField(_("tahap"), max_length=40, blank=True)
    #: The role that acts at the current step (identity.models.Role), for worklists.
    step_role = models.CharField(max_length=32, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_applications"
    )
    #: What the citizen must fix while the application is with them (field names).
    revision_fields = models.JSONField(default=list, blank=True)

    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    #: The submission's idempotency key, unique per applicant: a retried submit finds this row.
    submit_key = models.CharField(max_length=80, blank=True)
    #: What the application is about (``duplicates.duplicate_key``): the same key twice is a likely duplicate.
    duplicate_key = models.CharField(max_length=40, blank=True, db_index=True)
    #: Bumped by every transition: an officer acts on the version they saw, or gets a conflict.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "submit_key"],
                condition=~models.Q(submit_key=""),
                name="one_application_per_submit_key",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "step_role", "step_due_at"], name="application_worklist"),
            models.Index(fields=["applicant", "-created_at"], name="application_dashboard"),
            models.Index(fields=["status", "due_at"], name="application_due"),
            # Figures of one region over a period: monev reports, statistics rebuilds.
            models.Index(fields=["region", "submitted_at"], name="application_region_submitted"),
        ]

    def __str__(self):
        return self.tracking_number or f"draf {self.id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Event(models.Model):
    """One entry of an application's timeline: who did what, from which state to which."""

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    #: Shown to the citizen: an agency and role, never an officer's name.
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    from_step = models.CharField(max_length=40, blank=True)
    to_step = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["application", "at", "id"]
        verbose_name = _("riwayat permohonan")
        verbose_name_plural = _("riwayat permohonan")

    def __str__(self):
        return f"{self.application} · {self.action} → {self.to_status}"


# --- external processing: applications forwarded to an agency's own system ----------------------


class ConnectorMode(models.TextChoices):
    #: The platform sends each application to the agency's system and receives its statuses.
    FORWARDED = "forwarded", _("Diteruskan ke sistem instansi")
    #: The agency's system is its own portal: the citizen applies there, signed in with MPP Digital's single
    #: sign-on, and the system reports the case and its statuses back.
    HANDED_OVER = "handed_over", _("Diajukan di portal instansi")


class ExternalSystem(TimeStampedModel):
    """An agency's own system, connected by one declarative contract (``contract``, see ``contract.Contract``).

    Forwarded: it receives each application as a signed webhook at its ``webhook`` endpoint (named credentials
    read from the environment, or — for systems registered before contracts — a stored address and secret,
    kept by the outbox that delivers: ``notifications.WebhookEndpoint``). Handed over: the citizen applies at its
    portal, signed in through ``sign_in_client``, and it reports the case. Either way it posts status updates
    back through the API as its OAuth2 system client (``client``: client credentials, scope
    ``applications.status``). A region's system belongs to one of its agencies; a national system
    (``agency`` empty) serves every region's agency of its kind.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("nama sistem"), max_length=120, help_text=_("Ditampilkan kepada warga di riwayat permohonan.")
    )
    mode = models.CharField(
        _("cara terhubung"), max_length=12, choices=ConnectorMode.choices, default=ConnectorMode.FORWARDED
    )
    agency_kind = models.ForeignKey(
        "catalog.AgencyKind", on_delete=models.PROTECT, related_name="+", verbose_name=_("jenis instansi")
    )
    agency = models.ForeignKey(
        "catalog.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="external_systems",
        verbose_name=_("instansi"),
        help_text=_("Kosong untuk sistem nasional, yang melayani instansi sejenis di semua daerah."),
    )
    webhook = models.OneToOneField(
        "notifications.WebhookEndpoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="external_system",
        verbose_name=_("alamat webhook"),
    )
    client = models.OneToOneField(
        "sso.AgencyClient",
        on_delete=models.PROTECT,
        related_name="external_system",
        verbose_name=_("klien OAuth2"),
    )
    #: A handed-over system's sign-in client (authorization code): a case it reports must be of a citizen who
    #: signed in there and consented.
    sign_in_client = models.OneToOneField(
        "sso.AgencyClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handed_over_system",
        verbose_name=_("klien masuk tunggal"),
    )
    #: The connector contract (``contract.Contract``); {} for a system registered before contracts.
    contract = models.JSONField(_("kontrak konektor"), default=dict, blank=True)
    is_active = models.BooleanField(
        _("aktif"),
        default=True,
        help_text=_("Sistem nonaktif tidak menerima permohonan baru dan tidak dapat mengirim status."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("sistem instansi")
        verbose_name_plural = _("sistem instansi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode="handed_over") | models.Q(webhook__isnull=False),
                name="forwarded_system_has_webhook",
            )
        ]

    def __str__(self):
        return self.name

    @cached_property
    def parsed_contract(self) -> Contract | None:
        return Contract.model_validate(self.contract) if self.contract else None

    def serves(self, agency) -> bool:
        """Whether the system takes the applications of ``agency``'s services."""
        return self.agency_id == agency.pk if self.agency_id else self.agency_kind_id == agency.kind_id


class Forwarding(TimeStampedModel):
    """A regional service whose applications go to an agency system instead of the back office."""

    service = models.OneToOneField(
        "catalog.Service", on_delete=models.CASCADE, related_name="forwarding", verbose_name=_("layanan")
    )
    external_system = models.ForeignKey(
        ExternalSystem, on_delete=models.PROTECT, related_name="forwardings", verbose_name=_("sistem instansi")
    )

    class Meta:
        ordering = ["service"]
        verbose_name = _("penerusan layanan")
        verbose_name_plural = _("penerusan layanan")

    def __str__(self):
        return f"{self.service} → {self.external_system}"

    def clean(self):
        if self.service_id and self.external_system_id and not self.external_system.serves(self.service.agency):
            raise ValidationError(
                {"external_system": _("Pilih sistem milik instansi yang menyelenggarakan layanan ini.")}
            )


class ExternalCase(models.Model):
    """An application forwarded to an agency system: which one (the only one that may update it) and since when."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="external_case"
    )
    external_system = models.ForeignKey(ExternalSystem, on_delete=models.PROTECT, related_name="cases")
    forwarded_at = models.DateTimeField(_("diteruskan pada"))
    #: The agency system's own number for the case (its registration number), from its latest update naming one.
    external_reference = models.CharField(_("nomor di sistem instansi"), max_length=100, blank=True)

    class Meta:
        ordering = ["-forwarded_at"]
        verbose_name = _("permohonan diteruskan")
        verbose_name_plural = _("permohonan diteruskan")

    def __str__(self):
        return f"{self.application} → {self.external_system}"


class StatusUpdate(models.Model):
    """A status update an agency system posted, kept under its Idempotency-Key.

    The same key again is answered from here (``response``) and changes nothing; the key with
    another request (``fingerprint``) is refused.
    """

    id = models.BigAutoField(primary_key=True)
    external_system = models.ForeignKey(ExternalSystem, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_updates")
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    external_reference = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()
    response = models.JSONField()

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("status dari sistem instansi")
        verbose_name_plural = _("status dari sistem instansi")
        constraints = [
            models.UniqueConstraint(
                fields=["external_system", "idempotency_key"], name="one_update_per_idempotency_key"
            )
        ]

    def __str__(self):
        return f"{self.application} · {self.status} ({self.idempotency_key})"


# --- the RT/RW head's introduction (pengantar RT/RW) of a village letter ---------------------------------------


class IntroductionAnswer(models.TextChoices):
    CONFIRMED = "confirmed", _("Dikonfirmasi")
    DECLINED = "declined", _("Ditolak")


class Introduction(models.Model):
    """One request to an RT/RW head to introduce an applicant: a one-time link sent to the head's phone.

    Only the link token's hash is kept. The head answers once, without an account; the answer, the number it
    was sent to and the time are the record. A request expires; sending again (to the same head or another)
    supersedes the open one, whose link then stops working.
    """

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="introductions")
    head = models.ForeignKey("villages.NeighbourhoodHead", on_delete=models.PROTECT, related_name="+")
    #: As the head was when asked: the directory may change later, the record must not.
    head_title = models.CharField(max_length=60)
    head_name = models.CharField(max_length=120)
    head_phone = models.CharField(max_length=20)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    answer = models.CharField(max_length=10, choices=IntroductionAnswer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "-sent_at"]
        verbose_name = _("pengantar RT/RW")
        verbose_name_plural = _("pengantar RT/RW")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(answer="", superseded_at__isnull=True),
                name="one_open_introduction",
            )
        ]

    def __str__(self):
        return f"{self.application} · {self.head_title}"
