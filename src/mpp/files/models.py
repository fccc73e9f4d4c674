"""Stored files: what a citizen (or a counter officer for them) uploaded, and the documents the platform issued.

A file is kept through Django's storage API under MEDIA_ROOT (object storage in production),
which is never served directly: it is handed out only by a view that checks who asks
(``applications.views.files``). This app sits low in the house so that every context that
takes or keeps files (applications, documents, and later complaints and monitoring reports)
stores them one way; it knows no context above it by import.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def upload_path(upload: "Upload", filename: str) -> str:
    # Never the citizen's file name on disk: the id and the extension of the checked content type.
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[upload.content_type]
    return f"uploads/{upload.created_at:%Y/%m}/{upload.id}.{extension}"


class Upload(models.Model):
    """One stored file, with its owner, its SHA-256 and the content type read from its bytes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    #: Who uploaded it; None for someone without an account (a region's official asking to join).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="uploads"
    )
    #: The application that submitted it: its agency's officers may then open the file. A reference by
    #: name, not an import: the applications app sets it (``applications.services``), this one never reads it.
    application = models.ForeignKey(
        "applications.Application", on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads"
    )
    file = models.FileField(upload_to=upload_path)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    #: The name the citizen gave it, cleaned, for display and download only.
    original_name = models.CharField(max_length=120)
    created_at = models.DateTimeField()

    class Meta:
        # The table it had when it belonged to the applications app (moved without copying a row).
        db_table = "applications_upload"
        ordering = ["-created_at"]
        verbose_name = _("berkas unggahan")
        verbose_name_plural = _("berkas unggahan")

    def __str__(self):
        return self.original_name
