from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from matching import request_links, request_signals, signals  # noqa: F401 - receivers and link handlers
