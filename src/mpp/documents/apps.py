from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from .checks import long_term_signatures


class DocumentsConfig(AppConfig):
    name = "mpp.documents"
    label = "documents"
    verbose_name = _("Dokumen")

    def ready(self):
        checks.register(long_term_signatures, checks.Tags.security, deploy=True)
