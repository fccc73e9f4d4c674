"""Short-lived, signed download links: a link to a file works for the account it was made for, for ten minutes.

A link found later — in a browser history, a forwarded e-mail, a proxy log — opens nothing; the
page it came from makes a fresh one. The download view still checks who may open the file.

Also the survey link a decision notice carries (``survey_invitation``).
"""

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse

from .models import Status

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


def survey_invitation(application, kind: str) -> dict:
    """The notice context of a decision (``kind`` approved or rejected): the link to rate the service once
    (mpp.surveys, a floor above, known here by its URL's name only). Nothing for any other notice."""
    if kind not in (Status.APPROVED, Status.REJECTED):
        return {}
    try:
        path = reverse("surveys:application", args=[application.tracking_number])
    except NoReverseMatch:  # the surveys app is not installed: the notice says nothing of a survey
        return {}
    return {"survey_url": f"{settings.SITE_URL}{path}"}
