from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        # Reschedule and cancel links from the session emails; ending a mentorship cancels
        # the pair's future sessions.
        from scheduling import links, receivers  # noqa: F401
