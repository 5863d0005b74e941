from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from django.utils.translation import gettext, ngettext

        from matching import request_links, request_signals, signals  # noqa: F401 - receivers and link handlers
        from matching.engine.translation import use_translation

        # The engine imports no Django: its sentences (why a pair fits...) go through Django's gettext from here.
        use_translation(gettext=gettext, ngettext=ngettext)
