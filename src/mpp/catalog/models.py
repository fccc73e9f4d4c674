"""MPPs, agencies, and the service catalog: national templates, regional services.

A service's standard is versioned and append-only: every change (a new
national template version, a region's adjustment) adds a version row and moves
the ``current_version`` pointer; nothing is edited in place.
"""

import uuid
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel
from mpp.forms.schema import FormSchema
from mpp.identity.models import AssuranceLevel

from .standard import Adjustments, ServiceStandard


class AgencyKind(TimeStampedModel):
    """A kind of agency, nationally: Disdukcapil, Dinas Kesehatan, Polres, Kantor Imigrasi…"""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=160)
    short_name = models.CharField(_("singkatan"), max_length=40)
    is_vertical = models.BooleanField(
        _("instansi vertikal"),
        default=False,
        help_text=_("Kantor daerah dari instansi pusat (mis. Polres, Imigrasi)."),
    )
    local_name = models.CharField(
        _("pola nama di daerah"), max_length=200, help_text=_("{region} diganti dengan nama kabupaten/kota.")
    )
    #: The agency's own online system, where it has one that citizens use directly (e.g. DJP Online): shown
    #: beside its services. Not a connection: a connected system is an ``applications.ExternalSystem``.
    system_name = models.CharField(_("sistem daring instansi"), max_length=120, blank=True)
    system_url = models.URLField(_("alamat sistem daring instansi"), blank=True)

    class Meta:
        ordering = ["is_vertical", "name"]
        verbose_name = _("jenis instansi")
        verbose_name_plural = _("jenis instansi")

    def __str__(self):
        return self.short_name


class Agency(TimeStampedModel):
    """An agency present in a region: a local OPD or a vertical agency's local office."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="agencies")
    kind = models.ForeignKey(AgencyKind, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(_("nama"), max_length=200)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    #: Set for one village's (or kelurahan's) own government: its staff and its letters are that village's alone.
    #: Opened the first time the village gets staff or an application, so idle villages cost no rows.
    village = models.OneToOneField(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="village_agency",
        verbose_name=_("desa/kelurahan"),
        limit_choices_to={"level": 4},
    )

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind"],
                condition=models.Q(village__isnull=True),
                name="one_agency_of_a_kind_per_region",
            )
        ]

    def __str__(self):
        return self.name


class DigitalStage(models.TextChoices):
    ONBOARDING = "onboarding", _("Persiapan")
    PILOT = "pilot", _("Percontohan")
    LIVE = "live", _("Beroperasi penuh")


WEEKDAYS = [_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu")]


class Mpp(TimeStampedModel):
    """A region's public service mall: the building, its hours and counters, and its digital stage."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="mpps")
    name = models.CharField(_("nama"), max_length=200)
    address = models.CharField(_("alamat"), max_length=300)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    # [{"days": [0, 1, 2, 3], "opens": "08:00", "closes": "15:30"}, …] — weekday 0 is Monday.
    opening_hours = models.JSONField(_("jam layanan"), default=list)
    digital_stage = models.CharField(
        _("tahap digital"), max_length=16, choices=DigitalStage.choices, default=DigitalStage.ONBOARDING
    )

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("MPP")
        verbose_name_plural = _("MPP")

    def __str__(self):
        return self.name

    @property
    def schedule(self) -> list[tuple[str, str, str]]:
        return schedule(self.opening_hours)


def schedule(opening_hours: list[dict]) -> list[tuple[str, str, str]]:
    """Opening hours as (days, opens, closes) for people: "Senin–Kamis", "08:00", "15:30"."""
    rows = []
    for slot in opening_hours:
        days = sorted(slot["days"])
        if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
            label = f"{WEEKDAYS[days[0]]}–{WEEKDAYS[days[-1]]}"
        else:
            label = ", ".join(str(WEEKDAYS[d]) for d in days)
        rows.append((label, slot["opens"], slot["closes"]))
    return rows


class Counter(TimeStampedModel):
    """A loket: a numbered desk in an MPP staffed by one agency."""

    mpp = models.ForeignKey(Mpp, on_delete=models.CASCADE, related_name="counters")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="counters")
    number = models.PositiveSmallIntegerField(_("nomor loket"))
    label = models.CharField(_("keterangan"), max_length=120, blank=True)

    class Meta:
        ordering = ["mpp", "number"]
        verbose_name = _("loket")
        verbose_name_plural = _("loket")
        constraints = [models.UniqueConstraint(fields=["mpp", "number"], name="unique_counter_number")]

    def __str__(self):
        return f"Loket {self.number} · {self.agency.kind.short_name}"


class Mode(models.TextChoices):
    APPLICATION = "application", _("Permohonan daring")
    INFORMATION = "information", _("Informasi dan kunjungan ke MPP")


class ServiceLevel(models.TextChoices):
    """Who delivers a template's service: the kabupaten/kota's agencies, or each village and kelurahan."""

    REGION = "region", _("Kabupaten/kota")
    VILLAGE = "village", _("Desa/kelurahan")


class Channel(models.TextChoices):
    ONLINE = "online", _("Daring")
    COUNTER = "counter", _("Loket MPP")


class ServiceTemplate(TimeStampedModel):
    """A national service template, published by the ministry; regions instantiate it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("kode"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200)
    summary = models.CharField(_("ringkasan"), max_length=300)
    summary_en = models.CharField(_("ringkasan (Inggris)"), max_length=300, blank=True)
    keywords = models.CharField(_("kata kunci"), max_length=300, blank=True)
    agency_kind = models.ForeignKey(AgencyKind, on_delete=models.PROTECT, related_name="templates")
    #: How regions offer it by default; each region's service keeps its own (``Service.mode``).
    mode = models.CharField(_("bentuk layanan"), max_length=16, choices=Mode.choices)
    level = models.CharField(
        _("diselenggarakan oleh"), max_length=8, choices=ServiceLevel.choices, default=ServiceLevel.REGION
    )
    #: The letter needs the RT/RW head's introduction (pengantar RT/RW), asked for online when it is submitted.
    introduction = models.BooleanField(_("perlu pengantar RT/RW"), default=False)
    channels = models.JSONField(_("kanal"), default=list)
    assurance_level = models.PositiveSmallIntegerField(
        _("tingkat jaminan identitas"), choices=AssuranceLevel.choices, default=AssuranceLevel.REGISTERED
    )
    adjustable = models.JSONField(_("yang boleh disesuaikan daerah"), default=list)
    #: The officers' workflow of its applications, by name (mpp.applications.workflows.WORKFLOWS).
    workflow = models.CharField(_("alur kerja"), max_length=40, default="verify-approve")
    current_version = models.ForeignKey(
        "TemplateVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agency_kind__name", "name"]
        verbose_name = _("templat layanan nasional")
        verbose_name_plural = _("templat layanan nasional")

    def __str__(self):
        return self.name


class TemplateVersion(TimeStampedModel):
    template = models.ForeignKey(ServiceTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versi"))
    standard = models.JSONField(_("standar pelayanan"))
    #: The application form (mpp.forms.schema.FormSchema), or {} when the service is not applied for online.
    form = models.JSONField(_("formulir permohonan"), default=dict, blank=True)
    note = models.CharField(_("catatan perubahan"), max_length=300, blank=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("versi templat")
        verbose_name_plural = _("versi templat")
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="unique_template_version")]

    def __str__(self):
        return f"{self.template} v{self.number}"

    @cached_property
    def parsed(self) -> ServiceStandard:
        return ServiceStandard.model_validate(self.standard)

    @cached_property
    def parsed_form(self) -> FormSchema | None:
        return FormSchema.model_validate(self.form) if self.form else None


class Service(TimeStampedModel):
    """A region's instance of a national template, delivered by one of its agencies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="services")
    template = models.ForeignKey(ServiceTemplate, on_delete=models.PROTECT, related_name="services")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    is_active = models.BooleanField(_("aktif"), default=True)
    #: Applied for online here, or information and a visit: the template's mode unless the region chose otherwise
    #: (an agency service goes online in a region once its system is connected).
    mode = models.CharField(_("bentuk layanan"), max_length=16, choices=Mode.choices, default=Mode.APPLICATION)
    current_version = models.ForeignKey(
        "ServiceVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["region", "template__name"]
        verbose_name = _("layanan daerah")
        verbose_name_plural = _("layanan daerah")
        constraints = [models.UniqueConstraint(fields=["region", "template"], name="one_service_per_template")]
        indexes = [models.Index(fields=["region", "is_active"], name="service_region_active")]

    def __str__(self):
        return f"{self.template.name} · {self.region.name}"


class ServiceVersion(TimeStampedModel):
    """One version of a regional service's standard: the template version it follows,
    the region's adjustments, and the effective standard that results (kept whole,
    so a page reads one row)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versi"))
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="+")
    adjustments = models.JSONField(_("penyesuaian daerah"), default=dict)
    standard = models.JSONField(_("standar pelayanan berlaku"))
    #: What a list of services shows of the standard (``standard.list_figures``), kept beside it when the version
    #: is made: a region's page then reads a few numbers per service, not kilobytes of JSON each.
    summary = models.JSONField(_("ringkasan untuk daftar"), default=dict)
    note = models.CharField(_("catatan perubahan"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["service", "-number"]
        verbose_name = _("versi layanan")
        verbose_name_plural = _("versi layanan")
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="unique_service_version")]

    def __str__(self):
        return f"{self.service} v{self.number}"

    @cached_property
    def parsed(self) -> ServiceStandard:
        return ServiceStandard.model_validate(self.standard)

    @cached_property
    def parsed_adjustments(self) -> Adjustments:
        return Adjustments.model_validate(self.adjustments)
