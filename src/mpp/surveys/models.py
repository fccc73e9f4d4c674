"""The satisfaction survey (SKM): who may answer, the answers, the index figures, and the follow-up plan.

- ``Invitation``: one served transaction — a decided application, a counter visit — and so one right to
  answer, never more. It carries what the answer is counted under (region, agency, service, channel,
  the day it was served) and, when a counter officer asks for it, a short code for the MPP's kiosk.
  The invitations of a period are also its population: the service users the sample is measured against.
- ``Answer``: the nine elements (U1 … U9, each 1 to 4), the optional profile and a suggestion. An answer
  tied to an invitation copies what it is counted under and is unique per invitation (the database says
  so); one from the open public survey has none and is counted apart, never in the index. Nothing says
  who answered: the answer keeps no account, and no officer page or export shows one answer.
- ``IndexFigure``: the answers and the population summed per region × month × service (its agency)
  × tied-or-open; pages read only these. ``RefreshCursor`` says how far the worker has counted.
- ``FollowUpAction``: the MPP manager's plan (*rencana tindak lanjut*) for a period's weakest elements.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel

from .questionnaire import ELEMENTS, AgeBand, Education, Gender, Occupation

# Crockford's base-32: no I, L, O, U, so a code read out at the counter is not misheard.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_LENGTH = 6


def new_code() -> str:
    """``7KQ3XZ``: 30 random bits, read out or typed on a kiosk in a few seconds."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """The code as stored, from what someone typed: any case, spaces or dashes, O for 0, I or L for 1."""
    return "".join(character for character in (typed or "").upper() if character.isalnum()).translate(_READ_AS)[:12]


class Kind(models.TextChoices):
    APPLICATION = "application", _("Permohonan")
    #: A visit served at the counter (the queue's ticket, once the queue exists).
    VISIT = "visit", _("Kunjungan loket")


class Source(models.TextChoices):
    """Where an answer was given."""

    WEB = "web", _("Halaman permohonan")
    KIOSK = "kiosk", _("Kode survei (kios MPP)")
    PUBLIC = "public", _("Survei umum")


class Invitation(TimeStampedModel):
    """The right of one served transaction to one answer."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    #: The transaction's id within its kind (an application's id).
    reference = models.CharField(max_length=64)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=12)
    served_at = models.DateTimeField()
    #: The day it was served, in its region's time zone, and that day's month (what the figures count by).
    served_on = models.DateField()
    month = models.DateField()
    #: Answers are taken until then (a period's index settles once its month is well past).
    expires_at = models.DateTimeField()
    code = models.CharField(max_length=CODE_LENGTH, unique=True, null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("undangan survei")
        verbose_name_plural = _("undangan survei")
        constraints = [models.UniqueConstraint(fields=["kind", "reference"], name="one_invitation_per_transaction")]
        indexes = [models.Index(fields=["region", "month"], name="invitation_region_month")]

    def __str__(self):
        return f"{self.kind} {self.reference}"


class Answer(TimeStampedModel):
    """One respondent's answers: an element's value (1 to 4) in its column, ``u1`` … ``u9``."""

    id = models.BigAutoField(primary_key=True)
    #: Unique: a transaction is answered once. Null for the open public survey.
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="answer"
    )
    #: Counted in the index: tied to a served transaction (an open answer is shown apart).
    is_linked = models.BooleanField()
    source = models.CharField(max_length=8, choices=Source.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=12, blank=True)
    served_on = models.DateField()
    month = models.DateField()
    u1 = models.PositiveSmallIntegerField(ELEMENTS[0].name)
    u2 = models.PositiveSmallIntegerField(ELEMENTS[1].name)
    u3 = models.PositiveSmallIntegerField(ELEMENTS[2].name)
    u4 = models.PositiveSmallIntegerField(ELEMENTS[3].name)
    u5 = models.PositiveSmallIntegerField(ELEMENTS[4].name)
    u6 = models.PositiveSmallIntegerField(ELEMENTS[5].name)
    u7 = models.PositiveSmallIntegerField(ELEMENTS[6].name)
    u8 = models.PositiveSmallIntegerField(ELEMENTS[7].name)
    u9 = models.PositiveSmallIntegerField(ELEMENTS[8].name)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("usia"), max_length=6, choices=AgeBand.choices, blank=True)
    education = models.CharField(_("pendidikan"), max_length=6, choices=Education.choices, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=10, choices=Occupation.choices, blank=True)
    suggestion = models.TextField(_("saran dan masukan"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("jawaban survei")
        verbose_name_plural = _("jawaban survei")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_linked=True, invitation__isnull=False) | Q(is_linked=False, invitation__isnull=True),
                name="answer_linked_iff_invited",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{element.field}__range": (1, 4)}), name=f"answer_{element.field}_1_to_4"
                )
                for element in ELEMENTS
            ],
        ]
        indexes = [models.Index(fields=["region", "month"], name="answer_region_month")]

    def __str__(self):
        return f"{self.region_id} {self.served_on} ({'linked' if self.is_linked else 'open'})"


class IndexFigure(models.Model):
    """Answers and population of one month in one bucket: region × service (with its agency) × tied or open.

    ``served`` is the population (invitations served that month), kept on the tied rows only; a row may
    have served users and no respondent. Open answers without a service have neither service nor agency.
    """

    month = models.DateField()
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, null=True, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, null=True, related_name="+")
    is_linked = models.BooleanField()
    served = models.PositiveIntegerField(default=0)
    respondents = models.PositiveIntegerField(default=0)
    #: The sum of each element's answers.
    u1 = models.PositiveIntegerField(default=0)
    u2 = models.PositiveIntegerField(default=0)
    u3 = models.PositiveIntegerField(default=0)
    u4 = models.PositiveIntegerField(default=0)
    u5 = models.PositiveIntegerField(default=0)
    u6 = models.PositiveIntegerField(default=0)
    u7 = models.PositiveIntegerField(default=0)
    u8 = models.PositiveIntegerField(default=0)
    u9 = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "region"]
        verbose_name = _("angka IKM")
        verbose_name_plural = _("angka IKM")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "month", "is_linked", "service"],
                condition=Q(service__isnull=False),
                name="one_index_figure_per_service",
            ),
            models.UniqueConstraint(
                fields=["region", "month", "is_linked"],
                condition=Q(service__isnull=True),
                name="one_index_figure_without_service",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "month"], name="index_region_month"),
            models.Index(fields=["month", "is_linked"], name="index_month"),
            models.Index(fields=["service", "month"], name="index_service_month"),
        ]

    def __str__(self):
        return f"{self.month} {self.region_id} {self.service_id}: {self.respondents}/{self.served}"


class RefreshCursor(TimeStampedModel):
    """How far the refresh has read one source by id: the applications' events (to invite), the invitations
    and the answers (to count). As in the statistics: ids become visible when their transaction commits, so
    everything after ``settled_id`` is read again on each run; ``checkpoint_id``, read at ``checkpoint_at``,
    becomes settled once that is longer ago than any transaction lasts."""

    name = models.CharField(max_length=20, primary_key=True)
    settled_id = models.BigIntegerField(default=0)
    checkpoint_id = models.BigIntegerField(default=0)
    checkpoint_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("posisi penghitungan IKM")
        verbose_name_plural = _("posisi penghitungan IKM")

    def __str__(self):
        return f"{self.name}: {self.settled_id}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    IN_PROGRESS = "in_progress", _("Sedang dilaksanakan")
    DONE = "done", _("Selesai")


class FollowUpAction(TimeStampedModel):
    """One action of a region's follow-up plan (*rencana tindak lanjut*) for an element of a period's survey."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    #: The survey period the action answers (``periods.Period.code``) and its days.
    period = models.CharField(_("periode survei"), max_length=12)
    period_start = models.DateField()
    period_end = models.DateField()
    element = models.CharField(_("unsur"), max_length=3, choices=[(e.field, e.name) for e in ELEMENTS])
    action = models.TextField(_("tindak lanjut"), max_length=500)
    unit = models.CharField(_("penanggung jawab"), max_length=200)
    target_date = models.DateField(_("target selesai"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["period_start", "element", "target_date"]
        verbose_name = _("rencana tindak lanjut SKM")
        verbose_name_plural = _("rencana tindak lanjut SKM")
        indexes = [models.Index(fields=["region", "period_start"], name="followup_region_period")]

    def __str__(self):
        return f"{self.region_id} {self.period} {self.element}: {self.action[:40]}"

    @property
    def period_label(self) -> str:
        from .periods import parse  # the label only; periods import nothing of the models

        found = parse(self.period, self.period_end)
        return found.label() if found else self.period
