"""Writes of the files app: keep a checked upload, or a file the platform made (a signed PDF)."""

import hashlib
import logging
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .checks import validate_document, validate_pdf
from .models import Upload

logger = logging.getLogger(__name__)


def store_upload(*, owner, uploaded, now=None) -> Upload:
    """Keep a checked copy of an uploaded file (PDF, JPEG or PNG, at most 5 MB); ValidationError otherwise."""
    content, content_type = validate_document(uploaded)
    name = get_valid_filename(os.path.basename(uploaded.name or "")) or "berkas"
    return _store(owner=owner, content=content, content_type=content_type, name=name, now=now)


def store_pdf(*, owner, uploaded, now=None) -> Upload:
    """Keep a checked PDF (at most 5 MB); ValidationError for anything else, an image included."""
    content = validate_pdf(uploaded)
    name = get_valid_filename(os.path.basename(uploaded.name or "")) or "berkas.pdf"
    return _store(owner=owner, content=content, content_type="application/pdf", name=name, now=now)


def store_generated(*, owner, content: bytes, content_type: str, name: str, application=None, now=None) -> Upload:
    """Keep a file the platform made itself (not checked: it never came from outside), e.g. an issued PDF."""
    return _store(
        owner=owner,
        content=content,
        content_type=content_type,
        name=get_valid_filename(name),
        application=application,
        now=now,
    )


def replace_generated(upload: Upload, content: bytes) -> Upload:
    """Give a file the platform made new content (an issued PDF with validation data appended).

    The new file is written first; the old one is removed once the transaction commits, so a
    rollback leaves the record pointing at the old file, which is still there.
    """
    old_name = upload.file.name
    _write(upload, content)
    upload.sha256, upload.size = hashlib.sha256(content).hexdigest(), len(content)
    upload.save(update_fields=["file", "sha256", "size"])
    storage = upload.file.storage
    transaction.on_commit(lambda: storage.delete(old_name))
    return upload


def _store(*, owner, content: bytes, content_type: str, name: str, application=None, now=None) -> Upload:
    upload = Upload(
        owner=owner,
        application=application,
        sha256=hashlib.sha256(content).hexdigest(),
        content_type=content_type,
        size=len(content),
        original_name=name[-120:],
        created_at=now or timezone.now(),
    )
    _write(upload, content)
    upload.save(force_insert=True)
    return upload


def _write(upload: Upload, content: bytes) -> None:
    """Write the file before its row, so a row never points at a file that is not there. File storage that
    refuses (full, read-only, unreachable) is a ValidationError on the upload, for the person to try again later:
    the form keeps everything else, and the transaction around the caller's other writes rolls back."""
    try:
        upload.file.save("upload", ContentFile(content), save=False)
    except OSError as refused:
        logger.error("file storage refused %s bytes: %s", len(content), refused)
        raise ValidationError(
            _(
                "Berkas tidak dapat disimpan saat ini karena gangguan penyimpanan. Isian Anda yang lain tetap ada; "
                "coba unggah lagi beberapa saat lagi."
            ),
            code="storage",
        ) from refused
