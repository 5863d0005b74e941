from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "turazo.core"
    label = "core"
    verbose_name = "Turazo core"
