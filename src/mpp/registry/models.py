"""What we last read from the population registry about a person, with where and when.

The registry is the source of truth; a ``PersonRecord`` is our dated copy, shown
read-only to the citizen ("from Dukcapil, retrieved on …") and refreshed from
the registry when it matters (login to an agency, a new application).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel


class PersonRecord(TimeStampedModel):
    nik = models.CharField(_("NIK"), max_length=16, primary_key=True)
    kk_number = models.CharField(_("nomor KK"), max_length=16, db_index=True, blank=True)
    data = models.JSONField(_("data kependudukan"))
    source = models.CharField(_("sumber"), max_length=120)
    retrieved_at = models.DateTimeField(_("diambil pada"))

    class Meta:
        ordering = ["nik"]
        verbose_name = _("data kependudukan")
        verbose_name_plural = _("data kependudukan")

    def __str__(self):
        return f"{self.nik[:6]}… ({self.data.get('name', '')})"


class FamilyRecord(TimeStampedModel):
    kk_number = models.CharField(_("nomor KK"), max_length=16, primary_key=True)
    data = models.JSONField(_("data keluarga"))
    source = models.CharField(_("sumber"), max_length=120)
    retrieved_at = models.DateTimeField(_("diambil pada"))

    class Meta:
        ordering = ["kk_number"]
        verbose_name = _("data keluarga (KK)")
        verbose_name_plural = _("data keluarga (KK)")

    def __str__(self):
        return self.kk_number
