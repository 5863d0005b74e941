from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "turazo.core"
    label = "core"
    verbose_name = _("Turazo core")

    def ready(self) -> None:
        # Connects the task_prerun handler that marks outbox jobs started (in workers).
        from turazo.core import jobs  # noqa: F401
