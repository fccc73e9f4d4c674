"""Reads of the files app."""

from .models import Upload


def owned_uploads(owner, upload_ids) -> dict[str, Upload]:
    """The owner's uploads among ``upload_ids``, by id as text; others' and unknown ids are left out."""
    return {str(upload.pk): upload for upload in Upload.objects.filter(owner=owner, pk__in=upload_ids)}
