from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "turazo.core"
    label = "core"
    verbose_name = "Turazo core"

    def ready(self) -> None:
        # Connects the task_prerun handler that marks outbox jobs started (in workers).
        from turazo.core import jobs  # noqa: F401
