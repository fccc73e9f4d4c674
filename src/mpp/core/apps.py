from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mpp.core"
    label = "core"
    verbose_name = "MPP Digital"
