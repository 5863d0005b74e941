from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        # Reschedule and cancel links from the session emails; ending a mentorship cancels
        # the pair's future sessions.
        from django.utils.translation import gettext, ngettext

        from scheduling import links, receivers  # noqa: F401
        from scheduling.slots.translation import use_translation

        # The slot calculator imports no Django: its messages go through Django's gettext from here.
        use_translation(gettext=gettext, ngettext=ngettext)
