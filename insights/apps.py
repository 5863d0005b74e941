from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Program health"

    def ready(self) -> None:
        # Register the tasks: services enqueue them by name (tasks.py imports the services).
        from insights import tasks  # noqa: F401
