"""System checks of the documents app (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Warning


def long_term_signatures(app_configs, **kwargs):
    """Without a time-stamping authority, issued documents are PAdES B-B: they stop verifying when the
    signing certificate expires (docs/operators.md, "Signed documents that last")."""
    if settings.DOCUMENT_SIGNING_TSA_URL:
        return []
    return [
        Warning(
            "DOCUMENT_SIGNING_TSA_URL is not set: documents are signed without a timestamp or validation data "
            "(PAdES B-B) and will not verify once the signing certificate expires.",
            hint="Set it to the CA's RFC 3161 time-stamping service; then run manage.py upgrade_signatures.",
            id="documents.W001",
        )
    ]
