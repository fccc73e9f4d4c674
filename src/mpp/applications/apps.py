from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "mpp.applications"
    label = "applications"
    verbose_name = _("Permohonan")

    def ready(self):
        from mpp.payments.services import bill_paid

        from . import services

        bill_paid.connect(services.on_bill_paid, dispatch_uid="applications.on_bill_paid")
