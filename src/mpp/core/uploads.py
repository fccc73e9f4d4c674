"""Checking uploaded files by their content, not their name."""

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
