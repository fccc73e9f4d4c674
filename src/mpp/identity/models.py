"""Accounts and the roles that scope what a staff member may see.

Citizens' identity (NIK, levels of assurance) arrives with the identity issue;
for now an account is a login, and a staff account holds role assignments.
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("akun")
        verbose_name_plural = _("akun")


class Role(models.TextChoices):
    MINISTRY = "ministry", _("Kementerian (KemenPANRB)")
    MPP_MANAGER = "mpp_manager", _("Pengelola MPP")


class RoleAssignment(TimeStampedModel):
    """A staff member's role. Ministry roles are national; an MPP manager's is bound to one region."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("peran"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah"),
        limit_choices_to={"level": 2},
    )

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("penugasan peran")
        verbose_name_plural = _("penugasan peran")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="unique_role_assignment"),
            models.CheckConstraint(
                condition=models.Q(role="ministry", region__isnull=True)
                | models.Q(role="mpp_manager", region__isnull=False),
                name="role_region_matches_scope",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}" + (f" · {self.region}" if self.region_id else "")

    def clean(self):
        if self.role == Role.MPP_MANAGER and not self.region_id:
            raise ValidationError({"region": _("Pengelola MPP harus terikat pada satu kabupaten/kota.")})
        if self.role == Role.MINISTRY and self.region_id:
            raise ValidationError({"region": _("Peran kementerian berlaku nasional, tanpa wilayah.")})
