from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = gettext_lazy("Goals, notes and closing")

    def ready(self) -> None:
        # Closing a program (any way it happens) ends mentorships and sends the survey;
        # the survey can be answered from its email link.
        from journal import links, receivers  # noqa: F401
