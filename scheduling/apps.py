from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        # Reschedule and cancel links from the session emails.
        from scheduling import links  # noqa: F401
