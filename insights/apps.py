from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = gettext_lazy("Program health")

    def ready(self) -> None:
        # Register the tasks: services enqueue them by name (tasks.py imports the services).
        from insights import tasks  # noqa: F401
