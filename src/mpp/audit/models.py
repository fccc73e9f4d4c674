"""Append-only records of every use of a person's data, shown to that person.

"Who used my data": each registry lookup, face check, officer view and release
of data to an agency system about a NIK is one ``DataAccess`` row. Rows are
never edited or deleted by the application.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from uuid6 import uuid7


class AccessKind(models.TextChoices):
    REGISTRY_VERIFY = "registry_verify", _("Pencocokan data ke Dukcapil")
    REGISTRY_READ = "registry_read", _("Pembacaan data dari Dukcapil")
    FAMILY_READ = "family_read", _("Pembacaan data keluarga (KK) dari Dukcapil")
    REGISTRY_WRITE = "registry_write", _("Pencatatan peristiwa kependudukan di Dukcapil")
    FACE_CHECK = "face_check", _("Verifikasi wajah ke Dukcapil")
    SSO_RELEASE = "sso_release", _("Data dikirim ke sistem instansi (SSO)")
    OFFICER_VIEW = "officer_view", _("Dilihat petugas")
    ON_BEHALF = "on_behalf", _("Tindakan atas nama orang lain")
    SISDMK_READ = "sisdmk_read", _("Pembacaan data tenaga kesehatan dari SATUSEHAT SDMK")


class DataAccess(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    subject_nik = models.CharField(_("NIK yang datanya digunakan"), max_length=16)  # indexed with created_at below
    kind = models.CharField(_("jenis"), max_length=20, choices=AccessKind.choices)
    # Who: an account of ours (citizen, officer) and/or an outside party (agency client, institution).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("oleh"), max_length=200)
    purpose = models.CharField(_("keperluan"), max_length=300)
    fields = models.JSONField(_("data"), default=list)
    outcome = models.CharField(_("hasil"), max_length=60, blank=True)
    on_behalf_of_nik = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("penggunaan data")
        verbose_name_plural = _("penggunaan data")
        indexes = [models.Index(fields=["subject_nik", "-created_at"], name="access_subject_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject_nik[:6]}… · {self.actor_label}"
