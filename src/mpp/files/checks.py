"""Checking uploaded files by their content, not their name (the browser's claim and the file name are ignored)."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_IMAGE_BYTES = 2 * 1024 * 1024
_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def validate_image(upload) -> bytes:
    """The bytes of a JPEG or PNG upload of at most 2 MB; ValidationError otherwise."""
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("Foto terlalu besar (maksimal 2 MB)."))
    content = upload.read()
    if not any(content.startswith(signature) for signature in _SIGNATURES):
        raise ValidationError(_("Hanya foto JPEG atau PNG yang diterima."))
    return content


MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel scan is plenty; more is a decompression bomb


def validate_document(upload) -> tuple[bytes, str]:
    """The bytes and content type of a PDF, JPEG or PNG upload of at most 5 MB; ValidationError otherwise.

    The type is read from the content (the name and the browser's claim are ignored); images
    are decoded by Pillow with a pixel limit, so a truncated or hostile file is refused here.
    """
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("Berkas terlalu besar (maksimal 5 MB)."))
    content = upload.read()
    if content.startswith(b"%PDF-"):
        if b"%%EOF" not in content[-2048:]:
            raise ValidationError(_("Berkas PDF ini rusak atau tidak lengkap."))
        return content, "application/pdf"
    content_type = next((kind for signature, kind in _SIGNATURES.items() if content.startswith(signature)), None)
    if content_type is None:
        raise ValidationError(_("Hanya berkas PDF, JPEG, atau PNG yang diterima."))
    from PIL import Image  # here, not at import: megabytes in every worker for the few requests with an image

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("Gambar terlalu besar."))
            image.verify()
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds of errors for broken images
        raise ValidationError(_("Gambar ini rusak dan tidak dapat dibaca.")) from None
    return content, content_type


def validate_pdf(upload) -> bytes:
    """The bytes of a PDF upload of at most 5 MB (an official letter, a decree); ValidationError otherwise."""
    content, content_type = validate_document(upload)
    if content_type != "application/pdf":
        raise ValidationError(_("Unggah berkas PDF (bukan foto atau pindaian gambar)."))
    return content
