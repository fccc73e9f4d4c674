"""Kemendagri regions: provinsi → kabupaten/kota → kecamatan → desa/kelurahan.

Reference data, loaded from a package (see ``loading.py``) and never typed by
hand. The official dotted code is the primary key: it is public, stable and
what every other system uses (``64.72`` is Kota Samarinda).
"""

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/Kelurahan")


class Kind(models.TextChoices):
    PROVINCE = "provinsi", _("Provinsi")
    REGENCY = "kabupaten", _("Kabupaten")
    CITY = "kota", _("Kota")
    DISTRICT = "kecamatan", _("Kecamatan")
    PAPUA_DISTRICT = "distrik", _("Distrik")
    URBAN_VILLAGE = "kelurahan", _("Kelurahan")
    VILLAGE = "desa", _("Desa")
    CUSTOMARY_VILLAGE = "desa_adat", _("Desa adat")


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", "WIB"
    WITA = "Asia/Makassar", "WITA"
    WIT = "Asia/Jayapura", "WIT"


class Region(models.Model):
    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", db_constraint=True
    )
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)
    time_zone = models.CharField(_("zona waktu"), max_length=16, choices=TimeZone.choices)
    is_pilot = models.BooleanField(_("percontohan MPP Digital 2023"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [
            models.Index(fields=["level", "code"], name="region_level_code"),
            models.Index(fields=["parent", "code"], name="region_parent_code"),
            models.Index(Upper("name"), name="region_upper_name"),
            models.Index(fields=["is_pilot"], name="region_pilot", condition=models.Q(is_pilot=True)),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def time_zone_label(self) -> str:
        return TimeZone(self.time_zone).label


class RegionDataset(TimeStampedModel):
    """Which release of the reference data is loaded, so operators (and the loader) know."""

    source = models.CharField(_("sumber"), max_length=80)
    version = models.CharField(_("versi"), max_length=40)
    legal_basis = models.CharField(_("dasar hukum"), max_length=200)
    provinces = models.PositiveIntegerField(default=0)
    regencies = models.PositiveIntegerField(default=0)
    districts = models.PositiveIntegerField(default=0)
    villages = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"
        verbose_name = _("rilis data wilayah")
        verbose_name_plural = _("rilis data wilayah")

    def __str__(self):
        return f"{self.source} {self.version}"
