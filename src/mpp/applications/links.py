"""Short-lived, signed download links: a link to a file works for the account it was made for, for ten minutes.

A link found later — in a browser history, a forwarded e-mail, a proxy log — opens nothing; the
page it came from makes a fresh one. The download view still checks who may open the file.
"""

from django.core import signing
from django.urls import reverse

LINK_SECONDS = 600
_signer = signing.TimestampSigner(salt="mpp.applications.files")


def file_url(upload_id, user) -> str:
    """The download URL of ``upload_id`` for ``user``, valid for LINK_SECONDS."""
    _value, stamp, signature = _signer.sign(f"{upload_id}.{user.pk}").rsplit(":", 2)
    return f"{reverse('applications:download', args=[upload_id])}?t={stamp}.{signature}"


def link_is_valid(upload_id, user, token: str) -> bool:
    """Whether ``token`` was made for this file and this account less than LINK_SECONDS ago."""
    stamp, _dot, signature = (token or "").partition(".")
    try:
        _signer.unsign(f"{upload_id}.{user.pk}:{stamp}:{signature}", max_age=LINK_SECONDS)
    except signing.BadSignature:  # SignatureExpired included
        return False
    return True
