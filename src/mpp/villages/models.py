"""Villages (desa) and kelurahan as service points: what a village changes of its region's letters, and its
directory of RT/RW heads.

A region adopts the national village letters once (``catalog.Service``, one row per template and region), and
every one of its villages offers them as they stand. A village that differs says only how: its office's hours,
address, a fee its Perdes levies, the name of its head — one ``VillageOffice`` row, made the first time someone
changes something. 83,762 villages cost no rows until they do.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel

PHONE = RegexValidator(r"^\+?62\d{8,13}$|^0\d{9,13}$", _("Nomor ponsel Indonesia, misalnya 081234567890."))
RT_RW = RegexValidator(r"^\d{3}$", _("Tiga angka, misalnya 003."))


class VillageOffice(TimeStampedModel):
    """What one village changes of its region's village services; blank fields keep the region's."""

    village = models.OneToOneField(
        "regions.Region",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="village_office",
        limit_choices_to={"level": 4},
        verbose_name=_("desa/kelurahan"),
    )
    head_name = models.CharField(_("nama lurah/kepala desa"), max_length=120, blank=True)
    address = models.CharField(_("alamat kantor"), max_length=300, blank=True)
    phone = models.CharField(_("telepon kantor"), max_length=20, blank=True)
    #: [{"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "16:00"}] as ``catalog.Mpp.opening_hours``; [] keeps
    #: the national hours of a village office.
    opening_hours = models.JSONField(_("jam layanan"), default=list, blank=True)
    #: Template slug → the fee in rupiah a Perdes sets for that letter here (absent: the region's fee).
    fees = models.JSONField(_("biaya menurut Perdes"), default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("kantor desa/kelurahan")
        verbose_name_plural = _("kantor desa/kelurahan")

    def __str__(self):
        return str(self.village)


class HeadKind(models.TextChoices):
    RT = "rt", _("Ketua RT")
    RW = "rw", _("Ketua RW")


class NeighbourhoodHead(TimeStampedModel):
    """A head of a neighbourhood (RT) or of a group of them (RW) in one village, kept by the village's staff:
    whom a citizen's introduction (pengantar RT/RW) is asked from, by a one-time link to their phone."""

    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 4},
        verbose_name=_("desa/kelurahan"),
    )
    kind = models.CharField(_("jabatan"), max_length=2, choices=HeadKind.choices, default=HeadKind.RT)
    rw = models.CharField(_("RW"), max_length=3, validators=[RT_RW])
    #: Blank for an RW head.
    rt = models.CharField(_("RT"), max_length=3, blank=True, validators=[RT_RW])
    name = models.CharField(_("nama"), max_length=120)
    phone = models.CharField(_("nomor ponsel"), max_length=20, validators=[PHONE])
    channel = models.CharField(
        _("dikirimi lewat"), max_length=12, choices=[("whatsapp", "WhatsApp"), ("sms", "SMS")], default="whatsapp"
    )
    is_active = models.BooleanField(_("masih menjabat"), default=True)

    class Meta:
        ordering = ["village", "rw", "rt"]
        verbose_name = _("ketua RT/RW")
        verbose_name_plural = _("ketua RT/RW")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "kind", "rw", "rt"],
                condition=models.Q(is_active=True),
                name="one_serving_head_per_neighbourhood",
                violation_error_message=_("RT/RW ini sudah memiliki ketua yang masih menjabat."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="rt", rt__regex=r"^\d{3}$") | models.Q(kind="rw", rt=""),
                name="rt_head_has_rt",
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.name}"

    @property
    def title(self) -> str:
        if self.kind == HeadKind.RT:
            return _("Ketua RT %(rt)s/RW %(rw)s") % {"rt": self.rt, "rw": self.rw}
        return _("Ketua RW %(rw)s") % {"rw": self.rw}

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:4]}****{self.phone[-3:]}"
