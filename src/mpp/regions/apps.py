from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "mpp.regions"
    label = "regions"
    verbose_name = _("Wilayah")
